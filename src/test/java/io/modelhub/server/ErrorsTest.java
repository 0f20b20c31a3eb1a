package io.modelhub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UpstreamAndHub;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ErrorsTest {
    static final String HI = "{\"model\":\"acme/chat-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    @RegisterExtension
    final UpstreamAndHub env = new UpstreamAndHub("mockai", "acme/chat-1", "server: {max_body_bytes: 2048}\n");

    static JsonNode assertError(TestHub.Response r, int status, String type, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("content-type")).startsWith("application/json");
        assertThat(r.header("x-request-id")).isNotBlank();
        JsonNode e = r.json().path("error");
        assertThat(e.path("type").asText()).isEqualTo(type);
        if (code != null) {
            assertThat(e.path("code").asText()).isEqualTo(code);
        }
        assertThat(e.path("message").asText()).isNotBlank();
        assertThat(e.has("param")).isTrue();
        return e;
    }

    @Test
    void malformedJsonIs400InvalidJson() {
        assertError(env.hub().post("/v1/chat/completions", "{\"model\": "), 400, "invalid_request_error", "invalid_json");
    }

    @Test
    void bodyThatIsNotAnObjectIs400() {
        assertError(env.hub().post("/v1/chat/completions", "[1,2]"), 400, "invalid_request_error", "invalid_json");
    }

    @Test
    void missingModelIs400NamingModel() {
        JsonNode e = assertError(env.hub().post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                400, "invalid_request_error", "missing_required_parameter");
        assertThat(e.path("param").asText()).isEqualTo("model");
    }

    @Test
    void missingMessagesIs400NamingMessages() {
        JsonNode e = assertError(env.hub().post("/v1/chat/completions", "{\"model\":\"acme/chat-1\"}"), 400, "invalid_request_error", "missing_required_parameter");
        assertThat(e.path("param").asText()).isEqualTo("messages");
    }

    @Test
    void wronglyTypedFieldsAre400InvalidType() {
        assertThat(assertError(env.hub().post("/v1/chat/completions", "{\"model\":42,\"messages\":[]}"), 400, "invalid_request_error", "invalid_type")
                .path("param").asText()).isEqualTo("model");
        assertThat(assertError(env.hub().post("/v1/chat/completions", "{\"model\":\"acme/chat-1\",\"messages\":\"hi\"}"), 400, "invalid_request_error", "invalid_type")
                .path("param").asText()).isEqualTo("messages");
        assertThat(assertError(env.hub().post("/v1/chat/completions", "{\"model\":\"acme/chat-1\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                400, "invalid_request_error", "invalid_type").path("param").asText()).isEqualTo("stream");
        assertThat(assertError(env.hub().post("/v1/chat/completions", "{\"model\":\"acme/chat-1\",\"temperature\":\"hot\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                400, "invalid_request_error", "invalid_type").path("param").asText()).isEqualTo("temperature");
        assertThat(assertError(env.hub().post("/v1/chat/completions", "{\"model\":\"acme/chat-1\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}"),
                400, "invalid_request_error", "invalid_value").path("param").asText()).isEqualTo("messages[0].role");
    }

    @Test
    void emptyMessagesIs400() {
        assertError(env.hub().post("/v1/chat/completions", "{\"model\":\"acme/chat-1\",\"messages\":[]}"), 400, "invalid_request_error", "empty_array");
    }

    @Test
    void bodyOverTheLimitIs413() {
        String big = "{\"model\":\"acme/chat-1\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(4000) + "\"}]}";
        assertError(env.hub().post("/v1/chat/completions", big), 413, "invalid_request_error", "request_too_large");
        assertThat(env.upstream().received()).isEmpty();
    }

    @Test
    void unknownRouteIs404Json() {
        JsonNode e = assertError(env.hub().get("/v1/nothing/here"), 404, "not_found_error", "route_not_found");
        assertThat(e.path("message").asText()).contains("/v1/nothing/here");
    }

    @Test
    void missingCredentialIs401AndWrongOneToo() {
        assertError(env.hub().send("POST", "/v1/chat/completions", HI, null, Map.of()), 401, "authentication_error", null);
        assertError(env.hub().send("POST", "/v1/chat/completions", HI, "mh-nobody.wrongsecret", Map.of()), 401, "authentication_error", null);
    }

    @Test
    void upstream5xxIs502NamingTheProvider() {
        env.upstream().always(new MockUpstream.Fail(500, null));
        JsonNode e = assertError(env.hub().post("/v1/chat/completions", HI), 502, "upstream_error", null);
        assertThat(e.path("message").asText()).contains("mockai").contains("500");
    }

    @Test
    void upstreamThatIsDownIs502NamingTheProvider() {
        env.upstream().close();
        JsonNode e = assertError(env.hub().post("/v1/chat/completions", HI), 502, "upstream_error", null);
        assertThat(e.path("message").asText()).contains("mockai");
    }

    @Test
    void upstreamTooSlowIs504() {
        env.upstream().always(new MockUpstream.SlowHeaders(3000, new MockUpstream.Answer("late", 1, 0)));
        JsonNode e = assertError(env.hub().post("/v1/chat/completions", HI), 504, "upstream_timeout", "upstream_timeout");
        assertThat(e.path("message").asText()).contains("mockai");
    }

    @Test
    void upstreamRejectingTheRequestIsPassedOnAs400NamingTheProvider() {
        env.upstream().always(new MockUpstream.Fail(400, null));
        JsonNode e = assertError(env.hub().post("/v1/chat/completions", HI), 400, "invalid_request_error", "upstream_rejected");
        assertThat(e.path("message").asText()).contains("mockai");
    }

    @Test
    void upstreamAnsweringInvalidJsonIs502NamingTheProvider() {
        env.upstream().always(new MockUpstream.InvalidJson());
        JsonNode e = assertError(env.hub().post("/v1/chat/completions", HI), 502, "upstream_error", null);
        assertThat(e.path("message").asText()).contains("mockai").contains("invalid JSON");
    }

    @Test
    void healthAnswersWithoutCredential() {
        TestHub.Response live = env.hub().send("GET", "/health/live", null, null, Map.of());
        assertThat(live.status()).isEqualTo(200);
        TestHub.Response ready = env.hub().send("GET", "/health/ready", null, null, Map.of());
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.header("x-request-id")).isNotBlank();
    }

    @Test
    void openApiDocumentsChatCompletions() {
        TestHub.Response r = env.hub().send("GET", "/openapi.json", null, null, Map.of());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("openapi").asText()).startsWith("3.1");
        assertThat(r.json().path("paths").has("/v1/chat/completions")).isTrue();
    }

    @Test
    void aFaultInsideTheHubIs500ApiErrorWithoutInternals() {
        // The store going away under the hub is a hub fault, not the caller's.
        env.hub().hub().store().close();
        JsonNode e = assertError(env.hub().get("/v1/keys"), 500, "api_error", "internal_error");
        String message = e.path("message").asText();
        assertThat(message).contains("request id");
        assertThat(message).doesNotContain("Exception").doesNotContain("at io.").doesNotContain("jdbc:");
    }
}
