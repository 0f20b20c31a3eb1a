package io.modelhub.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UsageRows;
import io.modelhub.usage.UsageRecord;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pipelines through a real mock upstream with prices (1 USD / 2 USD per million prompt / completion
 * tokens; the mock reports 11 prompt and 7 completion tokens per answer): usage, costs and metrics.
 */
class PipelineAccountingTest {
    static final double STEP_COST = (11 * 1.0 + 7 * 2.0) / 1_000_000.0;

    MockUpstream upstream;
    TestHub hub;
    UsageRows usage;

    @BeforeEach
    void start() {
        upstream = new MockUpstream();
        hub = TestHub.start(TestHub.oneProvider("mockai", upstream, "acme/chat-1"));
        usage = UsageRows.attach(hub);
    }

    @AfterEach
    void stop() {
        hub.close();
        upstream.close();
    }

    private String twoStepPipeline() {
        TestHub.Response r = hub.post("/v1/pipelines", """
                {"model":"acme/chat-1","temperature":0.3,"inputs":["topic"],
                 "steps":[{"id":"outline","prompt":"Outline {{input.topic}}","max_tokens":50},
                          {"id":"write","instructions":"Write well.","prompt":"Write from: {{steps.outline.output}}","temperature":0.9}]}""");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("id").asText();
    }

