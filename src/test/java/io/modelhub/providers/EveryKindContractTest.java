package io.modelhub.providers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.testing.AnthropicWire;
import io.modelhub.testing.AzureWire;
import io.modelhub.testing.BedrockWire;
import io.modelhub.testing.GeminiWire;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.OpenAiWire;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UsageRows;
import io.modelhub.testing.Wire;
import io.modelhub.usage.UsageRecord;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chat completions contract (answers, streams, tool calls, errors, fallbacks, usage) against a
 * mock upstream of every provider kind, each speaking its own wire format: a client of the hub cannot
 * tell which kind served it.
 */
class EveryKindContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "acme/chat-1";
    private static final String TOOLS = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"description\":\"Weather of a city\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";

    static Stream<Wire> kinds() {
        return Stream.of(new OpenAiWire(), new AnthropicWire(), new AzureWire(), new GeminiWire(), new BedrockWire());
    }

    private static String yaml(MockUpstream... upstreams) {
        StringBuilder sb = new StringBuilder("providers:\n");
        for (int i = 0; i < upstreams.length; i++) {
            sb.append(upstreams[i].providerYaml("p" + i));
        }
        sb.append("models:\n  - id: ").append(MODEL).append("\n    capabilities: [streaming, tools, vision]\n    offerings:\n");
        for (int i = 0; i < upstreams.length; i++) {
            sb.append("      - provider: p").append(i).append("\n        upstream_model: up-model-").append(i)
                    .append("\n        pricing: {input_per_mtok: 1.0, output_per_mtok: 2.0}\n");
        }
        return sb.toString();
    }

    private static String ask(boolean stream, String extra) {
        return "{\"model\":\"" + MODEL + "\"" + (stream ? ",\"stream\":true" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void wholeAnswerHasTheTextFinishReasonAndUsage(Wire wire) throws Exception {
        try (MockUpstream up = new MockUpstream(wire); TestHub hub = TestHub.start(yaml(up))) {
            UsageRows rows = UsageRows.attach(hub);
            TestHub.Response r = hub.post("/v1/chat/completions", ask(false, ""));
            assertThat(r.status()).isEqualTo(200);
            JsonNode body = r.json();
            assertThat(body.path("object").asText()).isEqualTo("chat.completion");
            assertThat(body.path("choices").get(0).path("message").path("role").asText()).isEqualTo("assistant");
            assertThat(body.path("choices").get(0).path("message").path("content").asText()).isEqualTo("Hello from the mock");
            assertThat(body.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
            assertThat(body.path("usage").path("prompt_tokens").asLong()).isEqualTo(Wire.PROMPT_TOKENS);
            assertThat(body.path("usage").path("completion_tokens").asLong()).isEqualTo(Wire.COMPLETION_TOKENS);
            assertThat(r.header("x-modelhub-provider")).isEqualTo("p0");
            UsageRecord rec = rows.awaitRecord(1);
            assertThat(rec.promptTokens()).isEqualTo(Wire.PROMPT_TOKENS);
            assertThat(rec.completionTokens()).isEqualTo(Wire.COMPLETION_TOKENS);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void streamRelaysEveryTokenInOrderEndsWithDoneAndHidesUsageUnlessAsked(Wire wire) throws Exception {
        try (MockUpstream up = new MockUpstream(wire); TestHub hub = TestHub.start(yaml(up))) {
            UsageRows rows = UsageRows.attach(hub);
            List<String> events;
            try (TestHub.StreamResponse s = hub.stream("/v1/chat/completions", ask(true, ""), TestHub.ADMIN_KEY)) {
                assertThat(s.status()).isEqualTo(200);
                events = s.rest();
            }
            assertThat(events.getLast()).isEqualTo("[DONE]");
            assertThat(events).noneMatch(e -> e.contains("\"usage\":{"));
            StringBuilder text = new StringBuilder();
            String finish = null;
            for (String e : events.subList(0, events.size() - 1)) {
                JsonNode c = JSON.readTree(e);
                assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk");
                text.append(c.path("choices").get(0).path("delta").path("content").asText(""));
                if (c.path("choices").get(0).path("finish_reason").isTextual()) {
                    finish = c.path("choices").get(0).path("finish_reason").asText();
                }
            }
            assertThat(JSON.readTree(events.getFirst()).path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
            assertThat(text.toString()).isEqualTo("t0 t1 t2 t3 t4 ");
            assertThat(finish).isEqualTo("stop");
            UsageRecord rec = rows.awaitRecord(1);
            assertThat(rec.promptTokens()).isEqualTo(Wire.PROMPT_TOKENS);
            assertThat(rec.completionTokens()).isEqualTo(5);

            try (TestHub.StreamResponse s = hub.stream("/v1/chat/completions",
                    ask(true, ",\"stream_options\":{\"include_usage\":true}"), TestHub.ADMIN_KEY)) {
                events = s.rest();
            }
            JsonNode usageChunk = JSON.readTree(events.get(events.size() - 2));
            assertThat(usageChunk.path("choices").isEmpty()).isTrue();
            assertThat(usageChunk.path("usage").path("prompt_tokens").asLong()).isEqualTo(Wire.PROMPT_TOKENS);
            assertThat(usageChunk.path("usage").path("completion_tokens").asLong()).isEqualTo(5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void toolCallComesBackAsOpenAiToolCalls(Wire wire) throws Exception {
        try (MockUpstream up = new MockUpstream(wire); TestHub hub = TestHub.start(yaml(up))) {
            TestHub.Response r = hub.post("/v1/chat/completions", ask(false, TOOLS));
            assertThat(r.status()).isEqualTo(200);
            JsonNode choice = r.json().path("choices").get(0);
            assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
            JsonNode call = choice.path("message").path("tool_calls").get(0);
            assertThat(call.path("type").asText()).isEqualTo("function");
            assertThat(call.path("id").asText()).isNotBlank();
            assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
            assertThat(JSON.readTree(call.path("function").path("arguments").asText()).isObject()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void streamedToolCallArrivesAsArgumentDeltas(Wire wire) throws Exception {
        try (MockUpstream up = new MockUpstream(wire); TestHub hub = TestHub.start(yaml(up))) {
            List<String> events;
            try (TestHub.StreamResponse s = hub.stream("/v1/chat/completions", ask(true, TOOLS), TestHub.ADMIN_KEY)) {
                assertThat(s.status()).isEqualTo(200);
                events = s.rest();
            }
            StringBuilder args = new StringBuilder();
            String name = null;
            String id = null;
            String finish = null;
            for (String e : events.subList(0, events.size() - 1)) {
                JsonNode choice = JSON.readTree(e).path("choices").get(0);
                for (JsonNode tc : choice.path("delta").path("tool_calls")) {
                    assertThat(tc.path("index").asInt()).isZero();
                    if (tc.has("id")) {
                        id = tc.path("id").asText();
                        name = tc.path("function").path("name").asText();
                    }
                    args.append(tc.path("function").path("arguments").asText(""));
                }
                if (choice.path("finish_reason").isTextual()) {
                    finish = choice.path("finish_reason").asText();
                }
            }
            assertThat(id).isNotBlank();
            assertThat(name).isEqualTo("get_weather");
            assertThat(JSON.readTree(args.toString()).path("city").asText()).isEqualTo("Paris");
            assertThat(finish).isEqualTo("tool_calls");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void upstreamRejectionIs400NamingTheProviderAndItsMessage(Wire wire) throws Exception {
        try (MockUpstream up = new MockUpstream(wire); TestHub hub = TestHub.start(yaml(up))) {
            up.then(new MockUpstream.Fail(400, null));
            TestHub.Response r = hub.post("/v1/chat/completions", ask(false, ""));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().path("error").path("code").asText()).isEqualTo("upstream_rejected");
            assertThat(r.json().path("error").path("message").asText()).contains("p0").contains("mock failure 400");
            assertThat(r.body()).doesNotContain("upstream-secret");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void streamWhoseBodyEndsBeforeItsEndMarkerIsAnErrorForTranslatedKinds(Wire wire) throws Exception {
        Wire cut = new io.modelhub.testing.WireAdapter(wire) {
            @Override
            public List<byte[]> streamEnd(String model, int tokens, JsonNode body) {
                return List.of(); // the body ends cleanly, without finish reason or end event
            }
        };
        try (MockUpstream up = new MockUpstream(cut); TestHub hub = TestHub.start(yaml(up))) {
            List<String> events;
            try (TestHub.StreamResponse s = hub.stream("/v1/chat/completions", ask(true, ""), TestHub.ADMIN_KEY)) {
                assertThat(s.status()).isEqualTo(200);
                events = s.rest();
            }
            if (wire instanceof OpenAiWire) {
                assertThat(events.getLast()).isEqualTo("[DONE]"); // OpenAI-compatible servers may omit [DONE]: a clean end is an end
            } else {
                assertThat(events.getLast()).contains("\"error\"").contains("ended before");
                assertThat(events).noneMatch(e -> e.equals("[DONE]"));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void severalChoicesAreEitherAnsweredOrRefusedAs400NeverSilentlyCutToOne(Wire wire) throws Exception {
        try (MockUpstream up = new MockUpstream(wire); TestHub hub = TestHub.start(yaml(up))) {
            TestHub.Response r = hub.post("/v1/chat/completions", ask(false, ",\"n\":2"));
            if (wire instanceof OpenAiWire) {
                assertThat(r.status()).isEqualTo(200); // passed through: the upstream itself answers n
                assertThat(up.last().body().path("n").asInt()).isEqualTo(2);
            } else {
                assertThat(r.status()).isEqualTo(400);
                assertThat(r.json().path("error").path("message").asText()).contains("n > 1");
                assertThat(up.received()).isEmpty();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void overloadedOrRateLimitedUpstreamFallsBackToAnotherKind(Wire wire) throws Exception {
        try (MockUpstream first = new MockUpstream(wire); MockUpstream second = new MockUpstream(new OpenAiWire());
             TestHub hub = TestHub.start(yaml(first, second))) {
            first.always(new MockUpstream.Fail(wire instanceof AnthropicWire ? 529 : 503, null));
            TestHub.Response r = hub.post("/v1/chat/completions", ask(false, ""));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("x-modelhub-provider")).isEqualTo("p1");
            assertThat(r.header("x-modelhub-attempts")).isEqualTo("2");

            first.always(new MockUpstream.Fail(429, "0"));
            try (TestHub.StreamResponse s = hub.stream("/v1/chat/completions", ask(true, ""), TestHub.ADMIN_KEY)) {
                assertThat(s.status()).isEqualTo(200);
                assertThat(s.header("x-modelhub-provider")).isEqualTo("p1");
                assertThat(s.rest().getLast()).isEqualTo("[DONE]");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void streamThatDiesBeforeItsFirstEventFallsBackAndNothingIsSentTwice(Wire wire) throws Exception {
        try (MockUpstream first = new MockUpstream(wire); MockUpstream second = new MockUpstream(new OpenAiWire());
             TestHub hub = TestHub.start(yaml(first, second))) {
            first.then(new MockUpstream.DieMidStream(0));
            List<String> events;
            try (TestHub.StreamResponse s = hub.stream("/v1/chat/completions", ask(true, ""), TestHub.ADMIN_KEY)) {
                assertThat(s.header("x-modelhub-provider")).isEqualTo("p1");
                events = s.rest();
            }
            long roles = events.stream().filter(e -> e.contains("\"role\":\"assistant\"")).count();
            assertThat(roles).isEqualTo(1);
            assertThat(events.getLast()).isEqualTo("[DONE]");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void streamCutMidwayEndsWithAnErrorEventAndIsMeteredByEstimate(Wire wire) throws Exception {
        try (MockUpstream up = new MockUpstream(wire); TestHub hub = TestHub.start(yaml(up))) {
            UsageRows rows = UsageRows.attach(hub);
            up.then(new MockUpstream.DieMidStream(3));
            List<String> events;
            try (TestHub.StreamResponse s = hub.stream("/v1/chat/completions", ask(true, ""), TestHub.ADMIN_KEY)) {
                assertThat(s.status()).isEqualTo(200);
                events = s.rest();
            }
            assertThat(events.getLast()).contains("\"error\"");
            assertThat(events).noneMatch(e -> e.equals("[DONE]"));
            UsageRecord rec = rows.awaitRecord(1);
            assertThat(rec.promptTokens()).isPositive();
            assertThat(rec.errorType()).isNotNull();
        }
    }
}
