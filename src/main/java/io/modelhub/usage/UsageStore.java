package io.modelhub.usage;

import io.modelhub.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code usage_records} table: batch inserts for the writer and the sums behind {@code GET /v1/usage}.
 * Plain SQL that runs unchanged on SQLite and PostgreSQL.
 */
public final class UsageStore {
    private static final String INSERT = "INSERT INTO usage_records (id, ts, key_id, model, provider, pipeline_id, deployment_id,"
            + " pipeline_version, test_call, prompt_tokens, completion_tokens, cost_usd, latency_ms, ttft_ms, status, error_type,"
            + " request_id, cost_known, user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final long DAY_MS = 86_400_000L;

    /** What the usage sums may be grouped by; {@code column} is the SQL expression of the group. */
    public enum GroupBy {
        KEY("key", "key_id"), MODEL("model", "model"), PROVIDER("provider", "provider"),
        PIPELINE("pipeline", "pipeline_id"), USER("user", "user_id"),
        // Integer division works alike on both dialects; the day is formatted in Java.
        DAY("day", "ts / " + DAY_MS);

        private final String wireName;
        private final String column;

        GroupBy(String wireName, String column) {
            this.wireName = wireName;
            this.column = column;
        }

        public String wireName() {
            return wireName;
        }

        /** The group with this API name, or null. */
        public static GroupBy fromWire(String name) {
            for (GroupBy g : values()) {
                if (g.wireName.equals(name)) {
                    return g;
                }
            }
            return null;
        }
    }

    /**
     * Which records to sum: {@code [fromMs, toMs)}, one key's only when {@code keyId} is not null, one user's
     * only when {@code userId} is not null.
     */
    public record Query(long fromMs, long toMs, String keyId, GroupBy groupBy, String userId) {
        /** Every user's records. */
        public Query(long fromMs, long toMs, String keyId, GroupBy groupBy) {
            this(fromMs, toMs, keyId, groupBy, null);
        }
    }

    /** The sums of one group ({@code group} is null for the ungrouped total or for records without that attribute). */
    public record Sums(String group, long calls, long errors, long promptTokens, long completionTokens, double costUsd) {
        public long totalTokens() {
            return promptTokens + completionTokens;
        }
    }

    private final Store store;

    public UsageStore(Store store) {
        this.store = store;
    }

