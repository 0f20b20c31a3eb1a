package io.modelhub.completions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.testing.AuthCalls;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UpstreamAndHub;
import io.modelhub.testing.UsageRows;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Legacy {@code POST /v1/completions} translated to chat for an OpenAI-compatible upstream and answered as text completions. */
class CompletionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final UpstreamAndHub env = new UpstreamAndHub("mockai", "acme/chat-1");

    @Test
    void aPromptIsSentAsOneUserMessageAndAnsweredAsATextCompletion() {
        TestHub.Response r = env.hub().post("/v1/completions",
                "{\"model\":\"acme/chat-1\",\"prompt\":\"Once upon a time\",\"temperature\":0.2,\"stop\":[\"\\n\"],\"seed\":7}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode c = r.json();
        assertThat(c.path("id").asText()).startsWith("cmpl-");
        assertThat(c.path("object").asText()).isEqualTo("text_completion");
        assertThat(c.path("created").asLong()).isPositive();
        JsonNode choice = c.path("choices").get(0);
        assertThat(choice.path("text").asText()).isEqualTo("Hello from the mock");
        assertThat(choice.path("index").asInt()).isZero();
        assertThat(choice.path("logprobs").isNull()).isTrue();
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(c.path("usage").path("prompt_tokens").asInt()).isEqualTo(11);
        assertThat(c.path("usage").path("completion_tokens").asInt()).isEqualTo(7);

        JsonNode sent = env.upstream().last().body();
        assertThat(env.upstream().last().path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.path("model").asText()).isEqualTo("upstream-acme-chat-1");
        assertThat(sent.path("messages")).hasSize(1);
        assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("user");
        assertThat(sent.path("messages").get(0).path("content").asText()).isEqualTo("Once upon a time");
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(16);
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(sent.path("stop").get(0).asText()).isEqualTo("\n");
        assertThat(sent.path("seed").asInt()).isEqualTo(7);
        assertThat(sent.has("prompt")).isFalse();
    }

    @Test
    void echoPutsThePromptBeforeTheText() {
        TestHub.Response r = env.hub().post("/v1/completions", "{\"model\":\"acme/chat-1\",\"prompt\":[\"Say: \"],\"echo\":true,\"max_tokens\":50}");
        assertThat(r.json().path("choices").get(0).path("text").asText()).isEqualTo("Say: Hello from the mock");
        assertThat(env.upstream().last().body().path("max_tokens").asInt()).isEqualTo(50);
    }

    @Test
    void aStreamIsTranslatedChunkByChunkAndEndsWithDone() throws Exception {
        List<String> events;
        try (TestHub.StreamResponse s = env.hub().stream("/v1/completions", "{\"model\":\"acme/chat-1\",\"prompt\":\"hi\",\"stream\":true}", TestHub.ADMIN_KEY)) {
            assertThat(s.status()).isEqualTo(200);
            assertThat(s.header("content-type")).startsWith("text/event-stream");
            events = s.rest();
        }
        assertThat(events.getLast()).isEqualTo("[DONE]");
        List<JsonNode> chunks = new ArrayList<>();
        for (String e : events.subList(0, events.size() - 1)) {
            chunks.add(JSON.readTree(e));
        }
        // five text chunks and the finish chunk; the role-only chunk has no text and the usage chunk was not asked for
        assertThat(chunks).hasSize(6);
        StringBuilder text = new StringBuilder();
        for (JsonNode c : chunks) {
            assertThat(c.path("object").asText()).isEqualTo("text_completion");
            assertThat(c.has("usage")).isFalse();
            text.append(c.path("choices").get(0).path("text").asText());
        }
        assertThat(text.toString()).isEqualTo("t0 t1 t2 t3 t4 ");
        assertThat(chunks.getLast().path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void aStreamShowsUsageOnlyWhenAskedAndIsMetered() throws Exception {
        UsageRows rows = UsageRows.attach(env.hub());
        List<String> events;
        try (TestHub.StreamResponse s = env.hub().stream("/v1/completions",
                "{\"model\":\"acme/chat-1\",\"prompt\":\"hi\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"echo\":true}", TestHub.ADMIN_KEY)) {
            events = s.rest();
        }
        JsonNode first = JSON.readTree(events.getFirst());
        assertThat(first.path("choices").get(0).path("text").asText()).isEqualTo("hi");
        JsonNode usage = JSON.readTree(events.get(events.size() - 2));
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.path("usage").path("prompt_tokens").asInt()).isEqualTo(11);
        assertThat(rows.flush().records()).hasSize(1);
        assertThat(rows.records().getFirst().completionTokens()).isEqualTo(5);
    }

    @Test
    void whatChatCannotExpressIsRefusedNamingTheParameter() {
        bad("{\"model\":\"acme/chat-1\"}", "prompt", "missing_required_parameter");
        bad("{\"model\":\"acme/chat-1\",\"prompt\":\"a\",\"suffix\":\"b\"}", "suffix", "unsupported_parameter");
        bad("{\"model\":\"acme/chat-1\",\"prompt\":\"a\",\"logprobs\":2}", "logprobs", "unsupported_parameter");
        bad("{\"model\":\"acme/chat-1\",\"prompt\":\"a\",\"best_of\":3}", "best_of", "unsupported_parameter");
        bad("{\"model\":\"acme/chat-1\",\"prompt\":[\"a\",\"b\"]}", "prompt", "unsupported_value");
        bad("{\"model\":\"acme/chat-1\",\"prompt\":[1,2,3]}", "prompt", "unsupported_value");
        bad("{\"model\":\"acme/chat-1\",\"prompt\":{\"x\":1}}", "prompt", "invalid_type");
        bad("{\"model\":\"acme/chat-1\",\"prompt\":\"a\",\"echo\":\"yes\"}", "echo", "invalid_type");
        bad("{\"model\":\"acme/chat-1\",\"prompt\":\"a\",\"max_tokens\":-1}", "max_tokens", "invalid_value");
        bad("{\"prompt\":\"a\"}", "model", "missing_required_parameter");
        AuthCalls.assertError(env.hub().post("/v1/completions", "nope"), 400, "invalid_request_error", "invalid_json");
        AuthCalls.assertError(env.hub().post("/v1/completions", "{\"model\":\"acme/zzz\",\"prompt\":\"a\"}"), 404, "not_found_error", "model_not_found");
        AuthCalls.assertError(env.hub().send("POST", "/v1/completions", "{}", null, Map.of()), 401, "authentication_error", "missing_credential");
        assertThat(env.upstream().received()).isEmpty();
        assertThat(env.hub().post("/v1/completions", "{\"model\":\"acme/chat-1\",\"prompt\":\"ok\"}").status()).isEqualTo(200);
    }

    private void bad(String body, String param, String code) {
        TestHub.Response r = env.hub().post("/v1/completions", body);
        AuthCalls.assertError(r, 400, "invalid_request_error", code);
        assertThat(r.json().path("error").path("param").asText()).as(r.body()).isEqualTo(param);
    }
}
