package io.modelhub.users;

import io.modelhub.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL behind users (table {@code users}) and their portal sessions (table {@code sessions}). */
public final class UserStore {
    private static final String COLUMNS = "id, email, name, role, password_hash, disabled, created_at, last_login_at, oidc_subject";

    private final Store store;

    public UserStore(Store store) {
        this.store = store;
    }

    /** Inserts the user; false when the email (in any case) or the OIDC subject is taken already. */
    public boolean insert(User u) {
        String sql = "INSERT INTO users (" + COLUMNS + ", email_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, u.id());
            ps.setString(2, u.email());
            ps.setString(3, u.name());
            ps.setString(4, u.role().wireName());
            ps.setString(5, u.passwordHash());
            ps.setInt(6, u.disabled() ? 1 : 0);
            ps.setLong(7, u.createdAt());
            setLong(ps, 8, u.lastLoginAt());
            ps.setString(9, u.oidcSubject());
            ps.setString(10, User.emailKey(u.email()));
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (uniqueViolation(e)) {
                return false;
            }
            throw failure("insert user " + u.id(), e);
        }
    }

    public Optional<User> find(String id) {
        return one("SELECT " + COLUMNS + " FROM users WHERE id = ?", id, "read user " + id);
    }

    public Optional<User> findByEmail(String email) {
        return one("SELECT " + COLUMNS + " FROM users WHERE email_key = ?", User.emailKey(email), "read a user by email");
    }

    public Optional<User> findByOidcSubject(String subject) {
        return one("SELECT " + COLUMNS + " FROM users WHERE oidc_subject = ?", subject, "read a user by OIDC subject");
    }

    /** Every user, oldest first. */
    public List<User> list() {
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM users ORDER BY created_at, id");
                ResultSet rs = ps.executeQuery()) {
            List<User> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row(rs, 1));
            }
            return out;
        } catch (SQLException e) {
            throw failure("list users", e);
        }
    }

    public long count() {
        return countWhere("SELECT COUNT(*) FROM users", "count users");
    }

    /** How many enabled admins there are (the last one may not be removed). */
    public long activeAdmins() {
        return countWhere("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0", "count admins");
    }

    /** Writes name, role, disabled and password hash; false if there is no such user. */
    public boolean update(User u) {
        String sql = "UPDATE users SET name = ?, role = ?, disabled = ?, password_hash = ?, oidc_subject = ? WHERE id = ?";
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, u.name());
            ps.setString(2, u.role().wireName());
            ps.setInt(3, u.disabled() ? 1 : 0);
            ps.setString(4, u.passwordHash());
            ps.setString(5, u.oidcSubject());
            ps.setString(6, u.id());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("update user " + u.id(), e);
        }
    }

    public void touchLogin(String id, long at) {
        exec("UPDATE users SET last_login_at = ? WHERE id = ?", "record a sign-in", at, id);
    }

    /** Deletes the user and (by cascade, and explicitly for SQLite without foreign keys) their sessions; false if absent. */
    public boolean delete(String id) {
        exec("DELETE FROM sessions WHERE user_id = ?", "end the sessions of " + id, id);
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement("DELETE FROM users WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("delete user " + id, e);
        }
    }

    /** One stored session and its user. */
    public record StoredSession(String idHash, String csrfToken, long createdAt, long lastSeenAt, long expiresAt, User user) {}

    public void insertSession(String idHash, String userId, String csrfToken, long now, long expiresAt) {
        exec("INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                "start a session", idHash, userId, csrfToken, now, now, expiresAt);
    }

    public Optional<StoredSession> session(String idHash) {
        String sql = "SELECT s.id_hash, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, "
                + prefixed("u.") + " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?";
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, idHash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredSession(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        row(rs, 6)));
            }
        } catch (SQLException e) {
            throw failure("read a session", e);
        }
    }

    public void touchSession(String idHash, long at) {
        exec("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ? AND last_seen_at < ?", "record session activity", at, idHash, at);
    }

    public void deleteSession(String idHash) {
        exec("DELETE FROM sessions WHERE id_hash = ?", "end a session", idHash);
    }

    /** Ends every session of the user except {@code keepIdHash} (may be null: all of them). */
    public void deleteSessionsOf(String userId, String keepIdHash) {
        if (keepIdHash == null) {
            exec("DELETE FROM sessions WHERE user_id = ?", "end the sessions of " + userId, userId);
        } else {
            exec("DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?", "end the sessions of " + userId, userId, keepIdHash);
        }
    }

    /** Forgets sessions that expired before {@code before}: they would be refused anyway. */
    public void deleteSessionsExpiredBefore(long before) {
        exec("DELETE FROM sessions WHERE expires_at < ?", "forget expired sessions", before);
    }

    private static String prefixed(String p) {
        StringBuilder sb = new StringBuilder();
        for (String col : COLUMNS.split(", ")) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(p).append(col);
        }
        return sb.toString();
    }

    private Optional<User> one(String sql, String arg, String what) {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs, 1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private long countWhere(String sql, String what) {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private void exec(String sql, String what, Object... args) {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                if (args[i] instanceof Long l) {
                    ps.setLong(i + 1, l);
                } else {
                    ps.setString(i + 1, (String) args[i]);
                }
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** The user in the columns of {@link #COLUMNS} starting at {@code first}. */
    private static User row(ResultSet rs, int first) throws SQLException {
        Role role = Role.fromWire(rs.getString(first + 3));
        long lastLogin = rs.getLong(first + 7);
        Long last = rs.wasNull() ? null : lastLogin;
        return new User(rs.getString(first), rs.getString(first + 1), rs.getString(first + 2), role == null ? Role.MEMBER : role,
                rs.getString(first + 4), rs.getInt(first + 5) != 0, rs.getLong(first + 6), last, rs.getString(first + 8));
    }

    private static boolean uniqueViolation(SQLException e) {
        String state = e.getSQLState();
        String msg = e.getMessage() == null ? "" : e.getMessage();
        return "23505".equals(state) || msg.contains("UNIQUE constraint failed");
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    private static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("store: cannot " + what + ": " + e.getMessage(), e);
    }
}
