package io.modelhub.providers;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.testing.AnthropicWire;
import io.modelhub.testing.AzureWire;
import io.modelhub.testing.BedrockWire;
import io.modelhub.testing.GeminiWire;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.OpenAiWire;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.Wire;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code connections} applies to every kind that calls an upstream: a stream holds its slot until it ends,
 * a whole answer until it has been read, an upstream error gives it back at once.
 */
class ConnectionLimitEveryKindTest {
    private static final String MODEL = "acme/chat-1";
    private static final String STREAM = "{\"model\":\"" + MODEL + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String WHOLE = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    static Stream<Wire> kinds() {
        return Stream.of(new OpenAiWire(), new AnthropicWire(), new AzureWire(), new GeminiWire(), new BedrockWire());
    }

    private static String yaml(MockUpstream up) {
        return "providers:\n" + up.providerYaml("p0") + "    connections: {max: 1, queue: 0}\n"
                + "models:\n  - id: " + MODEL + "\n    capabilities: [streaming]\n    offerings:\n"
                + "      - provider: p0\n        upstream_model: up-model-0\n"
                + "routing: {breaker: {consecutive_failures: 1000, min_calls: 1000}}\n";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aStreamHoldsTheOneSlotUntilItEndsAndEveryEndGivesItBack(Wire wire) {
        try (MockUpstream up = new MockUpstream(wire); TestHub hub = TestHub.start(yaml(up))) {
            up.always(new MockUpstream.Answer("one two three", 3, 0));
            up.holdStreams();
            try (TestHub.StreamResponse held = hub.stream("/v1/chat/completions", STREAM, TestHub.ADMIN_KEY)) {
                assertThat(held.status()).isEqualTo(200);
                assertThat(held.nextData()).isNotNull();
                TestHub.Response refused = hub.post("/v1/chat/completions", WHOLE);
                assertThat(refused.status()).as(refused.body()).isEqualTo(503);
                assertThat(refused.header("retry-after")).isEqualTo("1");
                assertThat(refused.json().path("error").path("code").asText()).isEqualTo("connection_limit_reached");
                up.releaseStreams();
                assertThat(held.rest().getLast()).isEqualTo("[DONE]");
            }
            // whole answers and upstream errors one after another: each finds the slot free
            for (int i = 0; i < 3; i++) {
                assertThat(hub.post("/v1/chat/completions", WHOLE).status()).isEqualTo(200);
            }
            up.always(new MockUpstream.Fail(500, null));
            for (int i = 0; i < 3; i++) {
                assertThat(hub.post("/v1/chat/completions", WHOLE).status()).isEqualTo(502);
            }
            up.always(new MockUpstream.Answer("back", 2, 0));
            assertThat(hub.post("/v1/chat/completions", WHOLE).status()).isEqualTo(200);
        }
    }
}
