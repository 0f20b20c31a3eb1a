package io.modelhub.providers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.GeminiWire;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.Wire;
import io.modelhub.testing.WireAdapter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gemini kind against a mock of generateContent: the request field by field, safety blocks, schemas. */
class GeminiProviderTest {
    private static String yaml(MockUpstream up) {
        return """
                providers:
                  - id: gem
                    kind: gemini
                    base_url: %s
                    api_key: gemini-secret-key
                    timeouts: {connect_ms: 1000, first_byte_ms: 2000, idle_ms: 1000}
                models:
                  - id: google/gemini-test
                    capabilities: [streaming, tools, vision, json_mode]
                    offerings:
                      - provider: gem
                        upstream_model: models/gemini-test-1
                        supported_parameters: [temperature, top_p, top_k, max_tokens, max_completion_tokens, stop, seed, tools, tool_choice, response_format, stream, stream_options]
                        pricing: {input_per_mtok: 1, output_per_mtok: 2}
                """.formatted(up.baseUrl());
    }

    @Test
    void requestIsTranslatedToGenerateContentFieldByField() {
        try (MockUpstream up = new MockUpstream(new GeminiWire()); TestHub hub = TestHub.start(yaml(up))) {
            TestHub.Response r = hub.post("/v1/chat/completions", """
                    {"model":"google/gemini-test","temperature":0.2,"top_p":0.8,"top_k":20,"max_tokens":300,"stop":"END","seed":7,
                     "messages":[
                       {"role":"system","content":"Be brief."},
                       {"role":"user","content":[{"type":"text","text":"Look"},{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ"}}]},
                       {"role":"assistant","content":null,"tool_calls":[{"id":"call_9","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
                       {"role":"tool","tool_call_id":"call_9","content":"{\\"temp\\":3}"}],
                     "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
                     "tool_choice":"required",
                     "response_format":{"type":"json_schema","json_schema":{"name":"w","schema":{"type":"object","properties":{"t":{"type":"number"}}}}}}
                    """);
            assertThat(r.status()).isEqualTo(200);
            MockUpstream.Received got = up.last();
            assertThat(got.path()).isEqualTo("/v1beta/models/gemini-test-1:generateContent");
            assertThat(got.header("x-goog-api-key")).isEqualTo("gemini-secret-key");
            assertThat(got.authorization()).isNull();
            JsonNode b = got.body();
            assertThat(b.has("model")).isFalse();
            assertThat(b.has("messages")).isFalse();
            assertThat(b.path("systemInstruction").path("parts").get(0).path("text").asText()).isEqualTo("Be brief.");
            JsonNode contents = b.path("contents");
            assertThat(contents.size()).isEqualTo(3);
            assertThat(contents.get(0).path("role").asText()).isEqualTo("user");
            assertThat(contents.get(0).path("parts").get(0).path("text").asText()).isEqualTo("Look");
            assertThat(contents.get(0).path("parts").get(1).path("inlineData").path("mimeType").asText()).isEqualTo("image/jpeg");
            assertThat(contents.get(0).path("parts").get(1).path("inlineData").path("data").asText()).isEqualTo("/9j/4AAQ");
            assertThat(contents.get(1).path("role").asText()).isEqualTo("model");
            assertThat(contents.get(1).path("parts").get(0).path("functionCall").path("name").asText()).isEqualTo("get_weather");
            assertThat(contents.get(1).path("parts").get(0).path("functionCall").path("args").path("city").asText()).isEqualTo("Oslo");
            JsonNode fr = contents.get(2).path("parts").get(0).path("functionResponse");
            assertThat(contents.get(2).path("role").asText()).isEqualTo("user");
            assertThat(fr.path("name").asText()).isEqualTo("get_weather");
            assertThat(fr.path("response").path("temp").asInt()).isEqualTo(3);
            JsonNode decl = b.path("tools").get(0).path("functionDeclarations").get(0);
            assertThat(decl.path("name").asText()).isEqualTo("get_weather");
            assertThat(decl.path("description").asText()).isEqualTo("Weather");
            assertThat(decl.path("parameters").path("properties").path("city").path("type").asText()).isEqualTo("string");
            assertThat(b.path("toolConfig").path("functionCallingConfig").path("mode").asText()).isEqualTo("ANY");
            JsonNode gen = b.path("generationConfig");
            assertThat(gen.path("temperature").asDouble()).isEqualTo(0.2);
            assertThat(gen.path("topP").asDouble()).isEqualTo(0.8);
            assertThat(gen.path("topK").asInt()).isEqualTo(20);
            assertThat(gen.path("maxOutputTokens").asInt()).isEqualTo(300);
            assertThat(gen.path("stopSequences").get(0).asText()).isEqualTo("END");
            assertThat(gen.path("seed").asInt()).isEqualTo(7);
            assertThat(gen.path("responseMimeType").asText()).isEqualTo("application/json");
            assertThat(gen.path("responseSchema").path("properties").path("t").path("type").asText()).isEqualTo("number");
        }
    }

