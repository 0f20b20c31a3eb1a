package io.modelhub.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.testing.AuthCalls;
import io.modelhub.testing.Portal;
import io.modelhub.testing.TestHub;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The table of contents, pinned: every path each area registers is served (never the fallback
 * {@code route_not_found}) and its guard asks for exactly the scope API.md gives it. The areas register their
 * own routes, so this is what proves that moving a path into its area changed no path and no scope.
 */
class RouteTableTest {
    /**
     * Who may call a route: anyone, or a credential of at least this scope. {@code MEMBER}: the guard asks for
     * write, and the keys endpoint then takes an admin or a signed-in member (for their own keys), not a write key.
     */
    enum Needs { NONE, READ, WRITE, MEMBER, ADMIN }

    /** One caller: a credential, or a portal session. */
    interface Caller {
        TestHub.Response send(String method, String path, String body);
    }

    record Route(String method, String path, Needs needs) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static TestHub hub;
    static String readKey;
    static String readKeyId;
    static String writeKey;
    static Portal member;

    @BeforeAll
    static void start() {
        hub = TestHub.start("");
        var read = AuthCalls.createKey(hub, "{\"name\":\"reader\",\"scopes\":[\"read\"]}");
        readKey = read.path("key").asText();
        readKeyId = read.path("id").asText();
        writeKey = AuthCalls.createKey(hub, "{\"name\":\"writer\",\"scopes\":[\"write\"]}").path("key").asText();
        Portal.createUser(hub, "member@example.com", "member");
        member = Portal.signIn(hub, "member@example.com", Portal.PASSWORD);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    /** API.md's paths, with a concrete value for each path parameter (unknown ids: the handler, not the router, says so). */
    static List<Route> routes() {
        return List.of(
                // catalog and discovery (section 3)
                new Route("GET", "/v1/models", Needs.READ),
                new Route("GET", "/v1/models/acme/no-such-model", Needs.READ),
                new Route("GET", "/v1/providers", Needs.READ),
                new Route("GET", "/v1/providers/sandbox", Needs.READ),
                new Route("GET", "/v1/providers/sandbox/models", Needs.READ),
                new Route("POST", "/v1/catalog/reload", Needs.ADMIN),
                // inference (section 4)
                new Route("POST", "/v1/chat/completions", Needs.READ),
                // keys and tokens (section 5)
                new Route("POST", "/v1/keys", Needs.MEMBER),
                new Route("GET", "/v1/keys", Needs.MEMBER),
                new Route("GET", "/v1/keys/" + readKeyId, Needs.READ),
                new Route("PATCH", "/v1/keys/no-such-key", Needs.MEMBER),
                new Route("DELETE", "/v1/keys/no-such-key", Needs.MEMBER),
                new Route("POST", "/v1/auth/tokens", Needs.READ),
                // pipelines and deployments (section 6)
                new Route("POST", "/v1/pipelines", Needs.WRITE),
                new Route("POST", "/v1/pipelines/create", Needs.WRITE),
                new Route("GET", "/v1/pipelines", Needs.READ),
                new Route("GET", "/v1/pipelines/no-such-pipeline", Needs.READ),
                new Route("PATCH", "/v1/pipelines/no-such-pipeline", Needs.WRITE),
                new Route("DELETE", "/v1/pipelines/no-such-pipeline", Needs.WRITE),
                new Route("POST", "/v1/pipelines/no-such-pipeline/test", Needs.WRITE),
                new Route("POST", "/v1/pipelines/no-such-pipeline/deploy", Needs.WRITE),
                new Route("GET", "/v1/pipelines/no-such-pipeline/deployments", Needs.READ),
                new Route("GET", "/v1/pipelines/no-such-pipeline/metrics", Needs.READ),
                new Route("DELETE", "/v1/deployments/no-such-deployment", Needs.WRITE),
                new Route("POST", "/v1/deployments/no-such-deployment/invoke", Needs.READ),
                new Route("POST", "/v1/deployments/no-such-deployment/chat/completions", Needs.READ),
                // usage and operations (section 7)
                new Route("GET", "/v1/usage", Needs.READ),
                new Route("GET", "/health/live", Needs.NONE),
                new Route("GET", "/health/ready", Needs.NONE),
                new Route("GET", "/metrics", Needs.NONE),
                new Route("GET", "/openapi.json", Needs.NONE),
                // users, sessions and the portal (section 9)
                new Route("POST", "/v1/users", Needs.ADMIN),
                new Route("GET", "/v1/users", Needs.ADMIN),
                new Route("GET", "/v1/users/no-such-user", Needs.ADMIN),
                new Route("PATCH", "/v1/users/no-such-user", Needs.ADMIN),
                new Route("DELETE", "/v1/users/no-such-user", Needs.ADMIN),
                new Route("GET", "/v1/me", Needs.READ),
                new Route("POST", "/auth/login", Needs.NONE),
                new Route("POST", "/auth/logout", Needs.NONE),
                new Route("GET", "/auth/status", Needs.NONE),
                new Route("GET", "/", Needs.NONE),
                new Route("GET", "/index.html", Needs.NONE),
                new Route("GET", "/docs", Needs.NONE),
                new Route("GET", "/portal/app.js", Needs.NONE),
                new Route("GET", "/webjars/uplot/dist/uPlot.iife.js", Needs.NONE),
                // more APIs clients call (section 10)
                new Route("POST", "/v1/messages", Needs.READ),
                new Route("POST", "/v1/messages/count_tokens", Needs.READ),
                new Route("POST", "/v1/embeddings", Needs.READ),
                new Route("POST", "/v1/completions", Needs.READ),
                new Route("POST", "/v1/responses", Needs.READ),
                new Route("GET", "/v1/responses/no-such-response", Needs.READ),
                new Route("DELETE", "/v1/responses/no-such-response", Needs.READ),
                new Route("GET", "/v1/responses/no-such-response/input_items", Needs.READ));
    }

    @Test
    void everyPathIsServedAndItsGuardAsksForExactlyItsScope() {
        List<String> wrong = new ArrayList<>();
        for (Route route : routes()) {
            String body = route.method().equals("POST") || route.method().equals("PATCH") ? "{}" : null;
            // The caller whose scope just suffices is let through by the guard; the one just below is refused by it.
            Caller enough = switch (route.needs()) {
                case NONE, READ -> key(route.needs() == Needs.NONE ? null : readKey);
                case WRITE -> key(writeKey);
                case MEMBER -> member::send;
                case ADMIN -> key(TestHub.ADMIN_KEY);
            };
            String tooLittle = switch (route.needs()) {
                case NONE, READ -> null;
                case WRITE, MEMBER -> readKey;
                case ADMIN -> writeKey;
            };
            TestHub.Response allowed = enough.send(route.method(), route.path(), body);
            if (notServed(allowed)) {
                wrong.add(route + ": not served (" + allowed.status() + " " + allowed.body() + ")");
            } else if (refusedByGuard(allowed)) {
                wrong.add(route + ": refused a caller with scope " + route.needs() + " (" + allowed.body() + ")");
            }
            if (route.needs() != Needs.NONE) {
                TestHub.Response refused = hub.send(route.method(), route.path(), body, tooLittle, Map.of());
                int expected = tooLittle == null ? 401 : 403;
                if (refused.status() != expected || !refusedByGuard(refused)) {
                    wrong.add(route + ": a caller below " + route.needs() + " got " + refused.status() + " " + refused.body());
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aPathNoAreaRegistersFallsThroughToTheJsonRouteNotFound() {
        TestHub.Response r = hub.send("GET", "/v1/no-such-area", null, TestHub.ADMIN_KEY, Map.of());
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("route_not_found");
    }

    private static Caller key(String credential) {
        return (method, path, body) -> hub.send(method, path, body, credential, Map.of());
    }

    private static boolean notServed(TestHub.Response r) {
        return r.status() == 404 && r.body().contains("\"route_not_found\"");
    }

    /** A 401 (no credential) or the guard's 403 for a scope too small; a handler's own 403 has another code. */
    private static boolean refusedByGuard(TestHub.Response r) {
        return r.status() == 401 || (r.status() == 403 && r.body().contains("\"insufficient_scope\""));
    }
}
