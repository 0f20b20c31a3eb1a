package io.modelhub.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.http.HttpRouting;
import java.util.function.BooleanSupplier;

/**
 * The operations area assembled: the health probes and this API's OpenAPI document (API.md section 7),
 * none of which takes a credential. ({@code /metrics} belongs to the usage area.)
 */
final class Operations {
    private final HealthEndpoint health;
    private final OpenApiEndpoint openApi;

    /** {@code ready} says whether the hub can serve traffic (store reachable, catalog loaded, not draining). */
    Operations(ObjectMapper json, BooleanSupplier ready) {
        this.health = new HealthEndpoint(ready);
        this.openApi = new OpenApiEndpoint(json);
    }

    void routes(HttpRouting.Builder r) {
        r.get("/health/live", health::live);
        r.get("/health/ready", health::ready);
        r.get("/openapi.json", openApi::handle);
    }
}
