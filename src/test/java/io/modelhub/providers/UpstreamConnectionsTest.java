package io.modelhub.providers;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UpstreamAndHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class UpstreamConnectionsTest {
    static final String HI = "{\"model\":\"acme/chat-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String STREAM = "{\"model\":\"acme/chat-1\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    @RegisterExtension
    final UpstreamAndHub env = new UpstreamAndHub("mockai", "acme/chat-1");

    @Test
    void sequentialCallsReuseOneKeptAliveConnection() {
        for (int i = 0; i < 10; i++) {
            assertThat(env.hub().post("/v1/chat/completions", HI).status()).isEqualTo(200);
            try (TestHub.StreamResponse s = env.hub().stream("/v1/chat/completions", STREAM, TestHub.ADMIN_KEY)) {
                assertThat(s.rest().getLast()).isEqualTo("[DONE]");
            }
        }
        assertThat(env.upstream().connections()).isEqualTo(1);
    }

    @Test
    void aConnectionTheUpstreamClosedWhileIdleIsReplacedWithoutTheClientNoticing() {
        env.upstream().dropIdleConnections();
        for (int i = 0; i < 5; i++) {
            assertThat(env.hub().post("/v1/chat/completions", HI).status()).isEqualTo(200);
        }
        assertThat(env.upstream().received()).hasSize(5);
    }

    @Test
    void anAbandonedStreamsConnectionIsNotReused() throws Exception {
        env.upstream().always(new MockUpstream.Answer("x", 100, 20));
        try (TestHub.StreamResponse s = env.hub().stream("/v1/chat/completions", STREAM, TestHub.ADMIN_KEY)) {
            s.nextData();
        }
        Thread.sleep(300);
        env.upstream().always(new MockUpstream.Answer("ok", 1, 0));
        assertThat(env.hub().post("/v1/chat/completions", HI).status()).isEqualTo(200);
        assertThat(env.upstream().connections()).isEqualTo(2);
    }
}
