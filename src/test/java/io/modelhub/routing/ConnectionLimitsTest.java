package io.modelhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.catalog.ProviderStatus;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Per-provider connection limits ({@code connections: {max, queue, queue_timeout_ms}}) on a real hub in
 * front of mock upstreams: slots held by streams, a bounded queue, refusals that fall back or end in 503
 * with Retry-After, breakers left alone, and no slot lost on any path.
 */
class ConnectionLimitsTest {
    private static final String MODEL = "acme/chat";
    private static final String STREAM = "{\"model\":\"" + MODEL + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String WHOLE = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private final Map<String, MockUpstream> mocks = new LinkedHashMap<>();
    private final List<TestHub.StreamResponse> open = new ArrayList<>();
    private TestHub hub;
    private int breakerFailures = 3;

    /** A hub whose model is served by each provider in turn; {@code connections} is YAML of that provider's block, or null. */
    private TestHub start(String... idAndConnections) {
        StringBuilder y = new StringBuilder("providers:\n");
        StringBuilder offerings = new StringBuilder();
        for (int i = 0; i < idAndConnections.length; i += 2) {
            String id = idAndConnections[i];
            MockUpstream m = new MockUpstream();
            mocks.put(id, m);
            y.append("""
                      - id: %s
                        kind: openai
                        base_url: %s
                        api_key: key-%s
                        timeouts: {connect_ms: 1000, first_byte_ms: 400, idle_ms: 2000}
                    """.formatted(id, m.baseUrl(), id));
            if (idAndConnections[i + 1] != null) {
                y.append("    connections: ").append(idAndConnections[i + 1]).append('\n');
            }
            offerings.append("      - provider: ").append(id).append("\n        upstream_model: up-").append(id).append('\n');
        }
        y.append("models:\n  - id: ").append(MODEL).append("\n    capabilities: [streaming]\n    offerings:\n").append(offerings);
        y.append("routing: {policy: priority, max_attempts: 3, backoff: {base_ms: 10, max_ms: 40},"
                + " breaker: {consecutive_failures: " + breakerFailures + ", min_calls: 1000, open_ms: 60000}}\n");
        hub = TestHub.start(y.toString());
        return hub;
    }

    @AfterEach
    void stop() {
        open.forEach(TestHub.StreamResponse::close);
        if (hub != null) {
            hub.close();
        }
        mocks.values().forEach(MockUpstream::close);
    }

    /** Opens a stream and reads its first chunk: from then on it holds a slot until it ends. */
    private TestHub.StreamResponse holding() {
        TestHub.StreamResponse s = hub.stream("/v1/chat/completions", STREAM, TestHub.ADMIN_KEY);
        open.add(s);
        assertThat(s.status()).isEqualTo(200);
        String data = s.nextData();
        for (int i = 0; i < 3 && data != null && !data.contains("\"t0 \""); i++) {
            data = s.nextData();
        }
        assertThat(data).contains("\"t0 \"");
        return s;
    }

