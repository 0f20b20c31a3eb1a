package io.modelhub.limits;

import static io.modelhub.testing.AuthCalls.createKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.TestStores;
import io.modelhub.testing.UsageRows;
import io.modelhub.usage.UsageRecord;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hundred calls at once against one key spend no more than its budget and take no more than its tokens
 * per minute: each call reserves its worst case before it is routed. Run on one hub (SQLite, in-process
 * limits) and on two hubs sharing PostgreSQL and Redis.
 */
class ConcurrentLimitsTest {
    static final int CALLS = 100;
    // $0.01 per prompt token and $0.02 per completion token: a mock answer (11 + 7 tokens) costs $0.25.
    static final double CALL_COST = 0.25;

    MockUpstream upstream = new MockUpstream();
    List<TestHub> hubs = new ArrayList<>();
    List<UsageRows> rows = new ArrayList<>();
    String schema;

    @AfterEach
    void stop() throws Exception {
        hubs.forEach(TestHub::close);
        upstream.close();
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(TestStores.POSTGRES_URL); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private static String yaml(MockUpstream upstream) {
        return """
                providers:
                  - id: mockai
                    kind: openai
                    base_url: %s
                    api_key: upstream-secret
                    timeouts: {connect_ms: 2000, first_byte_ms: 20000, idle_ms: 20000}
                models:
                  - id: acme/chat-1
                    offerings:
                      - provider: mockai
                        upstream_model: upstream-chat-1
                        pricing: {input_per_mtok: 10000, output_per_mtok: 20000}
                """.formatted(upstream.baseUrl());
    }

    private void oneHub() {
        hubs.add(TestHub.start(yaml(upstream)));
        rows.add(UsageRows.attach(hubs.getFirst()));
    }

    private void twoHubsOnPostgresAndRedis() throws Exception {
        schema = "cl_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try (Connection c = DriverManager.getConnection(TestStores.POSTGRES_URL); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        Map<String, String> env = Map.of("MODELHUB_STORE_URL", TestStores.POSTGRES_URL + "&currentSchema=" + schema,
                "MODELHUB_REDIS_URL", "redis://127.0.0.1:6379");
        for (int i = 0; i < 2; i++) {
            TestHub h = TestHub.start(yaml(upstream), env);
            hubs.add(h);
            rows.add(UsageRows.attach(h));
        }
    }

    /** Sends {@link #CALLS} requests at once, spread over the hubs; answers the statuses (and checks every refusal). */
    private List<Integer> burst(String key, String body, boolean stream) throws Exception {
        return burst("/v1/chat/completions", key, body, stream);
    }

