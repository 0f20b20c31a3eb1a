package io.modelhub.providers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.AnthropicWire;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UsageRows;
import io.modelhub.usage.UsageRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The anthropic kind against a mock of the Messages API: the request it sends, field by field, and what it makes of the answers. */
class AnthropicProviderTest {
    private static String yaml(MockUpstream up, String offeringExtra, String providerExtra) {
        return """
                providers:
                  - id: claude
                    kind: anthropic
                    base_url: %s
                    api_key: sk-ant-test-secret
                    timeouts: {connect_ms: 1000, first_byte_ms: 2000, idle_ms: 1000}
                %s
                models:
                  - id: anthropic/claude-test
                    capabilities: [streaming, tools, vision]
                    offerings:
                      - provider: claude
                        upstream_model: claude-test-1
                        max_output_tokens: 2048
                %s
                """.formatted(up.baseUrl(), providerExtra, offeringExtra);
    }

    @Test
    void requestIsTranslatedToMessagesFieldByField() {
        try (MockUpstream up = new MockUpstream(new AnthropicWire());
             TestHub hub = TestHub.start(yaml(up, "        supported_parameters: [temperature, top_p, top_k, stop, max_tokens, max_completion_tokens,"
                     + " tools, tool_choice, parallel_tool_calls, user, stream, stream_options]", "    version: 2023-06-01"))) {
            TestHub.Response r = hub.post("/v1/chat/completions", """
                    {"model":"anthropic/claude-test","temperature":0.3,"top_p":0.9,"top_k":40,"stop":["END"],"user":"u-1",
                     "messages":[
                       {"role":"system","content":"Be brief."},
                       {"role":"developer","content":[{"type":"text","text":"Use metric units."}]},
                       {"role":"user","content":[{"type":"text","text":"What is this?"},
                          {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                          {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]},
                       {"role":"assistant","content":"Let me check.","tool_calls":[{"id":"call_1","type":"function",
                          "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                       {"role":"tool","tool_call_id":"call_1","content":"18 C"},
                       {"role":"user","content":"Thanks"}],
                     "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
                     "tool_choice":{"type":"function","function":{"name":"get_weather"}},"parallel_tool_calls":false}
                    """);
            assertThat(r.status()).isEqualTo(200);
            MockUpstream.Received got = up.last();
            assertThat(got.path()).isEqualTo("/v1/messages");
            assertThat(got.header("x-api-key")).isEqualTo("sk-ant-test-secret");
            assertThat(got.authorization()).isNull();
            assertThat(got.header("anthropic-version")).isEqualTo("2023-06-01");
            JsonNode b = got.body();
            assertThat(b.path("model").asText()).isEqualTo("claude-test-1");
            assertThat(b.path("max_tokens").asInt()).isEqualTo(2048);
            assertThat(b.path("system").asText()).isEqualTo("Be brief.\n\nUse metric units.");
            assertThat(b.path("temperature").asDouble()).isEqualTo(0.3);
            assertThat(b.path("top_p").asDouble()).isEqualTo(0.9);
            assertThat(b.path("top_k").asInt()).isEqualTo(40);
            assertThat(b.path("stop_sequences").get(0).asText()).isEqualTo("END");
            assertThat(b.path("metadata").path("user_id").asText()).isEqualTo("u-1");
            assertThat(b.has("stream")).isFalse();
            assertThat(b.has("stop")).isFalse();
            assertThat(b.has("tool_calls")).isFalse();

            JsonNode messages = b.path("messages");
            assertThat(messages.size()).isEqualTo(3);
            JsonNode user = messages.get(0);
            assertThat(user.path("role").asText()).isEqualTo("user");
            assertThat(user.path("content").get(0).path("text").asText()).isEqualTo("What is this?");
            JsonNode base64 = user.path("content").get(1).path("source");
            assertThat(base64.path("type").asText()).isEqualTo("base64");
            assertThat(base64.path("media_type").asText()).isEqualTo("image/png");
            assertThat(base64.path("data").asText()).isEqualTo("iVBORw0KGgo=");
            JsonNode url = user.path("content").get(2).path("source");
            assertThat(url.path("type").asText()).isEqualTo("url");
            assertThat(url.path("url").asText()).isEqualTo("https://example.com/cat.jpg");

            JsonNode assistant = messages.get(1);
            assertThat(assistant.path("role").asText()).isEqualTo("assistant");
            assertThat(assistant.path("content").get(0).path("text").asText()).isEqualTo("Let me check.");
            JsonNode toolUse = assistant.path("content").get(1);
            assertThat(toolUse.path("type").asText()).isEqualTo("tool_use");
            assertThat(toolUse.path("id").asText()).isEqualTo("call_1");
            assertThat(toolUse.path("name").asText()).isEqualTo("get_weather");
            assertThat(toolUse.path("input").path("city").asText()).isEqualTo("Paris");

            JsonNode results = messages.get(2);
            assertThat(results.path("role").asText()).isEqualTo("user");
            assertThat(results.path("content").get(0).path("type").asText()).isEqualTo("tool_result");
            assertThat(results.path("content").get(0).path("tool_use_id").asText()).isEqualTo("call_1");
            assertThat(results.path("content").get(0).path("content").asText()).isEqualTo("18 C");
            assertThat(results.path("content").get(1).path("text").asText()).isEqualTo("Thanks");

            JsonNode tool = b.path("tools").get(0);
            assertThat(tool.path("name").asText()).isEqualTo("get_weather");
            assertThat(tool.path("description").asText()).isEqualTo("Weather");
            assertThat(tool.path("input_schema").path("properties").path("city").path("type").asText()).isEqualTo("string");
            assertThat(b.path("tool_choice").path("type").asText()).isEqualTo("tool");
            assertThat(b.path("tool_choice").path("name").asText()).isEqualTo("get_weather");
            assertThat(b.path("tool_choice").path("disable_parallel_tool_use").asBoolean()).isTrue();
        }
    }

