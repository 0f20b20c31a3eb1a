package io.modelhub.messages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.AuthCalls;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.RawHttp;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UpstreamAndHub;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every error on the Messages paths, the credential check included, in Anthropic's shape and status; the hub keeps serving. */
class MessagesErrorsTest {
    private static final String OK = "{\"model\":\"acme/chat-1\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @RegisterExtension
    final UpstreamAndHub env = new UpstreamAndHub("mockai", "acme/chat-1", "server:\n  max_body_bytes: 65536\n");

    private TestHub.Response post(String path, String body, String key) {
        Map<String, String> headers = new HashMap<>();
        if (key != null) {
            headers.put("x-api-key", key);
        }
        headers.put("anthropic-version", "2023-06-01");
        return env.hub().send("POST", path, body, null, headers);
    }

    private static void assertAnthropicError(TestHub.Response r, int status, String type, String messagePart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode body = r.json();
        assertThat(body.path("type").asText()).as(r.body()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).as(r.body()).isEqualTo(type);
        assertThat(body.path("error").path("message").asText()).as(r.body()).contains(messagePart);
        assertThat(body.has("request_id")).isTrue();
        assertThat(r.header("content-type")).startsWith("application/json");
    }

    @Test
    void missingAndUnknownCredentialsAreAnthropicAuthenticationErrors() {
        assertAnthropicError(post("/v1/messages", OK, null), 401, "authentication_error", "credential");
        assertAnthropicError(post("/v1/messages", OK, "mh-nobody.0123456789abcdef0123456789abcdef"), 401, "authentication_error", "");
        assertAnthropicError(post("/v1/messages/count_tokens", OK, null), 401, "authentication_error", "credential");
    }

