package io.modelhub.auth;

import io.modelhub.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The SQL behind API keys (table {@code api_keys}) and the hub-wide settings auth keeps in {@code hub_settings}. */
public final class KeyStore {
    private static final String COLUMNS = "id, name, secret_hash, scopes, expires_at, allowed_models, rpm, tpm, budget_usd, "
            + "spent_usd, created_at, last_used_at, revoked_at, owner, response_cache";
    // Model ids never contain a line break, so it is a safe separator on both dialects (no array types in SQLite).
    private static final String LIST_SEPARATOR = "\n";

    private final Store store;

    public KeyStore(Store store) {
        this.store = store;
    }

    public void insert(KeyRecord k) {
        String sql = "INSERT INTO api_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, k.id());
            ps.setString(2, k.name());
            ps.setString(3, k.secretHash());
            ps.setString(4, joinScopes(k.scopes()));
            setLong(ps, 5, k.expiresAt());
            ps.setString(6, k.allowedModels() == null ? null : String.join(LIST_SEPARATOR, k.allowedModels().stream().sorted().toList()));
            setInt(ps, 7, k.rpm());
            setInt(ps, 8, k.tpm());
            setDouble(ps, 9, k.budgetUsd());
            ps.setDouble(10, k.spentUsd());
            ps.setLong(11, k.createdAt());
            setLong(ps, 12, k.lastUsedAt());
            setLong(ps, 13, k.revokedAt());
            ps.setString(14, k.owner());
            ps.setInt(15, k.cache() ? 1 : 0);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("insert key " + k.id(), e);
        }
    }

    public Optional<KeyRecord> find(String id) {
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("read key " + id, e);
        }
    }

    /** Every key, oldest first. */
    public List<KeyRecord> list() {
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at, id");
                ResultSet rs = ps.executeQuery()) {
            List<KeyRecord> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row(rs));
            }
            return out;
        } catch (SQLException e) {
            throw failure("list keys", e);
        }
    }

    /** The keys owned by one user, oldest first. */
    public List<KeyRecord> listOwnedBy(String owner) {
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys WHERE owner = ? ORDER BY created_at, id")) {
            ps.setString(1, owner);
            try (ResultSet rs = ps.executeQuery()) {
                List<KeyRecord> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(row(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw failure("list the keys of " + owner, e);
        }
    }

    public long count() {
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM api_keys");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw failure("count keys", e);
        }
    }

    /** Writes the editable fields (name, scopes, expiry, allowed models, limits); false if there is no such key. */
    public boolean update(KeyRecord k) {
        String sql = "UPDATE api_keys SET name = ?, scopes = ?, expires_at = ?, allowed_models = ?, rpm = ?, tpm = ?, budget_usd = ?, response_cache = ? WHERE id = ?";
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, k.name());
            ps.setString(2, joinScopes(k.scopes()));
            setLong(ps, 3, k.expiresAt());
            ps.setString(4, k.allowedModels() == null ? null : String.join(LIST_SEPARATOR, k.allowedModels().stream().sorted().toList()));
            setInt(ps, 5, k.rpm());
            setInt(ps, 6, k.tpm());
            setDouble(ps, 7, k.budgetUsd());
            ps.setInt(8, k.cache() ? 1 : 0);
            ps.setString(9, k.id());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("update key " + k.id(), e);
        }
    }

    /** Marks the key revoked at {@code at} unless it already was; false if there is no such key. */
    public boolean revoke(String id, long at) {
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?")) {
            ps.setLong(1, at);
            ps.setString(2, id);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("revoke key " + id, e);
        }
    }

    /** Records when keys were last used, in one transaction; never moves a time backwards. */
    public void touch(Map<String, Long> lastUsed) {
        if (lastUsed.isEmpty()) {
            return;
        }
        String sql = "UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)";
        batch(sql, lastUsed.entrySet().stream().map(e -> (Binder) ps -> {
            ps.setLong(1, e.getValue());
            ps.setString(2, e.getKey());
            ps.setLong(3, e.getValue());
        }).toList(), "record key use");
    }

    /**
     * Adds spend to keys in one transaction ({@code spent_usd = spent_usd + delta}, so nodes sharing the store
     * add up instead of overwriting each other).
     */
    public void addSpend(Map<String, Double> deltas) {
        if (deltas.isEmpty()) {
            return;
        }
        batch("UPDATE api_keys SET spent_usd = spent_usd + ? WHERE id = ?", deltas.entrySet().stream().map(e -> (Binder) ps -> {
            ps.setDouble(1, e.getValue());
            ps.setString(2, e.getKey());
        }).toList(), "add key spend");
    }

    /** A hub-wide setting, or empty. */
    public Optional<String> setting(String name) {
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("SELECT value FROM hub_settings WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("read setting " + name, e);
        }
    }

    /**
     * Stores {@code value} under {@code name} unless a value is there already, and answers the value that won:
     * when two nodes start at once, both end up with the first one written.
     */
    public String settingIfAbsent(String name, String value) {
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO hub_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
            ps.setString(1, name);
            ps.setString(2, value);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("write setting " + name, e);
        }
        return setting(name).orElseThrow(() -> new IllegalStateException("setting " + name + " vanished after it was written"));
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private void batch(String sql, List<Binder> rows, String what) {
        try (Connection c = store.connection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (Binder b : rows) {
                    b.bind(ps);
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private static KeyRecord row(ResultSet rs) throws SQLException {
        String models = rs.getString("allowed_models");
        Set<String> allowed = null;
        if (models != null) {
            allowed = models.isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(models.split(LIST_SEPARATOR)));
        }
        List<Scope> scopes = new ArrayList<>();
        for (String s : rs.getString("scopes").split(",")) {
            Scope scope = Scope.fromWire(s);
            if (scope != null) {
                scopes.add(scope);
            }
        }
        return new KeyRecord(rs.getString("id"), rs.getString("name"), rs.getString("secret_hash"), scopes,
                getLong(rs, "expires_at"), allowed, getInt(rs, "rpm"), getInt(rs, "tpm"), getDouble(rs, "budget_usd"),
                rs.getDouble("spent_usd"), rs.getLong("created_at"), getLong(rs, "last_used_at"), getLong(rs, "revoked_at"),
                rs.getString("owner"), rs.getInt("response_cache") != 0);
    }

    private static String joinScopes(List<Scope> scopes) {
        return String.join(",", scopes.stream().map(Scope::wireName).toList());
    }

    private static Long getLong(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }

    private static Integer getInt(ResultSet rs, String col) throws SQLException {
        int v = rs.getInt(col);
        return rs.wasNull() ? null : v;
    }

    private static Double getDouble(ResultSet rs, String col) throws SQLException {
        double v = rs.getDouble(col);
        return rs.wasNull() ? null : v;
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    private static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("store: cannot " + what + ": " + e.getMessage(), e);
    }
}
