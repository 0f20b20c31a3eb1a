package io.modelhub.users;

/**
 * One account as stored. {@code passwordHash} is an Argon2id PHC string, or null for a user who signs in
 * only through the OIDC issuer ({@code oidcSubject}); it never leaves the hub. Times are epoch milliseconds.
 */
public record User(String id, String email, String name, Role role, String passwordHash, boolean disabled,
        long createdAt, Long lastLoginAt, String oidcSubject) {

    /** The key emails are compared by: an email is unique regardless of case. */
    public static String emailKey(String email) {
        return email.trim().toLowerCase(java.util.Locale.ROOT);
    }

    public User withRole(Role r) {
        return new User(id, email, name, r, passwordHash, disabled, createdAt, lastLoginAt, oidcSubject);
    }

    public User withName(String n) {
        return new User(id, email, n, role, passwordHash, disabled, createdAt, lastLoginAt, oidcSubject);
    }

    public User withDisabled(boolean d) {
        return new User(id, email, name, role, passwordHash, d, createdAt, lastLoginAt, oidcSubject);
    }

    public User withPasswordHash(String h) {
        return new User(id, email, name, role, h, disabled, createdAt, lastLoginAt, oidcSubject);
    }

    /** Never shows the password hash. */
    @Override
    public String toString() {
        return "User[" + id + ", " + email + ", " + role.wireName() + (disabled ? ", disabled" : "") + "]";
    }
}
