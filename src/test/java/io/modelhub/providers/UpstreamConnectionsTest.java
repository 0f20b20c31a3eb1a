package io.modelhub.providers;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UpstreamAndHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    @Test
    void pooledConnectionsTheUpstreamClosedAreClosedWithoutWaitingForReuse() throws Exception {
        // overlapping calls open several connections; the upstream closes each right after its answer
        env.upstream().always(new MockUpstream.Answer("x", 1, 300)).dropIdleConnections();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(pool.submit(() -> env.hub().post("/v1/chat/completions", HI).status()));
            }
            for (Future<Integer> f : calls) {
                assertThat(f.get()).isEqualTo(200);
            }
        }
        assertThat(env.upstream().connections()).isGreaterThan(1);
        long deadline = System.nanoTime() + 30_000_000_000L;
        int waiting;
        while ((waiting = closeWaitTo(env.upstream().port())) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(waiting).as("sockets to the upstream left in CLOSE-WAIT").isZero();
    }

    /** Sockets on this machine in CLOSE-WAIT (the peer closed, we did not) whose remote port is {@code port}. */
    static int closeWaitTo(int port) throws Exception {
        String hexPort = String.format(":%04X", port);
        int n = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[2].endsWith(hexPort) && f[3].equals("08")) {
                    n++;
                }
            }
        }
        return n;
    }
}
