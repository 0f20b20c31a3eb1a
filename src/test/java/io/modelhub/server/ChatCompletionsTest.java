package io.modelhub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UpstreamAndHub;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ChatCompletionsTest {
    @RegisterExtension
    final UpstreamAndHub env = new UpstreamAndHub("mockai", "acme/chat-1");

    @Test
    void nonStreamingCallIsRelayedWithUpstreamModelAndProviderKey() {
        TestHub.Response r = env.hub().post("/v1/chat/completions",
                "{\"model\":\"acme/chat-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":0.5,\"x_custom\":{\"a\":1}}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("choices").get(0).path("message").path("content").asText()).isEqualTo("Hello from the mock");
        assertThat(r.header("x-modelhub-provider")).isEqualTo("mockai");
        assertThat(r.header("x-modelhub-attempts")).isEqualTo("1");
        assertThat(r.header("x-request-id")).startsWith("req_");
        MockUpstream.Received got = env.upstream().last();
        assertThat(got.body().path("model").asText()).isEqualTo("upstream-acme-chat-1");
        assertThat(got.authorization()).isEqualTo("Bearer upstream-secret-mockai");
        assertThat(got.body().path("temperature").asDouble()).isEqualTo(0.5);
        assertThat(got.body().path("x_custom").path("a").asInt()).isEqualTo(1);
    }

    @Test
    void streamingRelaysEveryChunkAndEndsWithDone() {
        try (TestHub.StreamResponse s = env.hub().stream("/v1/chat/completions",
                "{\"model\":\"acme/chat-1\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", TestHub.ADMIN_KEY)) {
            assertThat(s.status()).isEqualTo(200);
            assertThat(s.header("content-type")).startsWith("text/event-stream");
            List<String> events = s.rest();
            assertThat(events.getLast()).isEqualTo("[DONE]");
            assertThat(events).noneMatch(e -> e.contains("\"usage\":{"));
            assertThat(events.size()).isEqualTo(1 + 5 + 1 + 1);
        }
        assertThat(env.upstream().last().body().path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @Test
    void usageChunkIsShownOnlyWhenTheClientAskedForIt() {
        try (TestHub.StreamResponse s = env.hub().stream("/v1/chat/completions",
                "{\"model\":\"acme/chat-1\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                TestHub.ADMIN_KEY)) {
            List<String> events = s.rest();
            assertThat(events.get(events.size() - 2)).contains("\"usage\":{\"prompt_tokens\":11");
        }
    }

    @Test
    void clientRequestIdIsEchoed() {
        TestHub.Response r = env.hub().send("GET", "/health/live", null, null, java.util.Map.of("x-request-id", "my-id-42"));
        assertThat(r.header("x-request-id")).isEqualTo("my-id-42");
    }

    @Test
    void unknownModelIs404ModelNotFound() {
        TestHub.Response r = env.hub().post("/v1/chat/completions", "{\"model\":\"foo/bar\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.status()).isEqualTo(404);
        JsonNode e = r.json().path("error");
        assertThat(e.path("type").asText()).isEqualTo("not_found_error");
        assertThat(e.path("code").asText()).isEqualTo("model_not_found");
        assertThat(e.path("param").asText()).isEqualTo("model");
        assertThat(e.path("message").asText()).contains("foo/bar");
        assertThat(r.header("x-request-id")).isNotBlank();
    }
}
