package io.modelhub.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.function.BooleanSupplier;

/** {@code /health/live} (the process answers) and {@code /health/ready} (it can serve traffic). */
public final class HealthEndpoint {
    private final BooleanSupplier ready;

    public HealthEndpoint(BooleanSupplier ready) {
        this.ready = ready;
    }

    public void live(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send("{\"status\":\"ok\"}");
    }

    public void ready(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        if (ready.getAsBoolean()) {
            res.send("{\"status\":\"ready\"}");
        } else {
            res.status(Status.SERVICE_UNAVAILABLE_503);
            res.send("{\"status\":\"not_ready\"}");
        }
    }
}
