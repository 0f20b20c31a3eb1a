package io.modelhub.providers;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UpstreamConnectionsTest {
    static final String HI = "{\"model\":\"acme/chat-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String STREAM = "{\"model\":\"acme/chat-1\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    MockUpstream upstream;
    TestHub hub;

    @BeforeEach
    void start() {
        upstream = new MockUpstream();
        hub = TestHub.start(TestHub.oneProvider("mockai", upstream, "acme/chat-1"));
    }

    @AfterEach
    void stop() {
        hub.close();
        upstream.close();
    }

    @Test
    void sequentialCallsReuseOneKeptAliveConnection() {
        for (int i = 0; i < 10; i++) {
            assertThat(hub.post("/v1/chat/completions", HI).status()).isEqualTo(200);
            try (TestHub.StreamResponse s = hub.stream("/v1/chat/completions", STREAM, TestHub.ADMIN_KEY)) {
                assertThat(s.rest().getLast()).isEqualTo("[DONE]");
            }
        }
        assertThat(upstream.connections()).isEqualTo(1);
    }

    @Test
    void aConnectionTheUpstreamClosedWhileIdleIsReplacedWithoutTheClientNoticing() {
        upstream.dropIdleConnections();
        for (int i = 0; i < 5; i++) {
            assertThat(hub.post("/v1/chat/completions", HI).status()).isEqualTo(200);
        }
        assertThat(upstream.received()).hasSize(5);
    }

    @Test
    void anAbandonedStreamsConnectionIsNotReused() throws Exception {
        upstream.always(new MockUpstream.Answer("x", 100, 20));
        try (TestHub.StreamResponse s = hub.stream("/v1/chat/completions", STREAM, TestHub.ADMIN_KEY)) {
            s.nextData();
        }
        Thread.sleep(300);
        upstream.always(new MockUpstream.Answer("ok", 1, 0));
        assertThat(hub.post("/v1/chat/completions", HI).status()).isEqualTo(200);
        assertThat(upstream.connections()).isEqualTo(2);
    }
}
