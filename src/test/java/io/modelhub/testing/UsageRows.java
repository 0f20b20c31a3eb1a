package io.modelhub.testing;

import io.modelhub.store.Store;
import io.modelhub.usage.UsageListener;
import io.modelhub.usage.UsageRecord;
import io.modelhub.usage.UsageWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * For tests only: keeps every usage record for assertions on what was metered. The hub's own usage
 * writer stores them; tests call {@link #flush()} before reading anything computed from
 * {@code usage_records}, which waits for that writer. For a hub with {@code usage.enabled: false} (no
 * writer) this class writes each record itself, synchronously.
 */
public final class UsageRows implements UsageListener {
    private final Store store;
    private final UsageWriter writer;
    private final List<UsageRecord> records = new CopyOnWriteArrayList<>();

    public UsageRows(Store store, UsageWriter writer) {
        this.store = store;
        this.writer = writer;
    }

    /** Registers on a test hub's metering. The one place tests hook usage rows in. */
    public static UsageRows attach(TestHub hub) {
        UsageRows rows = new UsageRows(hub.hub().store(), hub.hub().usageWriter());
        hub.hub().metering().add(rows);
        return rows;
    }

    /** Makes every record metered so far readable in {@code usage_records}. */
    public UsageRows flush() {
        if (writer != null) {
            writer.flush();
        }
        return this;
    }

    public List<UsageRecord> records() {
        return records;
    }

    /**
     * The {@code n}-th record metered (1-based), waiting for it: a call is metered just after its answer
     * has been sent, so a client may see the answer a moment before the record exists.
     */
    public UsageRecord awaitRecord(int n) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (records.size() < n && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (records.size() < n) {
            throw new AssertionError("only " + records.size() + " usage record(s) were metered, expected " + n);
        }
        return records.get(n - 1);
    }

    @Override
    public void onUsage(UsageRecord r) {
        if (writer == null) {
            insert(store, r);
        }
        records.add(r);
    }

    public static void insert(Store store, UsageRecord r) {
        try (Connection c = store.connection(); PreparedStatement p = c.prepareStatement(
                "INSERT INTO usage_records (id, ts, key_id, model, provider, pipeline_id, deployment_id, pipeline_version, test_call,"
                        + " prompt_tokens, completion_tokens, cost_usd, latency_ms, ttft_ms, status, error_type, request_id, cost_known)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
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
            p.setDouble(12, r.costUsd() == null ? 0 : r.costUsd());
            p.setLong(13, r.latencyMs());
            if (r.ttftMs() == null) {
                p.setNull(14, Types.BIGINT);
            } else {
                p.setLong(14, r.ttftMs());
            }
            p.setInt(15, r.status());
            p.setString(16, r.errorType());
            p.setString(17, r.requestId());
            p.setInt(18, r.costUsd() == null ? 0 : 1);
            p.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
