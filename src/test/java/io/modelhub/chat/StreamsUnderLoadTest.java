package io.modelhub.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UpstreamAndHub;
import io.modelhub.testing.UsageRows;
import io.modelhub.usage.UsageRecord;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Correctness with many streams at once (the figures live in bench/streams.sh, not here): every stream
 * completes, every one is metered, and clients that leave mid-stream lose nothing and leak nothing.
 */
class StreamsUnderLoadTest {
    static final String STREAM = "{\"model\":\"acme/chat-1\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @RegisterExtension
    final UpstreamAndHub env = new UpstreamAndHub("mockai", "acme/chat-1");

    @Test
    void everyOneOfManyConcurrentStreamsCompletesAndIsMetered() throws Exception {
        env.upstream().noRecording().always(new MockUpstream.Answer("one two three four five six", 6, 20));
        UsageRows rows = UsageRows.attach(env.hub());
        int streams = 300;
        AtomicInteger complete = new AtomicInteger();
        List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
        runAtOnce(streams, () -> {
            try {
                String all = stream(false);
                if (all.startsWith("HTTP/1.1 200") && all.contains("data: [DONE]") && all.contains("\"t5 \"")) {
                    complete.incrementAndGet();
                } else {
                    problems.add(all.length() > 400 ? all.substring(0, 400) : all);
                }
            } catch (IOException e) {
                problems.add(e.toString());
            }
            return null;
        });
        assertThat(complete.get()).as("streams that did not complete: %s", problems).isEqualTo(streams);
        List<UsageRecord> records = await(rows, streams);
        assertThat(records).hasSize(streams)
                .allSatisfy(r -> {
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.errorType()).isNull();
                    assertThat(r.completionTokens()).isEqualTo(6);
                    assertThat(r.promptTokens()).isEqualTo(11);
                });
        assertThat(records.stream().map(UsageRecord::requestId).distinct()).hasSize(streams);
    }

    @Test
    void clientsLeavingMidStreamAreMeteredAndTheirUpstreamCallsCancelled() throws Exception {
        env.upstream().noRecording().always(new MockUpstream.Answer("a b c d e f g h i j k l m n o p q r s t", 20, 50));
        UsageRows rows = UsageRows.attach(env.hub());
        int streams = 100;
        AtomicInteger index = new AtomicInteger();
        AtomicInteger complete = new AtomicInteger();
        runAtOnce(streams, () -> {
            boolean leave = index.getAndIncrement() % 2 == 0;
            try {
                String all = stream(leave);
                if (!leave && all.contains("data: [DONE]")) {
                    complete.incrementAndGet();
                }
            } catch (IOException e) {
                // a client that leaves may see its own socket fail
            }
            return null;
        });
        assertThat(complete.get()).isEqualTo(streams / 2);
        List<UsageRecord> records = await(rows, streams);
        assertThat(records.stream().filter(r -> "client_disconnected".equals(r.errorType()))).hasSize(streams / 2);
        assertThat(records.stream().filter(r -> r.errorType() == null)).hasSize(streams / 2)
                .allSatisfy(r -> assertThat(r.completionTokens()).isEqualTo(20));
        // Tokens spent before the client left are still counted (estimated), never metered as zero.
        assertThat(records.stream().filter(r -> r.errorType() != null)).allSatisfy(r -> assertThat(r.promptTokens()).isPositive());
        for (int i = 0; i < 200 && env.upstream().cancelledStreams() < streams / 2; i++) {
            Thread.sleep(20);
        }
        assertThat(env.upstream().cancelledStreams()).isEqualTo(streams / 2);
        // and the hub still serves
        try (TestHub.StreamResponse s = env.hub().stream("/v1/chat/completions", STREAM, TestHub.ADMIN_KEY)) {
            assertThat(s.rest().getLast()).isEqualTo("[DONE]");
        }
    }

    /** One stream on its own connection; with {@code leave}, the client closes after the first content chunk. */
    private String stream(boolean leave) throws IOException {
        byte[] request = ("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + TestHub.ADMIN_KEY + "\r\nContent-Length: " + STREAM.length()
                + "\r\nConnection: close\r\n\r\n" + STREAM).getBytes(StandardCharsets.US_ASCII);
        int port = java.net.URI.create(env.hub().baseUrl()).getPort();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
            s.setSoTimeout(60_000);
            s.getOutputStream().write(request);
            InputStream in = s.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                if (leave && seen.indexOf("\"content\":\"t0") >= 0) {
                    return seen.toString();
                }
                if (seen.indexOf("data: [DONE]") >= 0) {
                    break;
                }
            }
            return seen.toString();
        }
    }

    private static void runAtOnce(int n, Supplier<Void> task) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                task.get();
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(120_000);
        }
    }

    private static List<UsageRecord> await(UsageRows rows, int expected) throws InterruptedException {
        for (int i = 0; i < 500 && rows.records().size() < expected; i++) {
            Thread.sleep(20);
        }
        return List.copyOf(rows.records());
    }
}