    private double gauge(String name, String provider) {
        String metrics = hub.get("/metrics").body();
        Matcher m = Pattern.compile("(?m)^" + name + "\\{provider=\"" + provider + "\"} ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private void awaitGauge(String name, String provider, double value) throws InterruptedException {
        for (int i = 0; i < 250 && gauge(name, provider) != value; i++) {
            Thread.sleep(20);
        }
        assertThat(gauge(name, provider)).as(name).isEqualTo(value);
    }

    private static void assertLimitReached(TestHub.Response r, String retryAfter) {
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        assertThat(r.header("retry-after")).isEqualTo(retryAfter);
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("unavailable_error");
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("connection_limit_reached");
        assertThat(r.json().path("error").path("message").asText()).contains("connection limit is reached");
    }

    @Test
    void aThirdStreamWaitsForASlotAndAFourthCallIsRefusedWith503AndRetryAfter() throws Exception {
        start("alpha", "{max: 2, queue: 1, queue_timeout_ms: 5000}");
        MockUpstream alpha = mocks.get("alpha");
        alpha.always(new MockUpstream.Answer("one two three", 3, 0));
        alpha.holdStreams();
        TestHub.StreamResponse first = holding();
        TestHub.StreamResponse second = holding();
        assertThat(gauge("modelhub_upstream_connections_in_flight", "alpha")).isEqualTo(2);

        CompletableFuture<List<String>> third = CompletableFuture.supplyAsync(() -> {
            try (TestHub.StreamResponse s = hub.stream("/v1/chat/completions", STREAM, TestHub.ADMIN_KEY)) {
                assertThat(s.status()).isEqualTo(200);
                return s.rest();
            }
        });
        awaitGauge("modelhub_upstream_connections_queued", "alpha", 1);
        assertThat(alpha.received()).hasSize(2);

        TestHub.Response fourth = hub.post("/v1/chat/completions", WHOLE);
        assertLimitReached(fourth, "5");
        assertThat(fourth.json().path("error").path("message").asText()).contains("alpha");
        assertThat(alpha.received()).as("a refused call is never sent").hasSize(2);
        assertThat(third).isNotDone();

        alpha.releaseStreams();
        assertThat(first.rest().getLast()).isEqualTo("[DONE]");
        assertThat(second.rest().getLast()).isEqualTo("[DONE]");
        assertThat(third.get(10, TimeUnit.SECONDS)).last().isEqualTo("[DONE]");
        assertThat(alpha.received()).hasSize(3);
        awaitGauge("modelhub_upstream_connections_in_flight", "alpha", 0);
        assertThat(hub.get("/metrics").body()).contains("modelhub_upstream_connections_rejected_total{provider=\"alpha\"} 1.0",
                "modelhub_upstream_connections_max{provider=\"alpha\"} 2.0");
    }

    @Test
    void aCallRefusedByOneProvidersLimitFallsBackToTheNextOffering() {
        start("alpha", "{max: 1, queue: 0}", "beta", null);
        mocks.get("alpha").always(new MockUpstream.Answer("one two three", 3, 0));
        mocks.get("alpha").holdStreams();
        holding();
        TestHub.Response r = hub.post("/v1/chat/completions", WHOLE);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("x-modelhub-provider")).isEqualTo("beta");
        assertThat(r.header("x-modelhub-attempts")).isEqualTo("2");
        assertThat(mocks.get("alpha").received()).hasSize(1);
        mocks.get("alpha").releaseStreams();
    }

