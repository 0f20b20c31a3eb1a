package io.modelhub.usage;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.http.HttpRouting;
import io.modelhub.auth.Guard;
import io.modelhub.config.HubConfig;
import io.modelhub.store.Store;
import java.time.Clock;

/**
 * The usage and metrics area assembled: the background writer of usage records (when {@code usage.enabled}),
 * {@code GET /v1/usage} over the stored records and {@code GET /metrics} over the hub's meters (API.md section 7).
 */
public final class Usage implements AutoCloseable {
    private final UsageEndpoint usage;
    private final UsageWriter writer;
    private final MetricsEndpoint metrics;
    private final boolean metricsNeedAdmin;

    public Usage(HubConfig config, Store store, ObjectMapper json, HubMetrics metrics) {
        UsageStore usageStore = new UsageStore(store);
        this.usage = new UsageEndpoint(json, usageStore, Clock.systemUTC());
        this.writer = config.usage().enabled() ? new UsageWriter(usageStore, config.usage(), metrics.registry()) : null;
        this.metrics = new MetricsEndpoint(metrics);
        this.metricsNeedAdmin = config.metrics().requireAdmin();
    }

    /** The background usage writer, or null when {@code usage.enabled} is false. */
    public UsageWriter writer() {
        return writer;
    }

    /** {@code /metrics} takes no credential unless {@code metrics.require_admin}; usage: read sees its own key, admin sees all. */
    public void routes(HttpRouting.Builder r, Guard guard) {
        if (metricsNeedAdmin) {
            r.get("/metrics", guard.admin(metrics::handle));
        } else {
            r.get("/metrics", metrics::handle);
        }
        r.get("/v1/usage", guard.read(usage::handle));
    }

    /** Writes every queued usage record (call once the server has stopped taking requests). */
    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
    }
}