    @Test
    void maxTokensIsAlwaysSentAndStreamAsked() {
        try (MockUpstream up = new MockUpstream(new AnthropicWire()); TestHub hub = TestHub.start(yaml(up, "", ""))) {
            hub.post("/v1/chat/completions", "{\"model\":\"anthropic/claude-test\",\"max_completion_tokens\":77,"
                    + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":\"required\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(up.last().body().path("max_tokens").asInt()).isEqualTo(77);
            assertThat(up.last().body().path("tool_choice").path("type").asText()).isEqualTo("any");
            assertThat(up.last().body().path("tools").get(0).path("input_schema").path("type").asText()).isEqualTo("object");
            assertThat(up.last().header("anthropic-version")).isEqualTo("2023-06-01");
            try (TestHub.StreamResponse s = hub.stream("/v1/chat/completions",
                    "{\"model\":\"anthropic/claude-test\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", TestHub.ADMIN_KEY)) {
                s.rest();
            }
            assertThat(up.last().body().path("stream").asBoolean()).isTrue();
            assertThat(up.last().body().path("max_tokens").asInt()).isEqualTo(2048);
            assertThat(up.last().body().has("stream_options")).isFalse();
        }
    }

    @Test
    void cacheTokensArePricedAtTheirOwnPricesAndShownAsCachedTokens() {
        String pricing = "        pricing: {input_per_mtok: 3.0, output_per_mtok: 15.0, cache_read_per_mtok: 0.3, cache_write_per_mtok: 3.75}";
        try (MockUpstream up = new MockUpstream(new AnthropicWire()); TestHub hub = TestHub.start(yaml(up, pricing, ""))) {
            UsageRows rows = UsageRows.attach(hub);
            TestHub.Response r = hub.post("/v1/chat/completions", "{\"model\":\"anthropic/claude-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            JsonNode usage = r.json().path("usage");
            // The mock reports 3 uncached input tokens, 2 written to the cache, 6 read from it, 7 output tokens.
            assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(11);
            assertThat(usage.path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(6);
            UsageRecord rec = rows.awaitRecord(1);
            double expected = (3 * 3.0 + 2 * 3.75 + 6 * 0.3 + 7 * 15.0) / 1_000_000.0;
            assertThat(rec.costUsd()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));

            List<String> events;
            try (TestHub.StreamResponse s = hub.stream("/v1/chat/completions",
                    "{\"model\":\"anthropic/claude-test\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", TestHub.ADMIN_KEY)) {
                events = s.rest();
            }
            assertThat(events.getLast()).isEqualTo("[DONE]");
            UsageRecord streamed = rows.awaitRecord(2);
            assertThat(streamed.promptTokens()).isEqualTo(11);
            assertThat(streamed.completionTokens()).isEqualTo(5);
            assertThat(streamed.costUsd()).isCloseTo((3 * 3.0 + 2 * 3.75 + 6 * 0.3 + 5 * 15.0) / 1_000_000.0, org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    @Test
    void offeringWithoutAKnownPriceIsMeteredWithNullCost() {
        try (MockUpstream up = new MockUpstream(new AnthropicWire()); TestHub hub = TestHub.start(yaml(up, "", ""))) {
            UsageRows rows = UsageRows.attach(hub);
            assertThat(hub.post("/v1/chat/completions", "{\"model\":\"anthropic/claude-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").status())
                    .isEqualTo(200);
            assertThat(rows.awaitRecord(1).costUsd()).isNull();
            TestHub.Response offerings = hub.get("/v1/models/anthropic/claude-test/providers");
            assertThat(offerings.status()).isEqualTo(200);
            assertThat(offerings.body()).contains("\"pricing\":null");
        }
    }

    @Test
    void errorEventInsideAStreamBecomesAnErrorEventForTheClient() {
        try (MockUpstream up = new MockUpstream(new ErrorMidStreamWire()); TestHub hub = TestHub.start(yaml(up, "", ""))) {
            List<String> events;
            try (TestHub.StreamResponse s = hub.stream("/v1/chat/completions",
                    "{\"model\":\"anthropic/claude-test\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", TestHub.ADMIN_KEY)) {
                assertThat(s.status()).isEqualTo(200);
                events = s.rest();
            }
            assertThat(events.getLast()).contains("\"error\"").contains("overloaded_error");
            assertThat(events).noneMatch(e -> e.equals("[DONE]"));
        }
    }

    /** Anthropic's stream that reports {@code overloaded_error} after some text, as its API does under load. */
    static final class ErrorMidStreamWire extends io.modelhub.testing.WireAdapter {
        ErrorMidStreamWire() {
            super(new AnthropicWire());
        }

        @Override
        public List<byte[]> streamEnd(String model, int tokens, JsonNode body) {
            return List.of(io.modelhub.testing.Wire.sse("error",
                    "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        }
    }
}
