package io.modelhub.testing;

import io.modelhub.store.Store;
import io.modelhub.usage.UsageListener;
import io.modelhub.usage.UsageRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * For tests only: writes every usage record into {@code usage_records} synchronously, on the request's
 * thread, and keeps it for assertions on what was metered. Tests call {@link #flush()} before reading
 * anything computed from {@code usage_records}; with a hub that has its own queued usage writer, this
 * class would only keep the records and {@code flush()} would wait for that writer instead.
 */
public final class UsageRows implements UsageListener {
    private final Store store;
    private final List<UsageRecord> records = new CopyOnWriteArrayList<>();

    public UsageRows(Store store) {
        this.store = store;
    }

    /**
     * Registers a writer on a test hub's metering. The one place tests hook usage rows in, so that when
     * the hub gets its own usage writer this can switch to waiting for that writer's flush instead.
     */
    public static UsageRows attach(TestHub hub) {
        UsageRows rows = new UsageRows(hub.hub().store());
        hub.hub().metering().add(rows);
        return rows;
    }

    /** Makes every record metered so far readable in {@code usage_records} (already so: inserts are synchronous). */
    public UsageRows flush() {
        return this;
    }

    public List<UsageRecord> records() {
        return records;
    }

    @Override
    public void onUsage(UsageRecord r) {
        insert(store, r);
        records.add(r);
    }

    public static void insert(Store store, UsageRecord r) {
        try (Connection c = store.connection(); PreparedStatement p = c.prepareStatement(
                "INSERT INTO usage_records (id, ts, key_id, model, provider, pipeline_id, deployment_id, pipeline_version, test_call,"
                        + " prompt_tokens, completion_tokens, cost_usd, latency_ms, ttft_ms, status, error_type, request_id)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, r.id());
            p.setLong(2, r.timestampMs());
            p.setString(3, r.keyId());
            p.setString(4, r.model());
            p.setString(5, r.provider());
            p.setString(6, r.pipelineId());
            p.setString(7, r.deploymentId());
            if (r.pipelineVersion() == null) {
                p.setNull(8, Types.INTEGER);
            } else {
                p.setInt(8, r.pipelineVersion());
            }
            p.setInt(9, r.testCall() ? 1 : 0);
            p.setLong(10, r.promptTokens());
            p.setLong(11, r.completionTokens());
            p.setDouble(12, r.costUsd());
            p.setLong(13, r.latencyMs());
            if (r.ttftMs() == null) {
                p.setNull(14, Types.BIGINT);
            } else {
                p.setLong(14, r.ttftMs());
            }
            p.setInt(15, r.status());
            p.setString(16, r.errorType());
            p.setString(17, r.requestId());
            p.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
