package io.modelhub.responses;

import static io.modelhub.responses.OpenAiSchema.assertValid;
import static io.modelhub.responses.OpenAiSchema.assertValidEvent;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.testing.AuthCalls;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UpstreamAndHub;
import io.modelhub.testing.UsageRows;
import io.modelhub.usage.UsageRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /v1/responses} in front of an upstream that speaks only chat completions (the raw-socket mock):
 * what the upstream receives is the chat translation of the request, and its answers (whole, streamed,
 * failing) come back as Responses objects and events.
 */
class ResponsesTranslationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "acme/chat-1";

    @RegisterExtension
    final UpstreamAndHub fixture = new UpstreamAndHub("mockai", MODEL);

    TestHub hub() {
        return fixture.hub();
    }

    MockUpstream upstream() {
        return fixture.upstream();
    }

    static JsonNode read(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new AssertionError(s, e);
        }
    }

    List<JsonNode> events(String body) {
        List<JsonNode> events = new ArrayList<>();
        try (TestHub.StreamResponse s = hub().stream("/v1/responses", body, TestHub.ADMIN_KEY)) {
            assertThat(s.status()).isEqualTo(200);
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

    @Test
    void theUpstreamReceivesTheChatTranslationOfEveryField() {
        String body = """
                {"model":"acme/chat-1","instructions":"You are terse.","temperature":0.3,"top_p":0.9,"max_output_tokens":50,
                 "user":"u-1","parallel_tool_calls":false,"tool_choice":{"type":"function","name":"get_weather"},
                 "tools":[{"type":"function","name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":true}],
                 "text":{"format":{"type":"json_schema","name":"w","schema":{"type":"object"},"strict":true}},
                 "input":[
                   {"role":"developer","content":"Use metric units."},
                   {"type":"message","role":"user","content":[{"type":"input_text","text":"Weather in Paris?"},{"type":"input_image","image_url":"https://example.com/p.png","detail":"low"}]},
                   {"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"},
                   {"type":"function_call","call_id":"call_2","name":"get_weather","arguments":"{\\"city\\":\\"Lyon\\"}"},
                   {"type":"function_call_output","call_id":"call_1","output":"Sunny"},
                   {"type":"function_call_output","call_id":"call_2","output":[{"type":"input_text","text":"Rainy"}]},
                   {"role":"assistant","content":"Paris is sunny, Lyon rainy."},
                   {"role":"user","content":"Thanks"}]}
                """;
        TestHub.Response r = hub().post("/v1/responses", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertValid(r.json(), "Response");
        JsonNode sent = upstream().last().body();
        assertThat(upstream().last().path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.path("model").asText()).isEqualTo("upstream-acme-chat-1");
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(sent.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(50);
        assertThat(sent.path("user").asText()).isEqualTo("u-1");
        assertThat(sent.path("parallel_tool_calls").asBoolean(true)).isFalse();
        assertThat(sent.path("tool_choice")).isEqualTo(read("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}"));
        assertThat(sent.path("tools").get(0)).isEqualTo(read("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Weather\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}},\"strict\":true}}"));
        assertThat(sent.path("response_format")).isEqualTo(read("{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"w\",\"schema\":{\"type\":\"object\"},\"strict\":true}}"));
        assertThat(sent.has("input") || sent.has("instructions") || sent.has("text") || sent.has("max_output_tokens")).isFalse();
        JsonNode messages = sent.path("messages");
        assertThat(messages).hasSize(8);
        assertThat(messages.get(0)).isEqualTo(read("{\"role\":\"system\",\"content\":\"You are terse.\"}"));
        assertThat(messages.get(1)).isEqualTo(read("{\"role\":\"developer\",\"content\":\"Use metric units.\"}"));
        assertThat(messages.get(2)).isEqualTo(read("{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Weather in Paris?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/p.png\",\"detail\":\"low\"}}]}"));
        assertThat(messages.get(3).path("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(3).path("tool_calls")).hasSize(2);
        assertThat(messages.get(3).path("tool_calls").get(1)).isEqualTo(read("{\"id\":\"call_2\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Lyon\\\"}\"}}"));
        assertThat(messages.get(4)).isEqualTo(read("{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"Sunny\"}"));
        assertThat(messages.get(5)).isEqualTo(read("{\"role\":\"tool\",\"tool_call_id\":\"call_2\",\"content\":\"Rainy\"}"));
        assertThat(messages.get(6)).isEqualTo(read("{\"role\":\"assistant\",\"content\":\"Paris is sunny, Lyon rainy.\"}"));
        assertThat(messages.get(7)).isEqualTo(read("{\"role\":\"user\",\"content\":\"Thanks\"}"));
    }

    @Test
    void aWholeChatAnswerWithToolCallsBecomesFunctionCallItemsAndUsage() {
        TestHub.Response r = hub().post("/v1/responses", "{\"model\":\"acme/chat-1\",\"input\":\"hi\",\"tools\":[{\"type\":\"function\",\"name\":\"lookup\"}]}");
        assertThat(r.status()).isEqualTo(200);
        JsonNode response = r.json();
        assertValid(response, "Response");
        JsonNode call = response.path("output").get(0);
        assertThat(call.path("type").asText()).isEqualTo("function_call");
        assertThat(call.path("call_id").asText()).isEqualTo("call_mock");
        assertThat(call.path("name").asText()).isEqualTo("lookup");
        assertThat(call.path("arguments").asText()).isEqualTo("{}");
        // The mock reports 11 prompt and 7 completion tokens: the Response says so, and the call is metered and priced so.
        assertThat(response.path("usage").path("input_tokens").asLong()).isEqualTo(11);
        assertThat(response.path("usage").path("output_tokens").asLong()).isEqualTo(7);
        assertThat(response.path("usage").path("total_tokens").asLong()).isEqualTo(18);
        assertThat(r.header("x-modelhub-provider")).isEqualTo("mockai");
        assertThat(r.header("x-ratelimit-limit-requests")).isNotNull();
    }

    @Test
    void aStreamedChatAnswerBecomesResponsesEventsWithTheUpstreamUsage() {
        upstream().always(new MockUpstream.Answer("unused", 4, 0));
        List<JsonNode> events = events("{\"model\":\"acme/chat-1\",\"input\":\"hi\",\"stream\":true}");
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e.path("type").asText().equals("response.output_text.delta")).forEach(e -> text.append(e.path("delta").asText()));
        assertThat(text.toString()).isEqualTo("t0 t1 t2 t3 ");
        JsonNode completed = events.getLast();
        assertThat(completed.path("type").asText()).isEqualTo("response.completed");
        assertThat(completed.path("response").path("usage").path("input_tokens").asLong()).isEqualTo(11);
        assertThat(completed.path("response").path("usage").path("output_tokens").asLong()).isEqualTo(4);
        // The hub always asks a streaming upstream for usage.
        assertThat(upstream().last().body().path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @Test
    void streamedToolCallChunksBecomeFunctionCallItemsOneAfterTheOther() {
        String head = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":";
        upstream().always(new MockUpstream.Chunks(List.of(
                head + "{\"role\":\"assistant\",\"content\":\"Let me check.\"},\"finish_reason\":null}]}",
                head + "{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}",
                head + "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]},\"finish_reason\":null}]}",
                head + "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]},\"finish_reason\":null}]}",
                head + "{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]},\"finish_reason\":null}]}",
                head + "{},\"finish_reason\":\"tool_calls\"}]}",
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":12,\"total_tokens\":42}}")));
        List<JsonNode> events = events("{\"model\":\"acme/chat-1\",\"input\":\"weather and time?\",\"stream\":true,\"tools\":["
                + "{\"type\":\"function\",\"name\":\"get_weather\"},{\"type\":\"function\",\"name\":\"get_time\"}]}");
        List<String> types = events.stream().map(e -> e.path("type").asText()).toList();
        assertThat(types).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done",
                "response.completed");
        assertThat(events.get(11).path("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(events.get(11).path("output_index").asInt()).isEqualTo(1);
        assertThat(events.get(15).path("name").asText()).isEqualTo("get_time");
        assertThat(events.get(15).path("output_index").asInt()).isEqualTo(2);
        JsonNode output = events.getLast().path("response").path("output");
        assertThat(output).hasSize(3);
        assertThat(output.get(0).path("content").get(0).path("text").asText()).isEqualTo("Let me check.");
        assertThat(output.get(1).path("call_id").asText()).isEqualTo("call_a");
        assertThat(output.get(2).path("call_id").asText()).isEqualTo("call_b");
        assertThat(events.getLast().path("response").path("usage").path("total_tokens").asLong()).isEqualTo(42);
    }

    @Test
    void anUpstreamDyingMidStreamEndsWithAnErrorEventAndResponseFailed() {
        upstream().always(new MockUpstream.DieMidStream(3));
        List<JsonNode> events = events("{\"model\":\"acme/chat-1\",\"input\":\"hi\",\"stream\":true}");
        List<String> types = events.stream().map(e -> e.path("type").asText()).toList();
        assertThat(types.getFirst()).isEqualTo("response.created");
        assertThat(types).contains("response.output_text.delta", "response.output_item.done");
        assertThat(types.subList(types.size() - 2, types.size())).containsExactly("error", "response.failed");
        JsonNode failed = events.getLast().path("response");
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("error").path("message").asText()).contains("mockai");
        assertThat(failed.path("output").get(0).path("status").asText()).isEqualTo("incomplete");
        assertThat(events.get(events.size() - 2).path("message").asText()).doesNotContain("upstream-secret");
        // The failed response is kept, as OpenAI keeps failed responses.
        assertThat(hub().get("/v1/responses/" + failed.path("id").asText()).json().path("status").asText()).isEqualTo("failed");
    }

    @Test
    void anUpstreamThatFailsBeforeAnsweringIs502InOpenAisErrorShape() {
        upstream().always(new MockUpstream.Fail(500, null));
        TestHub.Response r = hub().post("/v1/responses", "{\"model\":\"acme/chat-1\",\"input\":\"hi\"}");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("upstream_error");
        TestHub.Response s = hub().post("/v1/responses", "{\"model\":\"acme/chat-1\",\"input\":\"hi\",\"stream\":true}");
        assertThat(s.status()).isEqualTo(502);
    }

    @Test
    void aContinuedConversationSendsTheWholeHistoryUpstream() {
        upstream().always(new MockUpstream.Answer("Nice to meet you, Ada", 3, 0));
        String first = hub().post("/v1/responses", "{\"model\":\"acme/chat-1\",\"instructions\":\"Be kind.\",\"input\":\"I am Ada\"}").json().path("id").asText();
        TestHub.Response second = hub().post("/v1/responses", "{\"model\":\"acme/chat-1\",\"previous_response_id\":\"" + first + "\",\"input\":\"Who am I?\"}");
        assertThat(second.status()).isEqualTo(200);
        JsonNode messages = upstream().last().body().path("messages");
        // Instructions are not carried over from the previous response, as in OpenAI's API.
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0)).isEqualTo(read("{\"role\":\"user\",\"content\":\"I am Ada\"}"));
        assertThat(messages.get(1)).isEqualTo(read("{\"role\":\"assistant\",\"content\":\"Nice to meet you, Ada\"}"));
        assertThat(messages.get(2)).isEqualTo(read("{\"role\":\"user\",\"content\":\"Who am I?\"}"));
    }

    @Test
    void everyResponseIsMeteredAsOneUsageRecordOfItsModel() throws Exception {
        UsageRows rows = UsageRows.attach(hub());
        hub().post("/v1/responses", "{\"model\":\"acme/chat-1\",\"input\":\"hi\"}");
        events("{\"model\":\"acme/chat-1\",\"input\":\"hi\",\"stream\":true}");
        // A stream is metered as it ends, which may be just after the client has read its last event.
        for (int i = 0; i < 500 && rows.records().size() < 2; i++) {
            Thread.sleep(20);
        }
        assertThat(rows.records()).hasSize(2);
        for (UsageRecord u : rows.records()) {
            assertThat(u.model()).isEqualTo(MODEL);
            assertThat(u.provider()).isEqualTo("mockai");
            assertThat(u.promptTokens()).isEqualTo(11);
            assertThat(u.status()).isEqualTo(200);
            assertThat(u.costUsd()).isPositive();
        }
        assertThat(rows.records().get(0).completionTokens()).isEqualTo(7);
        assertThat(rows.records().get(1).completionTokens()).isEqualTo(5);
    }

    @Test
    void aClientLeavingMidStreamCancelsTheUpstreamAndNothingIsStored() throws Exception {
        UsageRows rows = UsageRows.attach(hub());
        upstream().always(new MockUpstream.Answer("x", 200, 20));
        String id;
        try (TestHub.StreamResponse s = hub().stream("/v1/responses", "{\"model\":\"acme/chat-1\",\"input\":\"hi\",\"stream\":true}", TestHub.ADMIN_KEY)) {
            id = read(s.nextData()).path("response").path("id").asText();
            while (!read(s.nextData()).path("type").asText().equals("response.output_text.delta")) {
                // read up to the first delta
            }
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while ((upstream().cancelledStreams() == 0 || rows.records().isEmpty()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(upstream().cancelledStreams()).isEqualTo(1);
        assertThat(rows.records()).hasSize(1);
        assertThat(rows.records().getFirst().errorType()).isEqualTo("client_disconnected");
        assertThat(hub().get("/v1/responses/" + id).status()).isEqualTo(404);
    }

    @Test
    void aKeyIsHeldToItsAllowedModelsAndItsRateLimit() {
        String narrow = AuthCalls.createKey(hub(), "{\"name\":\"narrow\",\"scopes\":[\"read\"],\"allowed_models\":[\"sandbox/chat\"]}").path("key").asText();
        AuthCalls.assertError(AuthCalls.call(hub(), "POST", "/v1/responses", "{\"model\":\"acme/chat-1\",\"input\":\"hi\"}", narrow),
                403, "permission_error", "model_not_allowed");
        String slow = AuthCalls.createKey(hub(), "{\"name\":\"slow\",\"scopes\":[\"read\"],\"rpm\":1}").path("key").asText();
        assertThat(AuthCalls.call(hub(), "POST", "/v1/responses", "{\"model\":\"acme/chat-1\",\"input\":\"hi\"}", slow).status()).isEqualTo(200);
        TestHub.Response limited = AuthCalls.call(hub(), "POST", "/v1/responses", "{\"model\":\"acme/chat-1\",\"input\":\"hi\"}", slow);
        AuthCalls.assertError(limited, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(limited.header("retry-after")).isNotNull();
        assertThat(upstream().received()).hasSize(1);
    }

    @Test
    void eventsReachTheClientWhileTheUpstreamIsStillSending() {
        upstream().always(new MockUpstream.Answer("x", 4, 0));
        // The upstream holds back its last token until released: the first deltas must arrive before that.
        upstream().holdStreams();
        try (TestHub.StreamResponse s = hub().stream("/v1/responses", "{\"model\":\"acme/chat-1\",\"input\":\"hi\",\"stream\":true}", TestHub.ADMIN_KEY)) {
            List<String> deltas = new ArrayList<>();
            while (deltas.size() < 3) {
                JsonNode e = read(s.nextData());
                if (e.path("type").asText().equals("response.output_text.delta")) {
                    deltas.add(e.path("delta").asText());
                }
            }
            assertThat(deltas).containsExactly("t0 ", "t1 ", "t2 ");
            upstream().releaseStreams();
            List<String> rest = s.rest();
            assertThat(read(rest.getFirst()).path("delta").asText()).isEqualTo("t3 ");
            assertThat(read(rest.getLast()).path("type").asText()).isEqualTo("response.completed");
        }
    }
}