    @Test
    void badRequestsAreInvalidRequestErrorsNamingTheField() {
        String key = TestHub.ADMIN_KEY;
        assertAnthropicError(post("/v1/messages", "{not json", key), 400, "invalid_request_error", "JSON");
        assertAnthropicError(post("/v1/messages", "[1]", key), 400, "invalid_request_error", "JSON object");
        assertAnthropicError(post("/v1/messages", "{\"model\":\"acme/chat-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", key),
                400, "invalid_request_error", "max_tokens");
        assertAnthropicError(post("/v1/messages", "{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", key),
                400, "invalid_request_error", "model");
        assertAnthropicError(post("/v1/messages", "{\"model\":\"acme/chat-1\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", key),
                400, "invalid_request_error", "max_tokens");
        assertAnthropicError(post("/v1/messages", "{\"model\":\"acme/chat-1\",\"max_tokens\":5}", key), 400, "invalid_request_error", "messages");
        assertAnthropicError(post("/v1/messages", "{\"model\":\"acme/chat-1\",\"max_tokens\":5,\"messages\":[]}", key), 400, "invalid_request_error", "messages");
        assertAnthropicError(post("/v1/messages", "{\"model\":\"acme/chat-1\",\"max_tokens\":5,\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}", key),
                400, "invalid_request_error", "messages.0.role");
        assertAnthropicError(post("/v1/messages", "{\"model\":\"acme/chat-1\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"document\"}]}]}", key),
                400, "invalid_request_error", "messages.0.content.0.type");
        assertAnthropicError(post("/v1/messages", "{\"model\":\"acme/chat-1\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/bmp\",\"data\":\"x\"}}]}]}", key),
                400, "invalid_request_error", "media_type");
        assertAnthropicError(post("/v1/messages", "{\"model\":\"acme/chat-1\",\"max_tokens\":5,\"temperature\":3,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", key),
                400, "invalid_request_error", "temperature");
        assertAnthropicError(post("/v1/messages", "{\"model\":\"acme/chat-1\",\"max_tokens\":5,\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", key),
                400, "invalid_request_error", "stream");
        assertAnthropicError(post("/v1/messages", "{\"model\":\"acme/chat-1\",\"max_tokens\":5,\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", key),
                400, "invalid_request_error", "web_search_20250305");
        assertAnthropicError(post("/v1/messages", "{\"model\":\"acme/chat-1\",\"max_tokens\":5,\"tools\":[{\"name\":\"t\"}],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", key),
                400, "invalid_request_error", "tools.0.input_schema");
        assertAnthropicError(post("/v1/messages", "{\"model\":\"acme/chat-1\",\"max_tokens\":5,\"tool_choice\":{\"type\":\"sometimes\"},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", key),
                400, "invalid_request_error", "tool_choice");
        assertAnthropicError(post("/v1/messages", "{\"model\":\"acme/chat-1\",\"max_tokens\":5,\"tool_choice\":{\"type\":\"any\"},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", key),
                400, "invalid_request_error", "needs tools");
        assertAnthropicError(post("/v1/messages/count_tokens", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", key), 400, "invalid_request_error", "model");
        assertThat(env.upstream().received()).isEmpty();
        assertThat(post("/v1/messages", OK, key).status()).isEqualTo(200);
    }

    @Test
    void unknownModelIsNotFoundError() {
        assertAnthropicError(post("/v1/messages", OK.replace("acme/chat-1", "acme/nope"), TestHub.ADMIN_KEY), 404, "not_found_error", "acme/nope");
        assertAnthropicError(post("/v1/messages/count_tokens", OK.replace("acme/chat-1", "acme/nope"), TestHub.ADMIN_KEY), 404, "not_found_error", "acme/nope");
    }

    @Test
    void modelNotAllowedForTheKeyIsPermissionError() {
        String key = AuthCalls.createKey(env.hub(), "{\"name\":\"narrow\",\"scopes\":[\"read\"],\"allowed_models\":[\"sandbox/chat\"]}").path("key").asText();
        assertAnthropicError(post("/v1/messages", OK, key), 403, "permission_error", "acme/chat-1");
        assertAnthropicError(post("/v1/messages/count_tokens", OK, key), 403, "permission_error", "acme/chat-1");
    }

    @Test
    void rateLimitIsRateLimitErrorWithRetryAfter() {
        String key = AuthCalls.createKey(env.hub(), "{\"name\":\"slow\",\"scopes\":[\"read\"],\"rpm\":1}").path("key").asText();
        assertThat(post("/v1/messages", OK, key).status()).isEqualTo(200);
        TestHub.Response refused = post("/v1/messages", OK, key);
        assertAnthropicError(refused, 429, "rate_limit_error", "");
        assertThat(refused.header("retry-after")).isNotBlank();
    }

    @Test
    void everyProviderFailingIsApiErrorAndTheHubKeepsServing() {
        env.upstream().always(new MockUpstream.Fail(500, null));
        assertAnthropicError(post("/v1/messages", OK, TestHub.ADMIN_KEY), 502, "api_error", "mockai");
        env.upstream().always(new MockUpstream.Answer("back", 2, 0));
        // The breaker may hold the only offering for a while: 529 overloaded_error is Anthropic's "try again".
        TestHub.Response next = post("/v1/messages", OK, TestHub.ADMIN_KEY);
        if (next.status() != 200) {
            assertAnthropicError(next, 529, "overloaded_error", "");
        }
    }

    @Test
    void upstreamRejectingTheRequestIsInvalidRequestError() {
        env.upstream().always(new MockUpstream.Fail(400, null));
        TestHub.Response r = post("/v1/messages", OK, TestHub.ADMIN_KEY);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("type").asText()).isEqualTo("error");
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void bodyOverTheLimitIsRequestTooLarge() {
        // The body is declared, not sent whole: the hub answers from the headers and closes, and a client
        // still writing 100 KB then may meet a reset before it reads the answer (a race, not the behaviour).
        try (RawHttp c = new RawHttp(env.hub().hub().port())) {
            c.send("POST /v1/messages HTTP/1.1\r\nHost: hub\r\nx-api-key: " + TestHub.ADMIN_KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n" + "{\"model\":\"acme/chat-1\"");
            RawHttp.Response r = c.read();
            assertThat(r.status()).isEqualTo(413);
            JsonNode body = r.json();
            assertThat(body.path("type").asText()).isEqualTo("error");
            assertThat(body.path("error").path("type").asText()).isEqualTo("request_too_large");
            assertThat(body.path("error").path("message").asText()).contains("limit");
        }
    }

    @Test
    void anotherMethodOnTheMessagesPathIsAnAnthropicNotFound() {
        TestHub.Response r = env.hub().send("GET", "/v1/messages", null, null, Map.of("x-api-key", TestHub.ADMIN_KEY));
        assertAnthropicError(r, 404, "not_found_error", "POST");
    }

    @Test
    void chatCompletionsKeepTheOpenAiShape() {
        TestHub.Response r = env.hub().send("POST", "/v1/chat/completions", "{}", null, Map.of());
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("authentication_error");
        assertThat(r.json().has("type")).isFalse();
    }
}
