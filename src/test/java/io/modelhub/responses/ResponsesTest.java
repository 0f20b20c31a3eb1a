package io.modelhub.responses;

import static io.modelhub.responses.OpenAiSchema.assertValid;
import static io.modelhub.responses.OpenAiSchema.assertValidEvent;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.testing.AuthCalls;
import io.modelhub.testing.TestHub;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/responses} against the built-in sandbox: plain and streamed answers, function tools,
 * structured output, stored responses and conversations, each checked against OpenAI's schemas.
 */
class ResponsesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String WEATHER_TOOL = "{\"type\":\"function\",\"name\":\"get_weather\",\"description\":\"The weather in a city\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}";
    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start("");
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static JsonNode create(String body) {
        TestHub.Response r = hub.post("/v1/responses", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode response = r.json();
        assertValid(response, "Response");
        return response;
    }

    /** Every event of a streamed response, in order, each checked against its schema. */
    static List<JsonNode> events(String body) {
        List<JsonNode> events = new ArrayList<>();
        try (TestHub.StreamResponse s = hub.stream("/v1/responses", body, TestHub.ADMIN_KEY)) {
            assertThat(s.status()).isEqualTo(200);
            assertThat(s.header("content-type")).startsWith("text/event-stream");
            for (String data : s.rest()) {
                JsonNode e = read(data);
                assertValidEvent(e);
                events.add(e);
            }
        }
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).path("sequence_number").asInt()).isEqualTo(i);
        }
        return events;
    }

    static JsonNode read(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new AssertionError(s, e);
        }
    }

    static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.path("type").asText()).toList();
    }

    @Test
    void aStringInputGetsACompletedResponseWithAnAssistantMessage() {
        JsonNode r = create("{\"model\":\"sandbox/chat\",\"input\":\"Hello there\",\"metadata\":{\"topic\":\"greeting\"},\"temperature\":0.5}");
        assertThat(r.path("id").asText()).startsWith("resp_");
        assertThat(r.path("object").asText()).isEqualTo("response");
        assertThat(r.path("status").asText()).isEqualTo("completed");
        assertThat(r.path("model").asText()).isEqualTo("sandbox/chat");
        assertThat(r.path("metadata").path("topic").asText()).isEqualTo("greeting");
        assertThat(r.path("temperature").asDouble()).isEqualTo(0.5);
        assertThat(r.path("store").asBoolean()).isTrue();
        JsonNode message = r.path("output").get(0);
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("role").asText()).isEqualTo("assistant");
        assertThat(message.path("id").asText()).startsWith("msg_");
        assertThat(message.path("content").get(0).path("type").asText()).isEqualTo("output_text");
        assertThat(message.path("content").get(0).path("text").asText()).isEqualTo("Echo: Hello there");
        JsonNode usage = r.path("usage");
        assertThat(usage.path("input_tokens").asLong()).isPositive();
        assertThat(usage.path("output_tokens").asLong()).isPositive();
        assertThat(usage.path("total_tokens").asLong()).isEqualTo(usage.path("input_tokens").asLong() + usage.path("output_tokens").asLong());
    }

    @Test
    void aStreamedResponseSendsTheFullEventSequenceAndTheTextInDeltas() {
        List<JsonNode> events = events("{\"model\":\"sandbox/chat\",\"input\":\"stream this please\",\"stream\":true}");
        List<String> types = types(events);
        assertThat(types.subList(0, 4)).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added");
        assertThat(types.subList(types.size() - 4, types.size())).containsExactly("response.output_text.done",
                "response.content_part.done", "response.output_item.done", "response.completed");
        assertThat(types.subList(4, types.size() - 4)).allMatch("response.output_text.delta"::equals).hasSizeGreaterThan(1);
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e.path("type").asText().equals("response.output_text.delta")).forEach(e -> text.append(e.path("delta").asText()));
        assertThat(text.toString()).isEqualTo("Echo: stream this please");
        JsonNode created = events.getFirst().path("response");
        assertThat(created.path("status").asText()).isEqualTo("in_progress");
        JsonNode completed = events.getLast().path("response");
        assertThat(completed.path("id").asText()).isEqualTo(created.path("id").asText());
        assertThat(completed.path("status").asText()).isEqualTo("completed");
        assertThat(completed.path("output").get(0).path("content").get(0).path("text").asText()).isEqualTo("Echo: stream this please");
        assertThat(completed.path("usage").path("output_tokens").asLong()).isPositive();
        assertThat(completed.path("usage").path("total_tokens").asLong()).isPositive();
        // What was streamed is what is stored.
        assertThat(hub.get("/v1/responses/" + completed.path("id").asText()).json()).isEqualTo(completed);
    }

    @Test
    void aFunctionToolCallIsAnOutputItemAndItsOutputContinuesTheConversation() {
        JsonNode first = create("{\"model\":\"sandbox/chat\",\"input\":\"What is the weather in Paris?\",\"tools\":[" + WEATHER_TOOL + "]}");
        JsonNode call = first.path("output").get(0);
        assertThat(call.path("type").asText()).isEqualTo("function_call");
        assertThat(call.path("name").asText()).isEqualTo("get_weather");
        assertThat(call.path("id").asText()).startsWith("fc_");
        assertThat(call.path("call_id").asText()).isNotEmpty();
        assertThat(read(call.path("arguments").asText()).isObject()).isTrue();
        assertThat(first.path("tools").get(0).path("name").asText()).isEqualTo("get_weather");

        JsonNode second = create("{\"model\":\"sandbox/chat\",\"previous_response_id\":\"" + first.path("id").asText() + "\",\"tools\":[" + WEATHER_TOOL + "],"
                + "\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"" + call.path("call_id").asText() + "\",\"output\":\"Sunny, 21 C\"}]}");
        assertThat(second.path("previous_response_id").asText()).isEqualTo(first.path("id").asText());
        assertThat(second.path("output").get(0).path("content").get(0).path("text").asText()).isEqualTo("The tool returned: Sunny, 21 C");
    }

    @Test
    void aStreamedFunctionCallSendsItsArgumentsInDeltas() {
        List<JsonNode> events = events("{\"model\":\"sandbox/chat\",\"stream\":true,\"tool_choice\":\"required\",\"input\":\"Paris\",\"tools\":[" + WEATHER_TOOL + "]}");
        List<String> types = types(events);
        assertThat(types).contains("response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done", "response.completed");
        assertThat(types).doesNotContain("response.output_text.delta");
        JsonNode added = events.stream().filter(e -> e.path("type").asText().equals("response.output_item.added")).findFirst().orElseThrow();
        assertThat(added.path("item").path("type").asText()).isEqualTo("function_call");
        assertThat(added.path("item").path("status").asText()).isEqualTo("in_progress");
        StringBuilder args = new StringBuilder();
        events.stream().filter(e -> e.path("type").asText().equals("response.function_call_arguments.delta")).forEach(e -> args.append(e.path("delta").asText()));
        JsonNode done = events.stream().filter(e -> e.path("type").asText().equals("response.function_call_arguments.done")).findFirst().orElseThrow();
        assertThat(done.path("arguments").asText()).isEqualTo(args.toString());
        assertThat(done.path("name").asText()).isEqualTo("get_weather");
        JsonNode item = events.getLast().path("response").path("output").get(0);
        assertThat(item.path("arguments").asText()).isEqualTo(args.toString());
        assertThat(item.path("status").asText()).isEqualTo("completed");
    }

    @Test
    void aJsonSchemaTextFormatGivesJsonOfThatShape() {
        JsonNode r = create("{\"model\":\"sandbox/chat\",\"input\":\"Three days in Rome\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"forecast\","
                + "\"strict\":true,\"schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"}},"
                + "\"required\":[\"city\",\"days\"],\"additionalProperties\":false}}}}");
        JsonNode answer = read(r.path("output").get(0).path("content").get(0).path("text").asText());
        assertThat(answer.path("city").isTextual()).isTrue();
        assertThat(answer.path("days").isIntegralNumber()).isTrue();
        assertThat(r.path("text").path("format").path("name").asText()).isEqualTo("forecast");
    }

    @Test
    void aJsonObjectTextFormatGivesAJsonObject() {
        JsonNode r = create("{\"model\":\"sandbox/chat\",\"input\":\"answer in JSON\",\"text\":{\"format\":{\"type\":\"json_object\"}}}");
        assertThat(read(r.path("output").get(0).path("content").get(0).path("text").asText()).isObject()).isTrue();
        assertThat(r.path("text").path("format").path("type").asText()).isEqualTo("json_object");
    }

    @Test
    void maxOutputTokensCutsTheAnswerAndTheResponseIsIncomplete() {
        JsonNode r = create("{\"model\":\"sandbox/chat\",\"input\":\"one two three four five six\",\"max_output_tokens\":2}");
        assertThat(r.path("status").asText()).isEqualTo("incomplete");
        assertThat(r.path("incomplete_details").path("reason").asText()).isEqualTo("max_output_tokens");
        assertThat(r.path("usage").path("output_tokens").asLong()).isEqualTo(2);
        assertThat(r.path("output").get(0).path("status").asText()).isEqualTo("incomplete");

        List<JsonNode> events = events("{\"model\":\"sandbox/chat\",\"input\":\"one two three four five six\",\"max_output_tokens\":2,\"stream\":true}");
        assertThat(events.getLast().path("type").asText()).isEqualTo("response.incomplete");
    }

    @Test
    void aStoredResponseIsReadDeletedAndListsTheWholeContextAsInputItems() {
        JsonNode first = create("{\"model\":\"sandbox/chat\",\"input\":[{\"role\":\"user\",\"content\":\"My name is Ada\"}]}");
        String id = first.path("id").asText();
        JsonNode second = create("{\"model\":\"sandbox/chat\",\"previous_response_id\":\"" + id + "\",\"input\":\"What is my name?\"}");
        String id2 = second.path("id").asText();
        assertThat(hub.get("/v1/responses/" + id).json()).isEqualTo(first);

        JsonNode asc = hub.get("/v1/responses/" + id2 + "/input_items?order=asc").json();
        assertValid(asc, "ResponseItemList");
        assertThat(asc.path("data")).hasSize(3);
        assertThat(asc.path("data").get(0).path("content").get(0).path("text").asText()).isEqualTo("My name is Ada");
        assertThat(asc.path("data").get(0).path("content").get(0).path("type").asText()).isEqualTo("input_text");
        assertThat(asc.path("data").get(1)).isEqualTo(first.path("output").get(0));
        assertThat(asc.path("data").get(2).path("content").get(0).path("text").asText()).isEqualTo("What is my name?");
        assertThat(asc.path("has_more").asBoolean()).isFalse();

        JsonNode desc = hub.get("/v1/responses/" + id2 + "/input_items?limit=2").json();
        assertValid(desc, "ResponseItemList");
        assertThat(desc.path("data")).hasSize(2);
        assertThat(desc.path("data").get(0)).isEqualTo(asc.path("data").get(2));
        assertThat(desc.path("has_more").asBoolean()).isTrue();
        JsonNode rest = hub.get("/v1/responses/" + id2 + "/input_items?limit=2&after=" + desc.path("last_id").asText()).json();
        assertThat(rest.path("data")).hasSize(1);
        assertThat(rest.path("data").get(0)).isEqualTo(asc.path("data").get(0));

        TestHub.Response deleted = hub.send("DELETE", "/v1/responses/" + id, null, TestHub.ADMIN_KEY, Map.of());
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().path("deleted").asBoolean()).isTrue();
        AuthCalls.assertError(hub.get("/v1/responses/" + id), 404, "not_found_error", "response_not_found");
        AuthCalls.assertError(hub.send("DELETE", "/v1/responses/" + id, null, TestHub.ADMIN_KEY, Map.of()), 404, "not_found_error", "response_not_found");
        // The continuation holds its own copy of the context: it outlives the response it continued.
        assertThat(hub.get("/v1/responses/" + id2 + "/input_items").json().path("data")).hasSize(3);
    }

    @Test
    void aResponseMadeWithStoreFalseIsNotKept() {
        JsonNode r = create("{\"model\":\"sandbox/chat\",\"input\":\"forget me\",\"store\":false}");
        assertThat(r.path("store").asBoolean()).isFalse();
        AuthCalls.assertError(hub.get("/v1/responses/" + r.path("id").asText()), 404, "not_found_error", "response_not_found");
        TestHub.Response cont = hub.post("/v1/responses", "{\"model\":\"sandbox/chat\",\"input\":\"hi\",\"previous_response_id\":\"" + r.path("id").asText() + "\"}");
        AuthCalls.assertError(cont, 400, "invalid_request_error", "previous_response_not_found");
        assertThat(cont.json().path("error").path("param").asText()).isEqualTo("previous_response_id");
    }

    @Test
    void anotherKeyCannotSeeContinueOrDeleteAResponse() {
        String id = create("{\"model\":\"sandbox/chat\",\"input\":\"mine\"}").path("id").asText();
        String other = AuthCalls.createKey(hub, "{\"name\":\"other\",\"scopes\":[\"read\"]}").path("key").asText();
        AuthCalls.assertError(AuthCalls.call(hub, "GET", "/v1/responses/" + id, null, other), 404, "not_found_error", "response_not_found");
        AuthCalls.assertError(AuthCalls.call(hub, "GET", "/v1/responses/" + id + "/input_items", null, other), 404, "not_found_error", "response_not_found");
        AuthCalls.assertError(AuthCalls.call(hub, "DELETE", "/v1/responses/" + id, null, other), 404, "not_found_error", "response_not_found");
        AuthCalls.assertError(AuthCalls.call(hub, "POST", "/v1/responses",
                "{\"model\":\"sandbox/chat\",\"input\":\"hi\",\"previous_response_id\":\"" + id + "\"}", other), 400, "invalid_request_error", "previous_response_not_found");
        assertThat(hub.get("/v1/responses/" + id).status()).isEqualTo(200);
        // Its own responses it does see.
        TestHub.Response own = AuthCalls.call(hub, "POST", "/v1/responses", "{\"model\":\"sandbox/chat\",\"input\":\"hi\"}", other);
        assertThat(AuthCalls.call(hub, "GET", "/v1/responses/" + own.json().path("id").asText(), null, other).status()).isEqualTo(200);
    }

    @Test
    void noCredentialIsRefused() {
        TestHub.Response r = hub.send("POST", "/v1/responses", "{\"model\":\"sandbox/chat\",\"input\":\"hi\"}", null, Map.of());
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("authentication_error");
    }

    @Test
    void imageInputAndInstructionsAreAccepted() {
        JsonNode r = create("{\"model\":\"sandbox/chat\",\"instructions\":\"Be brief.\",\"input\":[{\"type\":\"message\",\"role\":\"user\",\"content\":["
                + "{\"type\":\"input_text\",\"text\":\"What is in this picture?\"},"
                + "{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64,iVBORw0KGgo=\"}]}]}");
        assertThat(r.path("instructions").asText()).isEqualTo("Be brief.");
        assertThat(r.path("status").asText()).isEqualTo("completed");
    }

    @Test
    void theOpenApiDocumentListsEveryResponsesPath() {
        JsonNode paths = hub.send("GET", "/openapi.json", null, null, Map.of()).json().path("paths");
        assertThat(paths.path("/v1/responses").has("post")).isTrue();
        assertThat(paths.path("/v1/responses/{id}").has("get")).isTrue();
        assertThat(paths.path("/v1/responses/{id}").has("delete")).isTrue();
        assertThat(paths.path("/v1/responses/{id}/input_items").has("get")).isTrue();
        assertThat(paths.path("/v1/chat/completions").has("post")).isTrue();
    }
}