    @Test
    void keyComesFromGoogleApiKeyWhenNeitherTheConfigNorGeminiApiKeyHasOne() {
        try (MockUpstream up = new MockUpstream(new GeminiWire());
             TestHub hub = TestHub.start(yaml(up).replace("    api_key: gemini-secret-key\n", ""), java.util.Map.of("GOOGLE_API_KEY", "google-env-key"))) {
            assertThat(hub.post("/v1/chat/completions", "{\"model\":\"google/gemini-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").status())
                    .isEqualTo(200);
            assertThat(up.last().header("x-goog-api-key")).isEqualTo("google-env-key");
            assertThat(up.last().path()).doesNotContain("key=");
        }
    }

    @Test
    void streamingUsesStreamGenerateContentWithSse() {
        try (MockUpstream up = new MockUpstream(new GeminiWire()); TestHub hub = TestHub.start(yaml(up))) {
            try (TestHub.StreamResponse s = hub.stream("/v1/chat/completions",
                    "{\"model\":\"google/gemini-test\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", TestHub.ADMIN_KEY)) {
                assertThat(s.rest().getLast()).isEqualTo("[DONE]");
            }
            assertThat(up.last().path()).isEqualTo("/v1beta/models/gemini-test-1:streamGenerateContent?alt=sse");
            assertThat(up.last().body().has("stream")).isFalse();
        }
    }

    @Test
    void safetyBlockFinishesWithContentFilter() {
        Wire blocked = new WireAdapter(new GeminiWire()) {
            @Override
            public String completion(String model, String text, JsonNode body) {
                return "{\"candidates\":[{\"content\":{\"parts\":[],\"role\":\"model\"},\"finishReason\":\"SAFETY\",\"index\":0,"
                        + "\"safetyRatings\":[{\"category\":\"HARM_CATEGORY_DANGEROUS_CONTENT\",\"probability\":\"HIGH\",\"blocked\":true}]}],"
                        + "\"usageMetadata\":{\"promptTokenCount\":5,\"totalTokenCount\":5}}";
            }

            @Override
            public List<byte[]> streamEnd(String model, int tokens, JsonNode body) {
                return List.of(Wire.sse("{\"candidates\":[{\"content\":{\"parts\":[],\"role\":\"model\"},\"finishReason\":\"SAFETY\",\"index\":0}],"
                        + "\"usageMetadata\":{\"promptTokenCount\":5,\"candidatesTokenCount\":" + tokens + ",\"totalTokenCount\":9}}"));
            }
        };
        try (MockUpstream up = new MockUpstream(blocked); TestHub hub = TestHub.start(yaml(up))) {
            TestHub.Response r = hub.post("/v1/chat/completions", "{\"model\":\"google/gemini-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().path("choices").get(0).path("finish_reason").asText()).isEqualTo("content_filter");
            assertThat(r.json().path("usage").path("prompt_tokens").asLong()).isEqualTo(5);
            List<String> events;
            try (TestHub.StreamResponse s = hub.stream("/v1/chat/completions",
                    "{\"model\":\"google/gemini-test\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", TestHub.ADMIN_KEY)) {
                events = s.rest();
            }
            assertThat(events).anyMatch(e -> e.contains("\"finish_reason\":\"content_filter\""));
        }
    }

    @Test
    void blockedPromptIsAContentFilterAnswerWithNoText() {
        Wire blocked = new WireAdapter(new GeminiWire()) {
            @Override
            public String completion(String model, String text, JsonNode body) {
                return "{\"promptFeedback\":{\"blockReason\":\"SAFETY\"},\"usageMetadata\":{\"promptTokenCount\":4,\"totalTokenCount\":4}}";
            }
        };
        try (MockUpstream up = new MockUpstream(blocked); TestHub hub = TestHub.start(yaml(up))) {
            TestHub.Response r = hub.post("/v1/chat/completions", "{\"model\":\"google/gemini-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(r.status()).isEqualTo(200);
            JsonNode choice = r.json().path("choices").get(0);
            assertThat(choice.path("finish_reason").asText()).isEqualTo("content_filter");
            assertThat(choice.path("message").path("content").asText()).isEmpty();
        }
    }
}