    @Test
    void aCallQueuedPastItsTimeoutGets503AndTheBreakerStaysClosed() {
        start("alpha", "{max: 1, queue: 1, queue_timeout_ms: 200}");
        MockUpstream alpha = mocks.get("alpha");
        alpha.always(new MockUpstream.Answer("one two three", 3, 0));
        alpha.holdStreams();
        TestHub.StreamResponse held = holding();
        io.modelhub.testing.UsageRows rows = io.modelhub.testing.UsageRows.attach(hub);
        // More refusals than the breaker's consecutive_failures (3): none of them may count.
        for (int i = 0; i < 5; i++) {
            long started = System.nanoTime();
            TestHub.Response r = hub.post("/v1/chat/completions", WHOLE);
            assertLimitReached(r, "1");
            assertThat(r.json().path("error").path("message").asText()).contains("no slot within 200 ms");
            assertThat(System.nanoTime() - started).as("it waited its queue timeout").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(190));
        }
        assertThat(hub.hub().router().breakerStates()).containsEntry("alpha|" + MODEL, CircuitBreaker.State.CLOSED);
        assertThat(hub.hub().health().status("alpha")).isEqualTo(ProviderStatus.HEALTHY);
        assertThat(hub.get("/v1/models/" + MODEL + "/providers/alpha").json().path("stats").path("calls").asLong()).isZero();
        assertThat(alpha.received()).hasSize(1);
        // metered as any call every provider failed: the status and error, no tokens, no cost
        io.modelhub.usage.UsageRecord refused = rows.awaitRecord(1);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.errorType()).isEqualTo("unavailable_error");
        assertThat(refused.promptTokens()).isZero();
        assertThat(refused.completionTokens()).isZero();
        assertThat(refused.costUsd()).isIn(null, 0.0);

        alpha.releaseStreams();
        assertThat(held.rest().getLast()).isEqualTo("[DONE]");
        TestHub.Response after = hub.post("/v1/chat/completions", WHOLE);
        assertThat(after.status()).as(after.body()).isEqualTo(200);
        assertThat(after.header("x-modelhub-provider")).isEqualTo("alpha");
    }

    @Test
    void onTheMessagesApiTheRefusalIsAnthropicShapedWithRetryAfter() {
        start("alpha", "{max: 1, queue: 0}");
        mocks.get("alpha").always(new MockUpstream.Answer("one two three", 3, 0));
        mocks.get("alpha").holdStreams();
        holding();
        TestHub.Response r = hub.post("/v1/messages",
                "{\"model\":\"" + MODEL + "\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.status()).as(r.body()).isEqualTo(529);
        assertThat(r.header("retry-after")).isEqualTo("1");
        assertThat(r.json().path("type").asText()).isEqualTo("error");
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("overloaded_error");
        assertThat(r.json().path("error").path("message").asText()).contains("connection limit is reached");
        mocks.get("alpha").releaseStreams();
    }

    @Test
    void noSlotIsLostAfterDisconnectsUpstreamErrorsAndTimeouts() throws Exception {
        breakerFailures = 1000;
        start("alpha", "{max: 3, queue: 100, queue_timeout_ms: 10000}");
        MockUpstream alpha = mocks.get("alpha");

        // clients that leave mid-stream
        alpha.always(new MockUpstream.Answer("a b c d e f g h i j k l m n o p q r s t", 20, 30));
        runAtOnce(12, () -> leaveAfterFirstChunk());
        // upstream errors, resets before any answer, streams cut midway, first-byte timeouts, whole answers
        alpha.always(new MockUpstream.Fail(500, null));
        runAtOnce(6, () -> hub.post("/v1/chat/completions", WHOLE));
        alpha.always(new MockUpstream.Reset());
        runAtOnce(6, () -> hub.post("/v1/chat/completions", STREAM));
        alpha.always(new MockUpstream.DieMidStream(2));
        runAtOnce(6, () -> hub.post("/v1/chat/completions", STREAM));
        alpha.always(new MockUpstream.SlowFirstChunk(800, new MockUpstream.Answer("late", 1, 0)));
        runAtOnce(4, () -> hub.post("/v1/chat/completions", STREAM));
        alpha.always(new MockUpstream.Answer("fine", 2, 0));
        runAtOnce(12, () -> hub.post("/v1/chat/completions", WHOLE));

        awaitGauge("modelhub_upstream_connections_in_flight", "alpha", 0);
        assertThat(gauge("modelhub_upstream_connections_queued", "alpha")).isZero();

        // every one of the max slots is free: that many streams hold one each, at once, without waiting
        alpha.always(new MockUpstream.Answer("one two three", 3, 0));
        alpha.holdStreams();
        long started = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            holding();
        }
        assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(5));
        assertThat(gauge("modelhub_upstream_connections_in_flight", "alpha")).isEqualTo(3);
        assertThat(gauge("modelhub_upstream_connections_queued", "alpha")).isZero();
        alpha.releaseStreams();
        for (TestHub.StreamResponse s : open) {
            assertThat(s.rest().getLast()).isEqualTo("[DONE]");
        }
        awaitGauge("modelhub_upstream_connections_in_flight", "alpha", 0);
    }

    @Test
    void responsesStreamsGiveTheirSlotBackWhenTheyEndAndWhenTheClientLeaves() throws Exception {
        breakerFailures = 1000;
        start("alpha", "{max: 2, queue: 100, queue_timeout_ms: 10000}");
        MockUpstream alpha = mocks.get("alpha");
        String responses = "{\"model\":\"" + MODEL + "\",\"stream\":true,\"store\":false,\"input\":\"hi\"}";

        alpha.always(new MockUpstream.Answer("a b c d e f g h i j k l m n o p q r s t", 20, 30));
        runAtOnce(6, () -> leaveAfter("/v1/responses", responses, "response.output_text.delta"));
        alpha.always(new MockUpstream.Answer("fine", 2, 0));
        runAtOnce(6, () -> assertThat(hub.post("/v1/responses", responses).body()).contains("response.completed"));

        awaitGauge("modelhub_upstream_connections_in_flight", "alpha", 0);
        assertThat(gauge("modelhub_upstream_connections_queued", "alpha")).isZero();
    }

    @Test
    void withoutAConnectionsBlockThereIsNoLimitAndNoGauge() {
        start("alpha", null);
        mocks.get("alpha").always(new MockUpstream.Answer("one two three", 3, 0));
        mocks.get("alpha").holdStreams();
        for (int i = 0; i < 8; i++) {
            holding();
        }
        assertThat(mocks.get("alpha").received()).hasSize(8);
        assertThat(hub.hub().router().breakerStates()).containsEntry("alpha|" + MODEL, CircuitBreaker.State.CLOSED);
        assertThat(gauge("modelhub_upstream_connections_in_flight", "alpha")).isNaN();
        mocks.get("alpha").releaseStreams();
    }

    @Test
    void aReloadThatRaisesTheLimitTakesEffectForNewCallsWhileOldStreamsFinish() throws Exception {
        MockUpstream alpha = new MockUpstream();
        mocks.put("alpha", alpha);
        java.nio.file.Path file = java.nio.file.Files.createTempFile("modelhub", ".yaml");
        String yaml = """
                providers:
                  - id: alpha
                    kind: openai
                    base_url: %s
                    api_key: key-alpha
                    connections: {max: %%d, queue: 0}
                models:
                  - id: %s
                    capabilities: [streaming]
                    offerings:
                      - provider: alpha
                        upstream_model: up-alpha
                """.formatted(alpha.baseUrl(), MODEL);
        java.nio.file.Files.writeString(file, yaml.formatted(1));
        hub = TestHub.startFromFile(file, Map.of());
        alpha.always(new MockUpstream.Answer("one two three", 3, 0));
        alpha.holdStreams();
        TestHub.StreamResponse held = holding();
        assertLimitReached(hub.post("/v1/chat/completions", WHOLE), "5");

        java.nio.file.Files.writeString(file, yaml.formatted(2));
        TestHub.Response reload = hub.post("/v1/catalog/reload", "");
        assertThat(reload.status()).as(reload.body()).isEqualTo(200);
        assertThat(gauge("modelhub_upstream_connections_max", "alpha")).isEqualTo(2);
        TestHub.StreamResponse fresh = holding();
        assertThat(gauge("modelhub_upstream_connections_in_flight", "alpha")).isEqualTo(1);
        alpha.releaseStreams();
        assertThat(held.rest().getLast()).isEqualTo("[DONE]");
        assertThat(fresh.rest().getLast()).isEqualTo("[DONE]");
        awaitGauge("modelhub_upstream_connections_in_flight", "alpha", 0);
        java.nio.file.Files.deleteIfExists(file);
    }

    /** One stream on its own connection; the client closes it after the first content chunk. */
    private void leaveAfterFirstChunk() {
        leaveAfter("/v1/chat/completions", STREAM, "\"content\":\"t0");
    }

    /** Opens a stream on {@code path} and hangs up as soon as {@code marker} has been read. */
    private void leaveAfter(String path, String body, String marker) {
        byte[] request = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + TestHub.ADMIN_KEY + "\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", hub.hub().port()), 10_000);
            s.setSoTimeout(20_000);
            s.getOutputStream().write(request);
            InputStream in = s.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                if (seen.indexOf(marker) >= 0) {
                    return;
                }
            }
            throw new AssertionError("the stream ended before its first chunk: " + seen);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void runAtOnce(int n, Runnable task) throws Exception {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                all.add(CompletableFuture.runAsync(task, threads));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
    }
}