    private List<Integer> burst(String path, String key, String body, boolean stream) throws Exception {
        List<Future<Integer>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CALLS; i++) {
                TestHub hub = hubs.get(i % hubs.size());
                answers.add(pool.submit(() -> {
                    if (stream) {
                        try (TestHub.StreamResponse s = hub.stream(path, body, key)) {
                            List<String> events = s.rest();
                            if (s.status() == 200) {
                                assertThat(events).last().isEqualTo("[DONE]");
                            }
                            return s.status();
                        }
                    }
                    TestHub.Response r = hub.send("POST", path, body, key, Map.of());
                    if (r.status() == 429) {
                        assertThat(r.json().path("error").path("type").asText()).isEqualTo("rate_limit_error");
                    }
                    return r.status();
                }));
            }
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> f : answers) {
            statuses.add(f.get());
        }
        return statuses;
    }

    /** The usage records of the key once there are {@code atLeast} of them (an answer may reach the client just before its record). */
    private List<UsageRecord> recordsOf(String keyId, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        List<UsageRecord> out = recordsOf(keyId);
        while (out.size() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(20);
            out = recordsOf(keyId);
        }
        return out;
    }

    private List<UsageRecord> recordsOf(String keyId) {
        List<UsageRecord> out = new ArrayList<>();
        rows.forEach(r -> r.records().stream().filter(u -> keyId.equals(u.keyId())).forEach(out::add));
        return out;
    }

    private void spendsAtMostTheBudget(boolean stream) throws Exception {
        upstream.always(new MockUpstream.SlowHeaders(300, new MockUpstream.Answer("ok", 7, 0)));
        var created = createKey(hubs.getFirst(), "{\"name\":\"capped\",\"budget_usd\":1}");
        String body = "{\"model\":\"acme/chat-1\",\"max_tokens\":7,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        List<Integer> statuses = burst(created.path("key").asText(), body, stream);
        assertThat(statuses).containsOnly(200, 429);
        long ok = statuses.stream().filter(s -> s == 200).count();
        assertThat(ok).isGreaterThanOrEqualTo(1);
        double spent = recordsOf(created.path("id").asText(), ok).stream().mapToDouble(UsageRecord::costUsd).sum();
        assertThat(spent).isCloseTo(ok * CALL_COST, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(spent).isLessThanOrEqualTo(1.0);
        // Once the calls in flight are settled, what is left of the budget can still be used... until it is not.
        var after = hubs.getFirst().send("POST", "/v1/chat/completions", body.replace(",\"stream\":true", ""),
                created.path("key").asText(), Map.of());
        assertThat(after.status()).isIn(200, 429);
        if (after.status() == 429) {
            assertThat(after.json().path("error").path("code").asText()).isEqualTo("budget_exceeded");
        }
    }

    private void takesAtMostTheTokensPerMinute() throws Exception {
        // Each stream really uses 11 + 100 tokens; with max_tokens 100 each reserves ~125 of the key's 300.
        upstream.always(new MockUpstream.SlowHeaders(300, new MockUpstream.Answer("ok", 100, 0)));
        var created = createKey(hubs.getFirst(), "{\"name\":\"tokens\",\"tpm\":300}");
        String body = "{\"model\":\"acme/chat-1\",\"max_tokens\":100,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        long started = System.nanoTime();
        List<Integer> statuses = burst(created.path("key").asText(), body, true);
        double minutes = (System.nanoTime() - started) / 60e9;
        assertThat(statuses).containsOnly(200, 429).contains(200, 429);
        long ok = statuses.stream().filter(s -> s == 200).count();
        long tokens = recordsOf(created.path("id").asText(), ok).stream().mapToLong(u -> u.promptTokens() + u.completionTokens()).sum();
        // The bucket holds 300 and refills 300 a minute: no more can have been used in the burst.
        assertThat((double) tokens).isLessThanOrEqualTo(300 + 300 * minutes);
    }

    @Test
    void aHundredConcurrentCallsSpendAtMostTheBudget() throws Exception {
        oneHub();
        spendsAtMostTheBudget(false);
    }

    @Test
    void aHundredConcurrentStreamsSpendAtMostTheBudget() throws Exception {
        oneHub();
        spendsAtMostTheBudget(true);
    }

    @Test
    void aHundredConcurrentDeploymentCallsSpendAtMostTheBudget() throws Exception {
        oneHub();
        upstream.always(new MockUpstream.SlowHeaders(300, new MockUpstream.Answer("ok", 7, 0)));
        TestHub hub = hubs.getFirst();
        String pipeline = hub.post("/v1/pipelines", """
                {"model":"acme/chat-1","steps":[{"id":"a","prompt":"{{input.q}}","max_tokens":7}]}""").json().path("id").asText();
        String dep = hub.post("/v1/pipelines/" + pipeline + "/deploy", "{}").json().path("deployment_id").asText();
        var created = createKey(hub, "{\"name\":\"capped\",\"budget_usd\":1}");
        List<Integer> statuses = burst("/v1/deployments/" + dep + "/invoke", created.path("key").asText(), "{\"inputs\":{\"q\":\"hi\"}}", false);
        assertThat(statuses).containsOnly(200, 429).contains(200);
        long ok = statuses.stream().filter(s -> s == 200).count();
        double spent = recordsOf(created.path("id").asText(), ok).stream().mapToDouble(UsageRecord::costUsd).sum();
        assertThat(spent).isCloseTo(ok * CALL_COST, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(spent).isLessThanOrEqualTo(1.0);
    }

    @Test
    void aHundredConcurrentStreamsTakeAtMostTheTokensPerMinute() throws Exception {
        oneHub();
        takesAtMostTheTokensPerMinute();
    }

    @Test
    void twoNodesWithRedisSpendAtMostTheBudgetTogether() throws Exception {
        twoHubsOnPostgresAndRedis();
        spendsAtMostTheBudget(false);
    }

    @Test
    void twoNodesWithRedisStreamAtMostTheBudgetTogether() throws Exception {
        twoHubsOnPostgresAndRedis();
        spendsAtMostTheBudget(true);
    }

    @Test
    void twoNodesWithRedisTakeAtMostTheTokensPerMinuteTogether() throws Exception {
        twoHubsOnPostgresAndRedis();
        takesAtMostTheTokensPerMinute();
    }
}
