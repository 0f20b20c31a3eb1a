package io.modelhub.usage;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.auth.Principal;

/** {@code GET /metrics}: the Prometheus text exposition (open, or admin-only when configured so). */
public final class MetricsEndpoint {
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HubMetrics metrics;

    public MetricsEndpoint(HubMetrics metrics) {
        this.metrics = metrics;
    }

    public void handle(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE);
        res.send(metrics.scrape());
    }

    /** The same, behind a credential check. */
    public void handle(ServerRequest req, ServerResponse res, Principal caller) {
        handle(req, res);
    }
}
