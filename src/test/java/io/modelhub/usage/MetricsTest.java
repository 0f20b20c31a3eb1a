package io.modelhub.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {
    static final String CHAT = "{\"model\":\"acme/chat-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String STREAM = "{\"model\":\"acme/chat-1\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void metricsExposeRequestsLatencyTokensErrorsQueueAndBreakersWithoutACredential() {
        try (MockUpstream upstream = new MockUpstream();
             TestHub hub = TestHub.start(TestHub.oneProvider("mockai", upstream, "acme/chat-1"))) {
            hub.hub().metrics().breakerStates(() -> Map.of("mockai/acme/chat-1", "open"));
            hub.post("/v1/chat/completions", CHAT);
            try (TestHub.StreamResponse s = hub.stream("/v1/chat/completions", STREAM, TestHub.ADMIN_KEY)) {
                s.rest();
            }
            upstream.always(new MockUpstream.Fail(503, null));
            hub.post("/v1/chat/completions", CHAT);
            hub.hub().usageWriter().flush();

            List<String> expected = List.of(
                    "modelhub_http_requests_seconds_count{method=\"POST\",route=\"/v1/chat/completions\",status=\"200\"}",
                    "modelhub_http_requests_seconds_count{method=\"POST\",route=\"/v1/chat/completions\",status=\"502\"} 1",
                    "modelhub_inference_duration_seconds_bucket{model=\"acme/chat-1\",provider=\"mockai\",le=",
                    "modelhub_inference_ttft_seconds_count{model=\"acme/chat-1\",provider=\"mockai\"} 1",
                    "modelhub_inference_calls_total{model=\"acme/chat-1\",outcome=\"ok\",provider=\"mockai\"} 2",
                    "modelhub_tokens_total{model=\"acme/chat-1\",provider=\"mockai\",type=\"prompt\"} 22",
                    "modelhub_tokens_total{model=\"acme/chat-1\",provider=\"mockai\",type=\"completion\"} 12",
                    "modelhub_inference_errors_total{provider=\"none\",type=\"upstream_error\"} 1",
                    "modelhub_upstream_errors_total{kind=\"http_503\",provider=\"mockai\"} ",
                    "modelhub_usage_queue_depth",
                    "modelhub_usage_queue_full_total 0",
                    "modelhub_usage_records_written_total{path=\"batch\"}",
                    "modelhub_circuit_breaker_state{breaker=\"mockai/acme/chat-1\",state=\"open\"} 1",
                    "modelhub_cost_usd_total{model=\"acme/chat-1\",provider=\"mockai\"}");
            // Meters are updated just after each answer is sent: scrape until the last call has been counted.
            String text = "";
            for (int i = 0; i < 200; i++) {
                TestHub.Response r = hub.send("GET", "/metrics", null, null, Map.of());
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("content-type")).startsWith("text/plain");
                text = r.body();
                String t = text;
                if (expected.stream().allMatch(t::contains)) {
                    break;
                }
                hub.hub().usageWriter().flush();
                UsageMeteringTest.sleep(25);
            }
            for (String e : expected) {
                assertThat(text).contains(e);
            }
        }
    }

    @Test
    void anOpenCircuitBreakerShowsInTheMetrics() {
        try (MockUpstream upstream = new MockUpstream();
             TestHub hub = TestHub.start(TestHub.oneProvider("mockai", upstream, "acme/chat-1")
                     + "routing: {breaker: {consecutive_failures: 1, open_ms: 60000}}\n")) {
            upstream.always(new MockUpstream.Fail(500, null));
            hub.post("/v1/chat/completions", CHAT);
            assertThat(hub.send("GET", "/metrics", null, null, Map.of()).body())
                    .contains("modelhub_circuit_breaker_state{breaker=\"mockai|acme/chat-1\",state=\"open\"} 1");
        }
    }

    @Test
    void metricsCanBeMadeAdminOnly() {
        try (TestHub hub = TestHub.start("metrics: {require_admin: true}")) {
            TestHub.Response anonymous = hub.send("GET", "/metrics", null, null, Map.of());
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.json().path("error").path("type").asText()).isEqualTo("authentication_error");
            TestHub.Response admin = hub.get("/metrics");
            assertThat(admin.status()).isEqualTo(200);
            assertThat(admin.body()).contains("modelhub_usage_queue_depth");
        }
    }
}
