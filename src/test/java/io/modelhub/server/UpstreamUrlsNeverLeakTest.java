package io.modelhub.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.testing.TestHub;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** A provider's base URL (its credentials, its host) never reaches a client or a log line. */
class UpstreamUrlsNeverLeakTest {
    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    static void assertNoSecret(String text) {
        assertThat(text).doesNotContain("hunter2").doesNotContain("sekret").doesNotContain("proxyuser")
                .doesNotContain("127.0.0.1").doesNotContain("://");
    }

    @Test
    void upstreamFailureNamesTheProviderAndTheKindNeverTheUrl() throws Exception {
        List<String> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                synchronized (logged) {
                    logged.add(r.getLoggerName() + ": " + r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown()));
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        int port = closedPort();
        try (TestHub hub = TestHub.start("""
                catalog: {discovery_timeout_ms: 2000, discovery_interval_seconds: 3600}
                providers:
                  - id: deadsvc
                    kind: openai
                    base_url: "http://proxyuser:hunter2@127.0.0.1:%d/v1?api-key=sekret"
                    discover: true
                    timeouts: {connect_ms: 1000, first_byte_ms: 2000, idle_ms: 1000}
                models:
                  - {id: d/m, offerings: [{provider: deadsvc, upstream_model: m}]}
                """.formatted(port))) {
            TestHub.Response r = hub.post("/v1/chat/completions", "{\"model\":\"d/m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(r.status()).as(r.body()).isIn(502, 503, 504);
            assertThat(r.body()).contains("deadsvc");
            assertNoSecret(r.body());
            String provider = hub.get("/v1/providers/deadsvc").body();
            assertThat(provider).doesNotContain("hunter2").doesNotContain("sekret");
        } finally {
            root.removeHandler(capture);
        }
        synchronized (logged) {
            assertThat(logged).anyMatch(l -> l.contains("deadsvc"));
            for (String line : logged) {
                assertThat(line).doesNotContain("hunter2").doesNotContain("sekret");
            }
        }
    }
}
