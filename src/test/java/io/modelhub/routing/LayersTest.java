package io.modelhub.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.catalog.Capability;
import io.modelhub.catalog.Offering;
import io.modelhub.catalog.ProviderInfo;
import io.modelhub.config.HubConfig;
import io.modelhub.providers.ChatCall;
import io.modelhub.providers.EventStream;
import io.modelhub.providers.Provider;
import io.modelhub.providers.UpstreamException;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.providers.openai.OpenAiProvider;
import io.modelhub.providers.sandbox.SandboxProvider;
import io.modelhub.api.Json;
import io.modelhub.testing.MockUpstream;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decorators around a provider, each on its own, over real providers. */
class LayersTest {
    private final ObjectMapper json = Json.newMapper();
    private final Offering offering = new Offering("m/x", "p", "chat", null, null, null, null, Map.of(),
            EnumSet.allOf(Capability.class), null, null);

    private ChatCall streamCall() throws Exception {
        ObjectNode body = (ObjectNode) json.readTree(
                "{\"model\":\"chat\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"one two three\"}]}");
        return new ChatCall("req_1", offering, body, true);
    }

    @Test
    void anObservedStreamIsMeasuredWhenItEndsNotWhenItStarts() throws Exception {
        Measurements measured = new Measurements(10);
        Provider p = new ObservedProvider(new SandboxProvider(json, Duration.ZERO), measured);
        UpstreamReply.Streaming s = (UpstreamReply.Streaming) p.chat(streamCall());
        try (EventStream events = s.events()) {
            assertThat(events.next()).isNotNull();
            assertThat(measured.of(offering).calls()).isZero();
            while (events.next() != null) {
                // read to the end
            }
        }
        assertThat(measured.of(offering).calls()).isEqualTo(1);
        assertThat(measured.of(offering).successRate()).isEqualTo(1.0);
        assertThat(measured.of(offering).tokensPerSecond()).isPositive();
    }

    @Test
    void aStreamClosedEarlyTellsNothingAboutTheUpstream() throws Exception {
        Measurements measured = new Measurements(10);
        Breakers breakers = new Breakers(new HubConfig.Breaker(1, 0.5, 1, Duration.ofSeconds(30)), 10, System::nanoTime);
        Provider p = new ObservedProvider(new SandboxProvider(json, Duration.ZERO), CallListener.all(breakers, measured));
        UpstreamReply.Streaming s = (UpstreamReply.Streaming) p.chat(streamCall());
        s.events().next();
        s.events().close();
        assertThat(measured.of(offering).calls()).isZero();
        assertThat(breakers.of(offering).state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aStreamWhoseFirstEventIsNotJsonFailsBeforeItCountsAsAnswered() throws Exception {
        try (MockUpstream mock = new MockUpstream().always(new MockUpstream.InvalidJson());
                OpenAiProvider upstream = new OpenAiProvider(new ProviderInfo("p", "P", "openai", mock.baseUrl(), null, false, false,
                        HubConfig.Timeouts.DEFAULT, null, "test"), json)) {
            Provider p = new FirstEventProvider(upstream, json.getFactory());
            assertThatThrownBy(() -> p.chat(streamCall()))
                    .isInstanceOfSatisfying(UpstreamException.class, e -> assertThat(e.kind()).isEqualTo(UpstreamException.Kind.PROTOCOL));
        }
    }

    @Test
    void aStreamHeldForItsFirstEventStillRelaysEveryEvent() throws Exception {
        try (MockUpstream mock = new MockUpstream().always(new MockUpstream.Answer("x", 3, 0));
                OpenAiProvider upstream = new OpenAiProvider(new ProviderInfo("p", "P", "openai", mock.baseUrl(), null, false, false,
                        HubConfig.Timeouts.DEFAULT, null, "test"), json)) {
            Provider p = new FirstEventProvider(upstream, json.getFactory());
            UpstreamReply.Streaming s = (UpstreamReply.Streaming) p.chat(streamCall());
            int events = 0;
            try (EventStream e = s.events()) {
                while (e.next() != null) {
                    events++;
                }
            }
            // role chunk, 3 content chunks, finish chunk, usage chunk
            assertThat(events).isEqualTo(6);
        }
    }
}
