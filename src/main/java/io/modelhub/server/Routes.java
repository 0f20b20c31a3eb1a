package io.modelhub.server;

import io.modelhub.api.ApiException;
import io.modelhub.api.Errors;
import io.modelhub.api.RequestIds;
import io.modelhub.auth.Guard;

import io.helidon.webserver.http.HttpRouting;
import io.modelhub.usage.RequestMetrics;

/**
 * Every path the hub serves and the handler behind it: the table of contents of the HTTP API
 * (../shared/API.md). Read this first to find where a request goes.
 */
public final class Routes {
    private Routes() {}

    public static void register(HttpRouting.Builder r, Hub hub) {
        Errors errors = hub.errors();
        Guard guard = hub.guard();
        r.addFilter(hub.httpLayer().filter());
        r.addFilter(new RequestIds());
        if (hub.tracing() != null) {
            r.addFilter(hub.tracing());
        }
        if (hub.accessLog() != null) {
            r.addFilter(hub.accessLog());
        }
        r.addFilter(new RequestMetrics(hub.metrics().registry()));

        // one line per area, in API.md's order; each area's class writes out its paths and their scopes
        hub.catalogEndpoints().routes(r, guard); // catalog and discovery (section 3)
        hub.chat().routes(r, guard); // inference (section 4)
        hub.keysEndpoint().routes(r, guard); // keys and tokens (section 5)
        hub.pipelines().routes(r, guard); // pipelines and deployments (section 6)
        hub.usage().routes(r, guard); // usage and /metrics (section 7)
        hub.operations().routes(r); // health and /openapi.json (section 7): no credential
        hub.users().routes(r, guard); // users and sessions (section 9)
        hub.portal().routes(r); // the developer portal and /docs (section 9): static pages, no credential
        hub.moreApis().routes(r, guard); // Anthropic Messages, embeddings, legacy completions (section 10)
        hub.responses().routes(r, guard); // the Responses API (section 10)

        r.any((req, res) -> {
            if (req.prologue().method() == io.helidon.http.Method.CONNECT) {
                throw new ApiException(405, "invalid_request_error", "The hub is not a proxy: CONNECT is not served.", null,
                        "method_not_allowed", null);
            }
            throw ApiException.notFound("Unknown route: " + req.prologue().method().text() + " " + req.path().path()
                    + ". GET /openapi.json lists the routes.", null, "route_not_found");
        });
        r.error(ApiException.class, (req, res, e) -> errors.send(res, e));
        r.error(Throwable.class, (req, res, e) -> {
            ApiException unreadable = HttpLayer.unreadableBody(e);
            if (unreadable != null) {
                errors.send(res, unreadable);
                return;
            }
            hub.log().log(System.Logger.Level.ERROR, "request " + RequestIds.of(res) + " failed inside the hub", e);
            errors.send(res, ApiException.internal("The hub failed to handle this request (request id "
                    + RequestIds.of(res) + "). The error is in the hub's log."));
        });
    }
}
