package io.modelhub.pipelines;

import io.modelhub.store.Store;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Pipelines, their versions and their deployments in the hub's store (tables of {@code V4__pipelines.sql}),
 * with the same SQL on SQLite and PostgreSQL. Versions are append-only: a change adds a row.
 */
public final class PipelineStore {
    private static final String VERSION_COLUMNS =
            "v.pipeline_id, v.version, p.latest_version, v.definition, p.created_at, v.created_at, v.test_passed_at";
    private final Store store;
    private final SecureRandom random = new SecureRandom();

    public PipelineStore(Store store) {
        this.store = store;
    }

    /** Creates a pipeline whose version 1 is {@code definition}. */
    public PipelineVersion create(String definition, String createdBy, long now) {
        String id = newId("pipe_");
        try (Connection c = store.connection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement p = c.prepareStatement(
                        "INSERT INTO pipelines (id, latest_version, created_at, updated_at, created_by) VALUES (?, 1, ?, ?, ?)")) {
                    p.setString(1, id);
                    p.setLong(2, now);
                    p.setLong(3, now);
                    p.setString(4, createdBy);
                    p.executeUpdate();
                }
                insertVersion(c, id, 1, definition, now);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failed("create a pipeline", e);
        }
        return new PipelineVersion(id, 1, 1, definition, now, now, null);
    }

    /** Adds the next version; empty when the pipeline does not exist. */
    public Optional<PipelineVersion> addVersion(String pipelineId, String definition, long now) {
        try (Connection c = store.connection()) {
            c.setAutoCommit(false);
            try {
                // The update takes the row's write lock first, so two concurrent changes get distinct versions.
                try (PreparedStatement p = c.prepareStatement(
                        "UPDATE pipelines SET latest_version = latest_version + 1, updated_at = ? WHERE id = ?")) {
                    p.setLong(1, now);
                    p.setString(2, pipelineId);
                    if (p.executeUpdate() == 0) {
                        c.rollback();
                        return Optional.empty();
                    }
                }
                int version;
                long createdAt;
                try (PreparedStatement p = c.prepareStatement("SELECT latest_version, created_at FROM pipelines WHERE id = ?")) {
                    p.setString(1, pipelineId);
                    try (ResultSet rs = p.executeQuery()) {
                        rs.next();
                        version = rs.getInt(1);
                        createdAt = rs.getLong(2);
                    }
                }
                insertVersion(c, pipelineId, version, definition, now);
                c.commit();
                return Optional.of(new PipelineVersion(pipelineId, version, version, definition, createdAt, now, null));
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failed("add a pipeline version", e);
        }
    }

    private static void insertVersion(Connection c, String id, int version, String definition, long now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO pipeline_versions (pipeline_id, version, definition, created_at) VALUES (?, ?, ?, ?)")) {
            p.setString(1, id);
            p.setInt(2, version);
            p.setString(3, definition);
            p.setLong(4, now);
            p.executeUpdate();
        }
    }

    /** A version of a pipeline ({@code version} null: the latest), or empty. */
    public Optional<PipelineVersion> version(String pipelineId, Integer version) {
        String sql = "SELECT " + VERSION_COLUMNS + " FROM pipelines p JOIN pipeline_versions v ON v.pipeline_id = p.id"
                + " WHERE p.id = ? AND v.version = " + (version == null ? "p.latest_version" : "?");
        try (Connection c = store.connection(); PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, pipelineId);
            if (version != null) {
                p.setInt(2, version);
            }
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(version(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failed("read a pipeline", e);
        }
    }

    /** The latest version of every pipeline, newest pipeline first. */
    public List<PipelineVersion> latest() {
        String sql = "SELECT " + VERSION_COLUMNS + " FROM pipelines p JOIN pipeline_versions v"
                + " ON v.pipeline_id = p.id AND v.version = p.latest_version ORDER BY p.created_at DESC, p.id";
        try (Connection c = store.connection(); PreparedStatement p = c.prepareStatement(sql); ResultSet rs = p.executeQuery()) {
            List<PipelineVersion> out = new ArrayList<>();
            while (rs.next()) {
                out.add(version(rs));
            }
            return out;
        } catch (SQLException e) {
            throw failed("list pipelines", e);
        }
    }

    private static PipelineVersion version(ResultSet rs) throws SQLException {
        return new PipelineVersion(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getString(4), rs.getLong(5), rs.getLong(6),
                nullableLong(rs, 7));
    }

    /** Deletes a pipeline with its versions and deployments; false when there was none. */
    public boolean delete(String pipelineId) {
        try (Connection c = store.connection()) {
            c.setAutoCommit(false);
            try {
                for (String sql : List.of("DELETE FROM deployments WHERE pipeline_id = ?", "DELETE FROM pipeline_versions WHERE pipeline_id = ?")) {
                    try (PreparedStatement p = c.prepareStatement(sql)) {
                        p.setString(1, pipelineId);
                        p.executeUpdate();
                    }
                }
                int n;
                try (PreparedStatement p = c.prepareStatement("DELETE FROM pipelines WHERE id = ?")) {
                    p.setString(1, pipelineId);
                    n = p.executeUpdate();
                }
                c.commit();
                return n > 0;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failed("delete a pipeline", e);
        }
    }

    /** Notes that a test of this version passed (what {@code requires_passing_test} looks for). */
    public void markTestPassed(String pipelineId, int version, long now) {
        try (Connection c = store.connection(); PreparedStatement p = c.prepareStatement(
                "UPDATE pipeline_versions SET test_passed_at = ? WHERE pipeline_id = ? AND version = ?")) {
            p.setLong(1, now);
            p.setString(2, pipelineId);
            p.setInt(3, version);
            p.executeUpdate();
        } catch (SQLException e) {
            throw failed("record a test", e);
        }
    }

    /** Creates an active deployment of a version (the caller has checked that the version exists). */
    public Deployment deploy(String pipelineId, int version, long now) {
        Deployment d = new Deployment(newId("dep_"), pipelineId, version, Deployment.ACTIVE, now, null);
        try (Connection c = store.connection(); PreparedStatement p = c.prepareStatement(
                "INSERT INTO deployments (id, pipeline_id, version, status, created_at) VALUES (?, ?, ?, ?, ?)")) {
            p.setString(1, d.id());
            p.setString(2, pipelineId);
            p.setInt(3, version);
            p.setString(4, d.status());
            p.setLong(5, now);
            p.executeUpdate();
            return d;
        } catch (SQLException e) {
            throw failed("create a deployment", e);
        }
    }

    /** Every deployment of a pipeline, retired ones included, newest first. */
    public List<Deployment> deployments(String pipelineId) {
        try (Connection c = store.connection(); PreparedStatement p = c.prepareStatement(
                "SELECT id, pipeline_id, version, status, created_at, retired_at FROM deployments WHERE pipeline_id = ? ORDER BY created_at DESC, id")) {
            p.setString(1, pipelineId);
            try (ResultSet rs = p.executeQuery()) {
                List<Deployment> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(deployment(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw failed("list deployments", e);
        }
    }

    public Optional<Deployment> deployment(String id) {
        try (Connection c = store.connection(); PreparedStatement p = c.prepareStatement(
                "SELECT id, pipeline_id, version, status, created_at, retired_at FROM deployments WHERE id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(deployment(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failed("read a deployment", e);
        }
    }

    /** Retires an active deployment; false when it does not exist or is retired already. */
    public boolean retire(String id, long now) {
        try (Connection c = store.connection(); PreparedStatement p = c.prepareStatement(
                "UPDATE deployments SET status = ?, retired_at = ? WHERE id = ? AND status = ?")) {
            p.setString(1, Deployment.RETIRED);
            p.setLong(2, now);
            p.setString(3, id);
            p.setString(4, Deployment.ACTIVE);
            return p.executeUpdate() > 0;
        } catch (SQLException e) {
            throw failed("retire a deployment", e);
        }
    }

    private static Deployment deployment(ResultSet rs) throws SQLException {
        return new Deployment(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getLong(5), nullableLong(rs, 6));
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private String newId(String prefix) {
        byte[] b = new byte[12];
        random.nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }

    private static IllegalStateException failed(String what, SQLException e) {
        return new IllegalStateException("the store could not " + what + ": " + e.getMessage(), e);
    }
}
