package io.modelhub.auth;

/** What a credential may do; each scope includes the ones before it. */
public enum Scope {
    READ("read"), WRITE("write"), ADMIN("admin");

    private final String wireName;

    Scope(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether holding this scope grants {@code needed}. */
    public boolean includes(Scope needed) {
        return ordinal() >= needed.ordinal();
    }

    /** The scope with this API name, or null. */
    public static Scope fromWire(String name) {
        for (Scope s : values()) {
            if (s.wireName.equals(name)) {
                return s;
            }
        }
        return null;
    }
}
