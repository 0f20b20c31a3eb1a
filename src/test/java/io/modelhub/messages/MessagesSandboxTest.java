package io.modelhub.messages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.testing.TestHub;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Messages API against the built-in sandbox: every stop reason, tools, streaming, a tool round trip. */
class MessagesSandboxTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start("");
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static JsonNode message(String body) {
        TestHub.Response r = hub.send("POST", "/v1/messages", body, null, Map.of("x-api-key", TestHub.ADMIN_KEY, "anthropic-version", "2023-06-01"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("x-modelhub-provider")).isEqualTo("sandbox");
        return r.json();
    }

    @Test
    void echoEndsTheTurn() {
        JsonNode m = message("{\"model\":\"sandbox/chat\",\"max_tokens\":100,\"system\":\"Be terse.\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello, hub!\"}]}");
        assertThat(m.path("content").get(0).path("text").asText()).isEqualTo("Echo: Hello, hub!");
        assertThat(m.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(m.path("usage").path("input_tokens").asLong()).isPositive();
        assertThat(m.path("usage").path("output_tokens").asLong()).isPositive();
    }

    @Test
    void aMatchedStopSequenceIsReportedAsStopSequence() {
        JsonNode m = message("{\"model\":\"sandbox/chat\",\"max_tokens\":100,\"stop_sequences\":[\"HALT\"],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"one two HALT three\"}]}");
        assertThat(m.path("content").get(0).path("text").asText()).isEqualTo("Echo: one two ");
        assertThat(m.path("stop_reason").asText()).isEqualTo("stop_sequence");
        assertThat(m.path("stop_sequence").asText()).isEqualTo("HALT");
    }

    @Test
    void runningOutOfTokensIsMaxTokens() {
        JsonNode m = message("{\"model\":\"sandbox/chat\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"a long answer please\"}]}");
        assertThat(m.path("stop_reason").asText()).isEqualTo("max_tokens");
        assertThat(m.path("usage").path("output_tokens").asLong()).isEqualTo(2);
    }

    @Test
    void aToolRoundTripUsesTheToolAndThenAnswersFromItsResult() {
        String tools = "\"tools\":[{\"name\":\"get_weather\",\"description\":\"Weather\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}]";
        JsonNode first = message("{\"model\":\"sandbox/chat\",\"max_tokens\":100," + tools + ",\"tool_choice\":{\"type\":\"any\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"}]}");
        assertThat(first.path("stop_reason").asText()).isEqualTo("tool_use");
        JsonNode use = first.path("content").get(0);
        assertThat(use.path("type").asText()).isEqualTo("tool_use");
        assertThat(use.path("name").asText()).isEqualTo("get_weather");
        assertThat(use.path("input").path("city").isTextual()).isTrue();
        JsonNode second = message("{\"model\":\"sandbox/chat\",\"max_tokens\":100," + tools + ",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":" + first.path("content") + "},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"" + use.path("id").asText() + "\",\"content\":\"Sunny, 21 C\"}]}]}");
        assertThat(second.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(second.path("content").get(0).path("text").asText()).isEqualTo("The tool returned: Sunny, 21 C");
    }

    @Test
    void aStreamAssemblesToTheSameTextAsTheWholeAnswer() throws Exception {
        String body = "{\"model\":\"sandbox/chat\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Stream me, please.\"}]";
        String whole = message(body + "}").path("content").get(0).path("text").asText();
        StringBuilder text = new StringBuilder();
        String stopReason = null;
        try (TestHub.StreamResponse s = hub.stream("/v1/messages", body + ",\"stream\":true}", TestHub.ADMIN_KEY)) {
            List<String> events = s.rest();
            assertThat(JSON.readTree(events.getFirst()).path("type").asText()).isEqualTo("message_start");
            assertThat(JSON.readTree(events.getLast()).path("type").asText()).isEqualTo("message_stop");
            for (String e : events) {
                JsonNode n = JSON.readTree(e);
                if (n.path("type").asText().equals("content_block_delta")) {
                    text.append(n.path("delta").path("text").asText());
                }
                if (n.path("type").asText().equals("message_delta")) {
                    stopReason = n.path("delta").path("stop_reason").asText();
                }
            }
        }
        assertThat(text.toString()).isEqualTo(whole);
        assertThat(stopReason).isEqualTo("end_turn");
    }

    @Test
    void anEmbeddingModelIsRefused() {
        TestHub.Response r = hub.send("POST", "/v1/messages", "{\"model\":\"sandbox/embed\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                null, Map.of("x-api-key", TestHub.ADMIN_KEY));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(r.json().path("error").path("message").asText()).contains("/v1/embeddings");
    }
}
