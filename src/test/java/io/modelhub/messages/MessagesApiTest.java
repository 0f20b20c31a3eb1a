package io.modelhub.messages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UpstreamAndHub;
import io.modelhub.testing.UsageRows;
import io.modelhub.usage.UsageRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Anthropic Messages API in front of an OpenAI-speaking upstream: translated both ways, field by field. */
class MessagesApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> ANTHROPIC = Map.of("x-api-key", TestHub.ADMIN_KEY, "anthropic-version", "2023-06-01");

    @RegisterExtension
    final UpstreamAndHub env = new UpstreamAndHub("mockai", "acme/chat-1");

    private TestHub.Response messages(String body) {
        return env.hub().send("POST", "/v1/messages", body, null, ANTHROPIC);
    }

    @Test
    void plainMessageIsTranslatedToChatAndBackWithTheKeyInXApiKey() {
        TestHub.Response r = messages("""
                {"model":"acme/chat-1","max_tokens":300,
                 "system":[{"type":"text","text":"You are terse."},{"type":"text","text":"Answer in English.","cache_control":{"type":"ephemeral"}}],
                 "messages":[{"role":"user","content":"Hello"},{"role":"assistant","content":[{"type":"text","text":"Hi."}]},
                             {"role":"user","content":[{"type":"text","text":"How are you?"}]}],
                 "stop_sequences":["END"],"temperature":0.3,"top_p":0.9,"top_k":40,"metadata":{"user_id":"u-42"}}""");
        assertThat(r.status()).isEqualTo(200);
        JsonNode m = r.json();
        assertThat(m.path("id").asText()).startsWith("msg_");
        assertThat(m.path("type").asText()).isEqualTo("message");
        assertThat(m.path("role").asText()).isEqualTo("assistant");
        assertThat(m.path("model").asText()).isEqualTo("acme/chat-1");
        assertThat(m.path("content")).hasSize(1);
        assertThat(m.path("content").get(0).path("type").asText()).isEqualTo("text");
        assertThat(m.path("content").get(0).path("text").asText()).isEqualTo("Hello from the mock");
        assertThat(m.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(m.path("stop_sequence").isNull()).isTrue();
        assertThat(m.path("usage").path("input_tokens").asLong()).isEqualTo(11);
        assertThat(m.path("usage").path("output_tokens").asLong()).isEqualTo(7);
        assertThat(r.header("x-modelhub-provider")).isEqualTo("mockai");
        assertThat(r.header("request-id")).isEqualTo(r.header("x-request-id"));

        JsonNode sent = env.upstream().last().body();
        assertThat(env.upstream().last().path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.path("model").asText()).isEqualTo("upstream-acme-chat-1");
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(300);
        assertThat(sent.path("messages")).hasSize(4);
        assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(sent.path("messages").get(0).path("content").asText()).isEqualTo("You are terse.\n\nAnswer in English.");
        assertThat(sent.path("messages").get(1).path("content").asText()).isEqualTo("Hello");
        assertThat(sent.path("messages").get(2).path("role").asText()).isEqualTo("assistant");
        assertThat(sent.path("messages").get(2).path("content").asText()).isEqualTo("Hi.");
        assertThat(sent.path("messages").get(3).path("content").asText()).isEqualTo("How are you?");
        assertThat(sent.path("stop")).hasSize(1);
        assertThat(sent.path("stop").get(0).asText()).isEqualTo("END");
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(sent.path("top_p").asDouble()).isEqualTo(0.9);
        // top_k reaches only providers that list it (API.md section 4); this one does not, so it is dropped and named.
        assertThat(sent.has("top_k")).isFalse();
        assertThat(r.header("x-modelhub-dropped-params")).contains("top_k");
        assertThat(sent.path("user").asText()).isEqualTo("u-42");
        assertThat(sent.has("system")).isFalse();
        assertThat(sent.has("metadata")).isFalse();
        assertThat(sent.has("stop_sequences")).isFalse();
    }

    @Test
    void settingsWithoutAChatEquivalentAreNotForwardedAndAreNamed() {
        TestHub.Response r = messages("{\"model\":\"acme/chat-1\",\"max_tokens\":10,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
                + "\"service_tier\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\",\"cache_control\":{\"type\":\"ephemeral\"}}]}]}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-modelhub-dropped-params")).contains("thinking").contains("service_tier");
        JsonNode sent = env.upstream().last().body();
        assertThat(sent.has("thinking")).isFalse();
        assertThat(sent.has("service_tier")).isFalse();
        assertThat(sent.path("messages").get(0).path("content").asText()).isEqualTo("hi");
    }

    @Test
    void bearerCredentialIsAcceptedToo() {
        TestHub.Response r = env.hub().send("POST", "/v1/messages",
                "{\"model\":\"acme/chat-1\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", TestHub.ADMIN_KEY, Map.of());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("type").asText()).isEqualTo("message");
    }

    @Test
    void toolsToolUseToolResultAndImagesAreTranslatedBothWays() {
        TestHub.Response r = messages("""
                {"model":"acme/chat-1","max_tokens":200,
                 "tools":[{"name":"get_weather","description":"Weather in a city","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}],
                 "tool_choice":{"type":"any","disable_parallel_tool_use":true},
                 "messages":[
                   {"role":"user","content":[{"type":"text","text":"What is in this picture, and the weather?"},
                                             {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
                                             {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]},
                   {"role":"assistant","content":[{"type":"text","text":"Let me check."},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
                   {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"18 C"}]},
                                             {"type":"text","text":"And tomorrow?"}]}]}""");
        assertThat(r.status()).isEqualTo(200);
        JsonNode m = r.json();
        assertThat(m.path("stop_reason").asText()).isEqualTo("tool_use");
        JsonNode use = m.path("content").get(0);
        assertThat(use.path("type").asText()).isEqualTo("tool_use");
        assertThat(use.path("id").asText()).isEqualTo("call_mock");
        assertThat(use.path("name").asText()).isEqualTo("get_weather");
        assertThat(use.path("input").isObject()).isTrue();

        JsonNode sent = env.upstream().last().body();
        JsonNode fn = sent.path("tools").get(0);
        assertThat(fn.path("type").asText()).isEqualTo("function");
        assertThat(fn.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(fn.path("function").path("description").asText()).isEqualTo("Weather in a city");
        assertThat(fn.path("function").path("parameters").path("required").get(0).asText()).isEqualTo("city");
        assertThat(sent.path("tool_choice").asText()).isEqualTo("required");
        assertThat(sent.path("parallel_tool_calls").asBoolean(true)).isFalse();
        JsonNode msgs = sent.path("messages");
        assertThat(msgs).hasSize(4);
        JsonNode parts = msgs.get(0).path("content");
        assertThat(parts.get(0).path("type").asText()).isEqualTo("text");
        assertThat(parts.get(1).path("image_url").path("url").asText()).isEqualTo("data:image/png;base64,iVBORw0KGgo=");
        assertThat(parts.get(2).path("image_url").path("url").asText()).isEqualTo("https://example.com/cat.jpg");
        JsonNode assistant = msgs.get(1);
        assertThat(assistant.path("content").asText()).isEqualTo("Let me check.");
        assertThat(assistant.path("tool_calls").get(0).path("id").asText()).isEqualTo("toolu_1");
        assertThat(assistant.path("tool_calls").get(0).path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(assistant.path("tool_calls").get(0).path("function").path("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(msgs.get(2).path("role").asText()).isEqualTo("tool");
        assertThat(msgs.get(2).path("tool_call_id").asText()).isEqualTo("toolu_1");
        assertThat(msgs.get(2).path("content").asText()).isEqualTo("18 C");
        assertThat(msgs.get(3).path("role").asText()).isEqualTo("user");
        assertThat(msgs.get(3).path("content").asText()).isEqualTo("And tomorrow?");
    }

    @Test
    void imagesInAToolResultFollowAsUserContent() {
        TestHub.Response r = messages("""
                {"model":"acme/chat-1","max_tokens":20,"tools":[{"name":"screenshot","input_schema":{"type":"object"}}],
                 "messages":[{"role":"user","content":"Take a screenshot"},
                   {"role":"assistant","content":[{"type":"tool_use","id":"toolu_9","name":"screenshot","input":{}}]},
                   {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_9","content":[
                       {"type":"text","text":"Here it is"},{"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/"}}]}]}]}""");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode msgs = env.upstream().last().body().path("messages");
        assertThat(msgs).hasSize(4);
        assertThat(msgs.get(1).path("content").isNull()).isTrue();
        assertThat(msgs.get(2).path("role").asText()).isEqualTo("tool");
        assertThat(msgs.get(2).path("content").asText()).isEqualTo("Here it is");
        assertThat(msgs.get(3).path("role").asText()).isEqualTo("user");
        assertThat(msgs.get(3).path("content").get(0).path("image_url").path("url").asText()).isEqualTo("data:image/jpeg;base64,/9j/");
    }

    @Test
    void toolChoiceToolAndNoneTakeTheirOpenAiForms() {
        String tools = "\"tools\":[{\"name\":\"lookup\",\"input_schema\":{\"type\":\"object\"}}]";
        messages("{\"model\":\"acme/chat-1\",\"max_tokens\":5," + tools + ",\"tool_choice\":{\"type\":\"tool\",\"name\":\"lookup\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        JsonNode choice = env.upstream().last().body().path("tool_choice");
        assertThat(choice.path("type").asText()).isEqualTo("function");
        assertThat(choice.path("function").path("name").asText()).isEqualTo("lookup");
        TestHub.Response none = messages("{\"model\":\"acme/chat-1\",\"max_tokens\":5," + tools + ",\"tool_choice\":{\"type\":\"none\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(env.upstream().last().body().path("tool_choice").asText()).isEqualTo("none");
        assertThat(none.json().path("stop_reason").asText()).isEqualTo("end_turn");
    }

    @Test
    void lengthFinishIsMaxTokens() {
        env.upstream().then(new MockUpstream.Raw("""
                {"id":"chatcmpl-x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"cut"},"finish_reason":"length"}],
                 "usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""", List.of()));
        JsonNode m = messages("{\"model\":\"acme/chat-1\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").json();
        assertThat(m.path("stop_reason").asText()).isEqualTo("max_tokens");
        assertThat(m.path("id").asText()).isEqualTo("msg_chatcmpl-x");
    }

    @Test
    void streamIsTranslatedEventByEventWithUsageAtTheEnd() {
        List<JsonNode> events = stream("{\"model\":\"acme/chat-1\",\"max_tokens\":50,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        List<String> types = types(events);
        assertThat(types).containsExactly("message_start", "ping", "content_block_start", "content_block_delta", "content_block_delta",
                "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        JsonNode start = events.get(0).path("message");
        assertThat(start.path("id").asText()).startsWith("msg_");
        assertThat(start.path("role").asText()).isEqualTo("assistant");
        assertThat(start.path("model").asText()).isEqualTo("acme/chat-1");
        assertThat(start.path("content")).isEmpty();
        assertThat(events.get(2).path("content_block").path("type").asText()).isEqualTo("text");
        StringBuilder text = new StringBuilder();
        for (JsonNode e : events) {
            if (e.path("type").asText().equals("content_block_delta")) {
                assertThat(e.path("index").asInt()).isZero();
                assertThat(e.path("delta").path("type").asText()).isEqualTo("text_delta");
                text.append(e.path("delta").path("text").asText());
            }
        }
        assertThat(text.toString()).isEqualTo("t0 t1 t2 t3 t4 ");
        JsonNode delta = events.get(9);
        assertThat(delta.path("delta").path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(delta.path("usage").path("output_tokens").asLong()).isEqualTo(5);
        assertThat(delta.path("usage").path("input_tokens").asLong()).isEqualTo(11);
        assertThat(env.upstream().last().body().path("stream").asBoolean()).isTrue();
        assertThat(env.upstream().last().body().path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @Test
    void streamedEventsReachTheClientBeforeTheUpstreamEnds() {
        env.upstream().always(new MockUpstream.Answer("x", 4, 0));
        env.upstream().holdStreams();
        try (TestHub.StreamResponse s = env.hub().stream("/v1/messages",
                "{\"model\":\"acme/chat-1\",\"max_tokens\":50,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", TestHub.ADMIN_KEY)) {
            // The upstream holds back its last token until released: these arrive while it is still sending.
            List<String> early = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                early.add(s.nextData());
            }
            assertThat(early.get(0)).contains("message_start");
            assertThat(early.get(3)).contains("\"text\":\"t0 \"");
            assertThat(early.get(5)).contains("\"text\":\"t2 \"");
            env.upstream().releaseStreams();
            List<String> rest = s.rest();
            assertThat(rest.getFirst()).contains("\"text\":\"t3 \"");
            assertThat(rest.getLast()).contains("message_stop");
        }
    }

    @Test
    void aClientLeavingMidStreamCancelsTheUpstreamAndTheCallIsStillMetered() throws Exception {
        UsageRows rows = UsageRows.attach(env.hub());
        env.upstream().always(new MockUpstream.Answer("x", 200, 20));
        try (TestHub.StreamResponse s = env.hub().stream("/v1/messages",
                "{\"model\":\"acme/chat-1\",\"max_tokens\":500,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", TestHub.ADMIN_KEY)) {
            assertThat(s.nextData()).contains("message_start");
            assertThat(s.nextData()).contains("ping");
            assertThat(s.nextData()).contains("content_block_start");
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while ((env.upstream().cancelledStreams() == 0 || rows.records().isEmpty()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(env.upstream().cancelledStreams()).isEqualTo(1);
        UsageRecord r = rows.records().getFirst();
        assertThat(r.errorType()).isEqualTo("client_disconnected");
        assertThat(r.promptTokens()).isPositive();
    }

    @Test
    void streamedToolCallsBecomeToolUseBlocksWithInputJsonDeltas() {
        String head = "{\"id\":\"chatcmpl-t\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":";
        env.upstream().then(new MockUpstream.Raw(null, List.of(
                head + "{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}",
                head + "{\"content\":\"Checking.\"},\"finish_reason\":null}]}",
                head + "{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}",
                head + "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]},\"finish_reason\":null}]}",
                head + "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]},\"finish_reason\":null}]}",
                head + "{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]},\"finish_reason\":null}]}",
                head + "{},\"finish_reason\":\"tool_calls\"}]}",
                "{\"id\":\"chatcmpl-t\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":9,\"total_tokens\":29}}")));
        List<JsonNode> events = stream("{\"model\":\"acme/chat-1\",\"max_tokens\":50,\"stream\":true,"
                + "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}},{\"name\":\"get_time\",\"input_schema\":{\"type\":\"object\"}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]}");
        assertThat(types(events)).containsExactly("message_start", "ping",
                "content_block_start", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop");
        JsonNode firstTool = events.get(5);
        assertThat(firstTool.path("index").asInt()).isEqualTo(1);
        assertThat(firstTool.path("content_block").path("type").asText()).isEqualTo("tool_use");
        assertThat(firstTool.path("content_block").path("id").asText()).isEqualTo("call_a");
        assertThat(firstTool.path("content_block").path("name").asText()).isEqualTo("get_weather");
        assertThat(firstTool.path("content_block").path("input").isObject()).isTrue();
        assertThat(events.get(6).path("delta").path("type").asText()).isEqualTo("input_json_delta");
        assertThat(events.get(6).path("delta").path("partial_json").asText() + events.get(7).path("delta").path("partial_json").asText())
                .isEqualTo("{\"city\":\"Paris\"}");
        assertThat(events.get(9).path("index").asInt()).isEqualTo(2);
        assertThat(events.get(9).path("content_block").path("name").asText()).isEqualTo("get_time");
        assertThat(events.get(12).path("delta").path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(events.get(12).path("usage").path("output_tokens").asLong()).isEqualTo(9);
    }

    @Test
    void upstreamDyingMidStreamEndsWithAnAnthropicErrorEvent() {
        env.upstream().always(new MockUpstream.DieMidStream(3));
        List<JsonNode> events = stream("{\"model\":\"acme/chat-1\",\"max_tokens\":50,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        JsonNode last = events.getLast();
        assertThat(last.path("type").asText()).isEqualTo("error");
        assertThat(last.path("error").path("type").asText()).isEqualTo("api_error");
        assertThat(last.path("error").path("message").asText()).contains("mockai");
        assertThat(types(events)).startsWith("message_start", "ping", "content_block_start").doesNotContain("message_stop");
    }

    @Test
    void usageIsMeteredAsOneCallOfTheModel() {
        UsageRows rows = UsageRows.attach(env.hub());
        messages("{\"model\":\"acme/chat-1\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        stream("{\"model\":\"acme/chat-1\",\"max_tokens\":10,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        List<UsageRecord> records = rows.flush().records();
        assertThat(records).hasSize(2);
        assertThat(records).allMatch(r -> r.model().equals("acme/chat-1") && "mockai".equals(r.provider()) && r.status() == 200);
        assertThat(records.get(0).promptTokens()).isEqualTo(11);
        assertThat(records.get(0).completionTokens()).isEqualTo(7);
        assertThat(records.get(1).completionTokens()).isEqualTo(5);
    }

    @Test
    void callsAreCountedInTheMetricsByRoute() {
        messages("{\"model\":\"acme/chat-1\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        String metrics = env.hub().get("/metrics").body();
        assertThat(metrics).containsPattern("modelhub_http_requests_seconds_count\\{[^}]*route=\"/v1/messages\"[^}]*status=\"200\"");
    }

    @Test
    void countTokensAnswersAnEstimateWithoutCallingTheUpstream() {
        int before = env.upstream().received().size();
        TestHub.Response r = env.hub().send("POST", "/v1/messages/count_tokens",
                "{\"model\":\"acme/chat-1\",\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\",\"content\":\"How many tokens is this sentence?\"}],"
                        + "\"tools\":[{\"name\":\"t\",\"input_schema\":{\"type\":\"object\"}}]}", null, ANTHROPIC);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("input_tokens").asLong()).isGreaterThan(5);
        assertThat(env.upstream().received()).hasSize(before);
        TestHub.Response longer = env.hub().send("POST", "/v1/messages/count_tokens",
                "{\"model\":\"acme/chat-1\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "word ".repeat(200) + "\"}]}", null, ANTHROPIC);
        assertThat(longer.json().path("input_tokens").asLong()).isGreaterThan(r.json().path("input_tokens").asLong());
    }

    private List<JsonNode> stream(String body) {
        List<JsonNode> out = new ArrayList<>();
        try (TestHub.StreamResponse s = env.hub().stream("/v1/messages", body, TestHub.ADMIN_KEY)) {
            assertThat(s.status()).isEqualTo(200);
            assertThat(s.header("content-type")).startsWith("text/event-stream");
            for (String data : s.rest()) {
                try {
                    out.add(JSON.readTree(data));
                } catch (Exception e) {
                    throw new AssertionError("not JSON: " + data, e);
                }
            }
        }
        return out;
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.path("type").asText()).toList();
    }
}
