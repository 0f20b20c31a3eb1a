package io.modelhub.providers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.TestHub;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SandboxTest {
    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start("sandbox: {token_delay_ms: 5}\n");
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    JsonNode chat(String body) {
        TestHub.Response r = hub.post("/v1/chat/completions", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("x-modelhub-provider")).isEqualTo("sandbox");
        return r.json();
    }

    @Test
    void answersDeterministicallyFromTheInputWithHonestUsage() {
        String body = "{\"model\":\"sandbox/chat\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there, hub!\"}]}";
        JsonNode a = chat(body);
        JsonNode b = chat(body);
        assertThat(a.path("choices").get(0).path("message").path("content").asText()).isEqualTo("Echo: Hello there, hub!");
        assertThat(a.path("id").asText()).isEqualTo(b.path("id").asText());
        // "Hello there , hub !" = 5 tokens + 3 per message; "Echo : Hello there , hub !" = 7
        assertThat(a.path("usage").path("prompt_tokens").asInt()).isEqualTo(8);
        assertThat(a.path("usage").path("completion_tokens").asInt()).isEqualTo(7);
        assertThat(a.path("usage").path("total_tokens").asInt()).isEqualTo(15);
    }

    @Test
    void streamsTokenByTokenAndReportsUsageWhenAsked() {
        try (TestHub.StreamResponse s = hub.stream("/v1/chat/completions",
                "{\"model\":\"sandbox/chat\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"one two three\"}]}",
                TestHub.ADMIN_KEY)) {
            List<String> events = s.rest();
            assertThat(events.getLast()).isEqualTo("[DONE]");
            StringBuilder text = new StringBuilder();
            for (String e : events.subList(0, events.size() - 1)) {
                JsonNode n = hub.json().readTree(e);
                if (!n.path("choices").isEmpty()) {
                    text.append(n.path("choices").get(0).path("delta").path("content").asText(""));
                }
            }
            assertThat(text.toString()).isEqualTo("Echo: one two three");
            assertThat(events.get(events.size() - 2)).contains("\"completion_tokens\":5");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void callsTheToolWhenToolChoiceRequiresIt() {
        JsonNode a = chat("""
                {"model":"sandbox/chat","tool_choice":"required",
                 "messages":[{"role":"user","content":"What is the weather in Paris?"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
                   "properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city"]}}}]}
                """);
        JsonNode choice = a.path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode call = choice.path("message").path("tool_calls").get(0);
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(call.path("function").path("arguments").asText()).contains("\"city\"").contains("\"days\"");
    }

    @Test
    void answersTextWhenToolChoiceIsNoneAndAfterAToolResult() {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}]";
        JsonNode none = chat("{\"model\":\"sandbox/chat\",\"tool_choice\":\"none\"," + tools
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"get_weather please\"}]}");
        assertThat(none.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        JsonNode after = chat("{\"model\":\"sandbox/chat\"," + tools + ",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"get_weather please\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"sunny\"}]}");
        assertThat(after.path("choices").get(0).path("message").path("content").asText()).isEqualTo("The tool returned: sunny");
    }

    @Test
    void answersJsonThatFitsTheSchema() throws Exception {
        JsonNode a = chat("""
                {"model":"sandbox/chat","messages":[{"role":"user","content":"a cat"}],
                 "response_format":{"type":"json_schema","json_schema":{"name":"pet","schema":{"type":"object",
                   "properties":{"name":{"type":"string"},"legs":{"type":"integer"},"tags":{"type":"array","items":{"type":"string"}}}}}}}
                """);
        JsonNode out = hub.json().readTree(a.path("choices").get(0).path("message").path("content").asText());
        assertThat(out.path("name").isTextual()).isTrue();
        assertThat(out.path("legs").isInt()).isTrue();
        assertThat(out.path("tags").isArray()).isTrue();
    }

    @Test
    void maxTokensCutsTheAnswerWithFinishReasonLength() {
        JsonNode a = chat("{\"model\":\"sandbox/chat\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"one two three four five\"}]}");
        assertThat(a.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
        assertThat(a.path("usage").path("completion_tokens").asInt()).isEqualTo(3);
        assertThat(a.path("choices").get(0).path("message").path("content").asText()).isEqualTo("Echo: one");
    }

    @Test
    void answersJsonThatFitsANestedSchemaWithReferences() throws Exception {
        // The shape Pydantic writes for a model with a nested model and an optional field.
        JsonNode a = chat("""
                {"model":"sandbox/chat","messages":[{"role":"user","content":"Ada in London"}],
                 "response_format":{"type":"json_schema","json_schema":{"name":"Person","strict":true,"schema":{
                   "$defs":{"Address":{"type":"object","properties":{"city":{"type":"string"},"zip":{"type":"string"}},
                                        "required":["city","zip"],"additionalProperties":false}},
                   "type":"object",
                   "properties":{"name":{"type":"string"},"address":{"$ref":"#/$defs/Address"},
                                 "nickname":{"anyOf":[{"type":"string"},{"type":"null"}]},
                                 "tags":{"type":"array","items":{"$ref":"#/$defs/Address"}}},
                   "required":["name","address","nickname","tags"],"additionalProperties":false}}}}
                """);
        JsonNode out = hub.json().readTree(a.path("choices").get(0).path("message").path("content").asText());
        assertThat(out.path("address").path("city").isTextual()).isTrue();
        assertThat(out.path("address").path("zip").isTextual()).isTrue();
        assertThat(out.path("nickname").isTextual()).isTrue();
        assertThat(out.path("tags").get(0).path("city").isTextual()).isTrue();
    }

    @Test
    void withToolChoiceAutoCallsTheToolTheMessageIsAboutAndNoOther() {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"lookupStockPrice\",\"parameters\":{\"type\":\"object\"}}}]";
        JsonNode weather = chat("{\"model\":\"sandbox/chat\"," + tools + ",\"messages\":[{\"role\":\"user\",\"content\":\"What's the weather in Paris?\"}]}");
        JsonNode calls = weather.path("choices").get(0).path("message").path("tool_calls");
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).path("function").path("name").asText()).isEqualTo("get_weather");
        JsonNode stock = chat("{\"model\":\"sandbox/chat\"," + tools + ",\"messages\":[{\"role\":\"user\",\"content\":\"The stock price of ACME?\"}]}");
        assertThat(stock.path("choices").get(0).path("message").path("tool_calls").get(0).path("function").path("name").asText())
                .isEqualTo("lookupStockPrice");
        JsonNode none = chat("{\"model\":\"sandbox/chat\"," + tools + ",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a joke\"}]}");
        assertThat(none.path("choices").get(0).path("message").path("content").asText()).isEqualTo("Echo: Tell me a joke");
    }
}
