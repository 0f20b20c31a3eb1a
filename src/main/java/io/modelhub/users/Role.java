package io.modelhub.users;

import io.modelhub.auth.Scope;

/** What a user may do: an admin manages everything, a member their own keys, pipelines and usage. */
public enum Role {
    ADMIN("admin", Scope.ADMIN), MEMBER("member", Scope.WRITE);

    private final String wireName;
    private final Scope scope;

    Role(String wireName, Scope scope) {
        this.wireName = wireName;
        this.scope = scope;
    }

    public String wireName() {
        return wireName;
    }

    /** The scope a signed-in user of this role holds (admin: admin, member: write). */
    public Scope scope() {
        return scope;
    }

    /** The role with this API name, or null. */
    public static Role fromWire(String name) {
        for (Role r : values()) {
            if (r.wireName.equals(name)) {
                return r;
            }
        }
        return null;
    }
}