    @Test
    void stepsReachTheUpstreamAsRenderedChatCompletions() {
        String id = twoStepPipeline();
        TestHub.Response r = hub.post("/v1/pipelines/" + id + "/test", "{\"inputs\":{\"topic\":\"owls\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<MockUpstream.Received> got = upstream.received();
        assertThat(got).hasSize(2);
        JsonNode first = got.get(0).body();
        assertThat(first.path("model").asText()).isEqualTo("upstream-acme-chat-1");
        assertThat(first.path("messages").get(0).path("content").asText()).isEqualTo("Outline owls");
        assertThat(first.path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(first.path("max_tokens").asInt()).isEqualTo(50);
        JsonNode second = got.get(1).body();
        assertThat(second.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(second.path("messages").get(0).path("content").asText()).isEqualTo("Write well.");
        assertThat(second.path("messages").get(1).path("content").asText()).isEqualTo("Write from: Hello from the mock");
        assertThat(second.path("temperature").asDouble()).isEqualTo(0.9);

        JsonNode step = r.json().path("steps").get(1);
        assertThat(step.path("provider").asText()).isEqualTo("mockai");
        assertThat(step.path("prompt_tokens").asLong()).isEqualTo(11);
        assertThat(step.path("completion_tokens").asLong()).isEqualTo(7);
        assertThat(step.path("cost_usd").asDouble()).isCloseTo(STEP_COST, within(1e-12));
        assertThat(r.json().path("usage").path("cost_usd").asDouble()).isCloseTo(2 * STEP_COST, within(1e-12));
    }

    @Test
    void metricsKeepTestCallsApartAndAddUpToTheCallsMade() {
        String id = twoStepPipeline();
        for (int i = 0; i < 2; i++) {
            assertThat(hub.post("/v1/pipelines/" + id + "/test", "{\"inputs\":{\"topic\":\"t\"}}").status()).isEqualTo(200);
        }
        String dep = hub.post("/v1/pipelines/" + id + "/deploy", "{}").json().path("deployment_id").asText();
        for (int i = 0; i < 3; i++) {
            assertThat(hub.post("/v1/deployments/" + dep + "/invoke", "{\"inputs\":{\"topic\":\"t\"}}").status()).isEqualTo(200);
        }
        // One production run whose first step fails: an error, counted as a call.
        upstream.then(new MockUpstream.Fail(500, null), new MockUpstream.Fail(500, null), new MockUpstream.Fail(500, null));
        TestHub.Response failed = hub.post("/v1/deployments/" + dep + "/invoke", "{\"inputs\":{\"topic\":\"t\"}}");
        assertThat(failed.status()).isEqualTo(502);
        assertThat(failed.json().path("error").path("type").asText()).isEqualTo("upstream_error");
        assertThat(failed.json().path("error").path("message").asText()).startsWith("Step 'outline' failed");

        assertThat(usage.records()).hasSize(2 * 2 + 3 * 2 + 1);
        for (UsageRecord u : usage.records()) {
            assertThat(u.costUsd()).isCloseTo(u.promptTokens() * 1.0 / 1e6 + u.completionTokens() * 2.0 / 1e6, within(1e-12));
            assertThat(u.pipelineId()).isEqualTo(id);
            assertThat(u.pipelineVersion()).isEqualTo(1);
            assertThat(u.deploymentId()).isEqualTo(u.testCall() ? null : dep);
        }

        usage.flush();
        JsonNode m = hub.get("/v1/pipelines/" + id + "/metrics?interval=minute").json();
        JsonNode totals = m.path("totals");
        assertThat(totals.path("calls").asLong()).isEqualTo(4);
        assertThat(totals.path("errors").asLong()).isEqualTo(1);
        assertThat(totals.path("test_calls").asLong()).isEqualTo(2);
        assertThat(totals.path("step_calls").asLong()).isEqualTo(7);
        assertThat(totals.path("prompt_tokens").asLong()).isEqualTo(6 * 11);
        assertThat(totals.path("completion_tokens").asLong()).isEqualTo(6 * 7);
        assertThat(totals.path("total_tokens").asLong()).isEqualTo(6 * 18);
        assertThat(totals.path("cost_usd").asDouble()).isCloseTo(6 * STEP_COST, within(1e-12));
        assertThat(totals.path("latency_ms").path("p50").isNumber()).isTrue();
        assertThat(totals.path("latency_ms").path("p99").asLong()).isGreaterThanOrEqualTo(totals.path("latency_ms").path("p50").asLong());
        assertThat(m.path("tests").path("calls").asLong()).isEqualTo(2);
        assertThat(m.path("tests").path("cost_usd").asDouble()).isCloseTo(4 * STEP_COST, within(1e-12));

        long seriesCalls = 0;
        long seriesTests = 0;
        for (JsonNode b : m.path("series")) {
            seriesCalls += b.path("calls").asLong();
            seriesTests += b.path("test_calls").asLong();
        }
        assertThat(seriesCalls).isEqualTo(4);
        assertThat(seriesTests).isEqualTo(2);
        assertThat(m.path("by_deployment")).hasSize(1);
        assertThat(m.path("by_deployment").get(0).path("deployment_id").asText()).isEqualTo(dep);
        assertThat(m.path("by_deployment").get(0).path("calls").asLong()).isEqualTo(4);
        assertThat(m.path("by_deployment").get(0).path("version").asInt()).isEqualTo(1);
    }

    @Test
    void metricsParametersAreChecked() {
        String id = twoStepPipeline();
        TestHub.Response interval = hub.get("/v1/pipelines/" + id + "/metrics?interval=week");
        assertThat(interval.status()).isEqualTo(400);
        assertThat(interval.json().path("error").path("param").asText()).isEqualTo("interval");
        TestHub.Response from = hub.get("/v1/pipelines/" + id + "/metrics?from=yesterday");
        assertThat(from.status()).isEqualTo(400);
        assertThat(from.json().path("error").path("param").asText()).isEqualTo("from");
        TestHub.Response tooMany = hub.get("/v1/pipelines/" + id + "/metrics?from=2020-01-01&to=2026-01-01&interval=minute");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        TestHub.Response ok = hub.get("/v1/pipelines/" + id + "/metrics?from=2026-01-01T00:00:00Z&to=2026-01-03&interval=day");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().path("series")).hasSize(2);
        assertThat(ok.json().path("totals").path("calls").asLong()).isZero();
    }

    @Test
    void streamedLastStepIsMeteredWithItsUsageAndCost() {
        String id = twoStepPipeline();
        String dep = hub.post("/v1/pipelines/" + id + "/deploy", "{}").json().path("deployment_id").asText();
        try (TestHub.StreamResponse s = hub.stream("/v1/deployments/" + dep + "/chat/completions",
                "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"owls\"}]}", TestHub.ADMIN_KEY)) {
            assertThat(s.status()).isEqualTo(200);
            List<String> events = s.rest();
            assertThat(events.getLast()).isEqualTo("[DONE]");
            assertThat(events).noneMatch(e -> e.contains("\"usage\":{"));
        }
        assertThat(upstream.received().get(0).body().path("stream").asBoolean(false)).isFalse();
        assertThat(upstream.received().get(1).body().path("stream").asBoolean()).isTrue();
        UsageRecord last = usage.records().getLast();
        assertThat(last.promptTokens()).isEqualTo(11);
        assertThat(last.completionTokens()).isEqualTo(5);
        assertThat(last.costUsd()).isCloseTo((11 + 5 * 2.0) / 1e6, within(1e-12));
        assertThat(last.deploymentId()).isEqualTo(dep);
        assertThat(last.ttftMs()).isNotNull();
    }

    @Test
    void streamedLastStepCutShortIsMeteredWithEstimatedTokens() {
        String id = twoStepPipeline();
        String dep = hub.post("/v1/pipelines/" + id + "/deploy", "{}").json().path("deployment_id").asText();
        // The first step answers whole; the streamed last step dies after four chunks, before any usage.
        upstream.then(new MockUpstream.Answer("draft", 1, 0), new MockUpstream.DieMidStream(4));
        try (TestHub.StreamResponse s = hub.stream("/v1/deployments/" + dep + "/chat/completions",
                "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"owls\"}]}", TestHub.ADMIN_KEY)) {
            assertThat(s.rest().getLast()).contains("\"error\"");
        }
        long deadline = System.currentTimeMillis() + 5000;
        while (usage.records().size() < 2 && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
        UsageRecord last = usage.records().getLast();
        assertThat(last.errorType()).isEqualTo("upstream_error");
        assertThat(last.completionTokens()).isEqualTo(3);
        assertThat(last.promptTokens()).isPositive();
        assertThat(last.costUsd()).isCloseTo((last.promptTokens() + 3 * 2.0) / 1e6, within(1e-12));
    }
}