    /** Writes the records in one transaction (all or none). */
    public void insert(List<UsageRecord> records) throws SQLException {
        try (Connection c = store.connection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (UsageRecord r : records) {
                    bind(ps, r);
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    private static void bind(PreparedStatement ps, UsageRecord r) throws SQLException {
        ps.setString(1, r.id());
        ps.setLong(2, r.timestampMs());
        ps.setString(3, r.keyId());
        ps.setString(4, r.model());
        ps.setString(5, r.provider());
        ps.setString(6, r.pipelineId());
        ps.setString(7, r.deploymentId());
        if (r.pipelineVersion() == null) {
            ps.setNull(8, Types.INTEGER);
        } else {
            ps.setInt(8, r.pipelineVersion());
        }
        ps.setInt(9, r.testCall() ? 1 : 0);
        ps.setLong(10, r.promptTokens());
        ps.setLong(11, r.completionTokens());
        // An unknown cost is stored as 0 with cost_known 0, so that SUM(cost_usd) adds the known costs only.
        ps.setDouble(12, r.costUsd() == null ? 0 : r.costUsd());
        ps.setLong(13, r.latencyMs());
        if (r.ttftMs() == null) {
            ps.setNull(14, Types.BIGINT);
        } else {
            ps.setLong(14, r.ttftMs());
        }
        ps.setInt(15, r.status());
        ps.setString(16, r.errorType());
        ps.setString(17, r.requestId());
        ps.setInt(18, r.costUsd() == null ? 0 : 1);
        ps.setString(19, r.userId());
    }

    /**
     * The sums of the matching records: one row per group ordered by group (groups without records are
     * absent), or exactly one row when ungrouped. An error is a record with an error type other than
     * {@code client_disconnected}: a client leaving is not a failure of the hub or the provider.
     */
    public List<Sums> sum(Query q) throws SQLException {
        String group = q.groupBy() == null ? null : q.groupBy().column;
        StringBuilder sql = new StringBuilder("SELECT ");
        if (group != null) {
            sql.append(group).append(" AS g, ");
        }
        sql.append("COUNT(*), SUM(CASE WHEN error_type IS NOT NULL AND error_type <> 'client_disconnected' THEN 1 ELSE 0 END),"
                + " SUM(prompt_tokens), SUM(completion_tokens), SUM(cost_usd) FROM usage_records WHERE ts >= ? AND ts < ?");
        if (q.keyId() != null) {
            sql.append(" AND key_id = ?");
        }
        if (q.userId() != null) {
            sql.append(" AND user_id = ?");
        }
        if (group != null) {
            sql.append(" GROUP BY ").append(group).append(" ORDER BY ").append(group);
        }
        List<Sums> out = new ArrayList<>();
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.setLong(1, q.fromMs());
            ps.setLong(2, q.toMs());
            int next = 3;
            if (q.keyId() != null) {
                ps.setString(next++, q.keyId());
            }
            if (q.userId() != null) {
                ps.setString(next, q.userId());
            }
            try (ResultSet rs = ps.executeQuery()) {
                int col = group == null ? 1 : 2;
                while (rs.next()) {
                    String g = group == null ? null : groupName(q.groupBy(), rs);
                    out.add(new Sums(g, rs.getLong(col), rs.getLong(col + 1), rs.getLong(col + 2), rs.getLong(col + 3),
                            rs.getDouble(col + 4)));
                }
            }
        }
        return out;
    }

    /** The sums of one time bucket of one group ({@code startMs} is the bucket's start). */
    public record Point(long startMs, String group, Sums sums) {}

    /**
     * The sums per time bucket of {@code bucketMs} (and per group, when the query groups), ordered by
     * bucket then group; buckets without records are absent. Buckets start at multiples of
     * {@code bucketMs} since the epoch, so an hour or a UTC day.
     */
    public List<Point> series(Query q, long bucketMs) throws SQLException {
        if (q.groupBy() == GroupBy.DAY) {
            throw new IllegalArgumentException("a series is already over time; group by something else");
        }
        String group = q.groupBy() == null ? null : q.groupBy().column;
        String bucket = "ts / " + bucketMs;
        StringBuilder sql = new StringBuilder("SELECT ").append(bucket).append(" AS b, ");
        sql.append(group == null ? "NULL" : group).append(" AS g, ");
        sql.append("COUNT(*), SUM(CASE WHEN error_type IS NOT NULL AND error_type <> 'client_disconnected' THEN 1 ELSE 0 END),"
                + " SUM(prompt_tokens), SUM(completion_tokens), SUM(cost_usd) FROM usage_records WHERE ts >= ? AND ts < ?");
        if (q.keyId() != null) {
            sql.append(" AND key_id = ?");
        }
        if (q.userId() != null) {
            sql.append(" AND user_id = ?");
        }
        sql.append(" GROUP BY ").append(bucket);
        if (group != null) {
            sql.append(", ").append(group);
        }
        sql.append(" ORDER BY ").append(bucket);
        if (group != null) {
            sql.append(", ").append(group);
        }
        List<Point> out = new ArrayList<>();
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.setLong(1, q.fromMs());
            ps.setLong(2, q.toMs());
            int next = 3;
            if (q.keyId() != null) {
                ps.setString(next++, q.keyId());
            }
            if (q.userId() != null) {
                ps.setString(next, q.userId());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String g = group == null ? null : rs.getString(2);
                    out.add(new Point(rs.getLong(1) * bucketMs, g, new Sums(g, rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6), rs.getDouble(7))));
                }
            }
        }
        return out;
    }

    private static String groupName(GroupBy groupBy, ResultSet rs) throws SQLException {
        if (groupBy == GroupBy.DAY) {
            long day = rs.getLong(1);
            return LocalDate.ofInstant(Instant.ofEpochMilli(day * DAY_MS), ZoneOffset.UTC).toString();
        }
        return rs.getString(1);
    }

    /** How many records the table holds; for tests and benchmarks. */
    public long count() throws SQLException {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM usage_records");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
