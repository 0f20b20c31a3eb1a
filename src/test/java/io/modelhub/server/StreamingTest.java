package io.modelhub.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UpstreamAndHub;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StreamingTest {
    static final String STREAM = "{\"model\":\"acme/chat-1\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    @RegisterExtension
    final UpstreamAndHub env = new UpstreamAndHub("mockai", "acme/chat-1");

    @Test
    void streamReachesClientBeforeUpstreamEnds() {
        env.upstream().always(new MockUpstream.Answer("x", 4, 0));
        env.upstream().holdStreams();
        try (TestHub.StreamResponse s = env.hub().stream("/v1/chat/completions", STREAM, TestHub.ADMIN_KEY)) {
            // The upstream holds back its last token until released: these arrive while it is still sending.
            List<String> early = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                early.add(s.nextData());
            }
            assertThat(early.get(1)).contains("\"content\":\"t0 \"");
            assertThat(early.get(3)).contains("\"content\":\"t2 \"");
            env.upstream().releaseStreams();
            List<String> rest = s.rest();
            assertThat(rest.getFirst()).contains("\"content\":\"t3 \"");
            assertThat(rest.getLast()).isEqualTo("[DONE]");
        }
    }

    @Test
    void clientDisconnectMidStreamCancelsTheUpstreamRequest() throws Exception {
        env.upstream().always(new MockUpstream.Answer("x", 200, 20));
        try (TestHub.StreamResponse s = env.hub().stream("/v1/chat/completions", STREAM, TestHub.ADMIN_KEY)) {
            assertThat(s.nextData()).contains("assistant");
            assertThat(s.nextData()).contains("t0");
        }
        long deadline = System.currentTimeMillis() + 5000;
        while (env.upstream().cancelledStreams() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(env.upstream().cancelledStreams()).isEqualTo(1);
    }

    @Test
    void upstreamDyingMidStreamEndsTheClientStreamWithAnErrorEvent() {
        env.upstream().always(new MockUpstream.DieMidStream(3));
        try (TestHub.StreamResponse s = env.hub().stream("/v1/chat/completions", STREAM, TestHub.ADMIN_KEY)) {
            assertThat(s.status()).isEqualTo(200);
            List<String> events = s.rest();
            assertThat(events).hasSize(4);
            assertThat(events.getLast()).contains("\"type\":\"upstream_error\"").contains("mockai");
            assertThat(events).doesNotContain("[DONE]");
        }
    }

    @Test
    void silenceBetweenChunksLongerThanIdleTimeoutEndsStreamWithTimeoutEvent() {
        // idle_ms is 1000 in TestHub.oneProvider
        env.upstream().always(new MockUpstream.Answer("x", 3, 1600));
        try (TestHub.StreamResponse s = env.hub().stream("/v1/chat/completions", STREAM, TestHub.ADMIN_KEY)) {
            List<String> events = s.rest();
            assertThat(events.getLast()).contains("\"type\":\"upstream_timeout\"");
            assertThat(events).doesNotContain("[DONE]");
        }
    }

    @Test
    void firstChunkLaterThanFirstByteTimeoutIs504BeforeAnythingIsSent() {
        // first_byte_ms is 2000 in TestHub.oneProvider
        env.upstream().always(new MockUpstream.SlowFirstChunk(3500, new MockUpstream.Answer("x", 2, 0)));
        try (TestHub.StreamResponse s = env.hub().stream("/v1/chat/completions", STREAM, TestHub.ADMIN_KEY)) {
            assertThat(s.status()).isEqualTo(504);
            assertThat(String.join("", s.rest())).isEmpty();
        }
    }
}
