package io.modelhub.usage;

import io.modelhub.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads usage_records back as UsageRecords, so tests can check what was stored. */
final class StoredUsage {
    private StoredUsage() {}

    static List<UsageRecord> all(Store store) {
        List<UsageRecord> out = new ArrayList<>();
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("SELECT id, ts, key_id, model, provider, pipeline_id, deployment_id,"
                     + " pipeline_version, test_call, prompt_tokens, completion_tokens, cost_usd, latency_ms, ttft_ms, status,"
                     + " error_type, request_id FROM usage_records ORDER BY ts, id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new UsageRecord(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getObject(8) == null ? null : rs.getInt(8),
                        rs.getInt(9) != 0, rs.getLong(10), rs.getLong(11), rs.getDouble(12), rs.getLong(13),
                        rs.getObject(14) == null ? null : rs.getLong(14), rs.getInt(15), rs.getString(16), rs.getString(17)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static UsageRecord record(String id, long ts, String keyId, String model, String provider, String pipelineId,
                              long prompt, long completion, double cost, String errorType) {
        return new UsageRecord(id, ts, keyId, model, provider, pipelineId, null, pipelineId == null ? null : 1, false,
                prompt, completion, cost, 100, null, errorType == null ? 200 : 502, errorType, "req_" + id);
    }
}
