package io.modelhub.users;

import io.modelhub.api.ApiException;
import io.modelhub.auth.KeyRequests;
import io.modelhub.auth.Keys;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The rules of user accounts, whoever asks (the users API, sign-in through OIDC, the command line):
 * field checks, unique emails, Argon2id passwords, and what removing a user's access means. Disabling or
 * deleting a user revokes their keys (through {@link Keys}, so every node refuses them at once) and ends
 * their sessions (read from the store on every request, so every node refuses them at once too).
 */
public final class Accounts {
    private static final char[] ID_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

    private final UserStore store;
    private final Passwords passwords;
    private final Keys keys;
    private final Sessions sessions;
    private final SecureRandom random = new SecureRandom();

    /** {@code keys} and {@code sessions} may be null for a store opened only to add users (the command line). */
    public Accounts(UserStore store, Passwords passwords, Keys keys, Sessions sessions) {
        this.store = store;
        this.passwords = passwords;
        this.keys = keys;
        this.sessions = sessions;
    }

    public UserStore store() {
        return store;
    }

    public Passwords passwords() {
        return passwords;
    }

    /** Creates a user with a password; 400 naming a bad field, 409 {@code email_taken}. */
    public User create(String email, String name, String password, Role role) {
        String e = email(email);
        String n = name(name);
        checkPassword(password);
        return insert(new User(newId(), e, n, role, passwords.hash(password), false, System.currentTimeMillis(), null, null));
    }

    /** Creates a user who signs in through the OIDC issuer only (no password). */
    public User createExternal(String email, String name, String subject, Role role) {
        return insert(new User(newId(), email(email), name(name), role, null, false, System.currentTimeMillis(), null, subject));
    }

    private User insert(User u) {
        if (!store.insert(u)) {
            throw ApiException.conflict("A user with the email '" + u.email() + "' exists already.", "email_taken");
        }
        return u;
    }

    public User get(String id) {
        return store.find(id).orElseThrow(() -> notFound(id));
    }

    public Optional<User> byEmail(String email) {
        return store.findByEmail(email);
    }

    /**
     * Applies an edit. Disabling revokes the user's keys and ends their sessions; a new password ends
     * every session of the user except {@code keepSessionId} (the editor's own, when they change their
     * own password; may be null). The last enabled admin cannot be disabled or made a member (409 {@code last_admin}).
     */
    public User update(User before, String name, Role role, Boolean disabled, String password, String keepSessionId) {
        User after = before;
        if (name != null) {
            after = after.withName(name(name));
        }
        if (role != null) {
            after = after.withRole(role);
        }
        if (disabled != null) {
            after = after.withDisabled(disabled);
        }
        if (password != null) {
            checkPassword(password);
            after = after.withPasswordHash(passwords.hash(password));
        }
        boolean wasAdmin = before.role() == Role.ADMIN && !before.disabled();
        boolean isAdmin = after.role() == Role.ADMIN && !after.disabled();
        if (wasAdmin && !isAdmin && store.activeAdmins() <= 1) {
            throw ApiException.conflict("'" + before.email() + "' is the last enabled admin; make another user an admin first.", "last_admin");
        }
        if (!store.update(after)) {
            throw notFound(before.id());
        }
        if (after.disabled() && !before.disabled()) {
            removeAccess(after.id());
        } else if (password != null && sessions != null) {
            sessions.endAllOf(after.id(), keepSessionId);
        }
        return after;
    }

    /** Deletes the user: their keys are revoked and their sessions end, at once on every node. */
    public void delete(String id) {
        User u = get(id);
        if (u.role() == Role.ADMIN && !u.disabled() && store.activeAdmins() <= 1) {
            throw ApiException.conflict("'" + u.email() + "' is the last enabled admin; make another user an admin first.", "last_admin");
        }
        removeAccess(id);
        if (!store.delete(id)) {
            throw notFound(id);
        }
    }

    private void removeAccess(String userId) {
        if (keys != null) {
            keys.revokeOwnedBy(userId);
        }
        if (sessions != null) {
            sessions.endAllOf(userId, null);
        }
    }

    /** Records a successful sign-in. */
    public void signedIn(User u, long nowMs) {
        store.touchLogin(u.id(), nowMs);
    }

    static ApiException notFound(String id) {
        return ApiException.notFound("No user with id '" + id + "'. GET /v1/users lists the users.", "id", "user_not_found");
    }

    /** A plausible email address, trimmed: one '@' with text on both sides, no spaces, at most 320 characters. */
    public static String email(String v) {
        if (v == null) {
            throw KeyRequests.invalid("email", "'email' is required: the user's email address.");
        }
        String e = v.trim();
        int at = e.indexOf('@');
        if (e.length() > 320 || at < 1 || at != e.lastIndexOf('@') || at == e.length() - 1 || e.chars().anyMatch(Character::isWhitespace)) {
            throw KeyRequests.invalid("email", "'email' must be an email address like ada@example.com.");
        }
        return e;
    }

    static String name(String v) {
        if (v == null || v.isBlank()) {
            throw KeyRequests.invalid("name", "'name' must be a non-empty string.");
        }
        if (v.trim().length() > 200) {
            throw KeyRequests.invalid("name", "'name' must be at most 200 characters.");
        }
        return v.trim();
    }

    /** 400 {@code weak_password} for a password under {@link Passwords#MIN_LENGTH} characters. */
    public static void checkPassword(String p) {
        if (p == null) {
            throw KeyRequests.invalid("password", "'password' is required.");
        }
        int n = p.codePointCount(0, p.length());
        if (n < Passwords.MIN_LENGTH) {
            throw ApiException.badRequest("The password is too weak: use at least " + Passwords.MIN_LENGTH + " characters.",
                    "password", "weak_password");
        }
        if (n > Passwords.MAX_LENGTH) {
            throw KeyRequests.invalid("password", "'password' must be at most " + Passwords.MAX_LENGTH + " characters.");
        }
    }

    static Role role(String v) {
        Role r = v == null ? null : Role.fromWire(v);
        if (r == null) {
            throw KeyRequests.invalid("role", "'role' must be 'admin' or 'member'.");
        }
        return r;
    }

    private String newId() {
        char[] out = new char[16];
        for (int i = 0; i < out.length; i++) {
            out[i] = ID_CHARS[random.nextInt(ID_CHARS.length)];
        }
        return "usr_" + new String(out);
    }
}
