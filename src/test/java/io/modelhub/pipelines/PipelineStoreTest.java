package io.modelhub.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.api.Json;
import io.modelhub.store.Store;
import io.modelhub.testing.TestStores;
import io.modelhub.testing.UsageRows;
import io.modelhub.usage.UsageRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PipelineStoreTest {
    @ParameterizedTest
    @EnumSource(Store.Dialect.class)
    void everyChangeAddsAVersionAndOldVersionsStay(Store.Dialect dialect) {
        try (TestStores.Handle h = TestStores.open(dialect)) {
            PipelineStore store = new PipelineStore(h.store());
            PipelineVersion v1 = store.create("{\"model\":\"a\"}", "key1", 1_000);
            assertThat(v1.pipelineId()).startsWith("pipe_");
            assertThat(v1.version()).isEqualTo(1);
            PipelineVersion v2 = store.addVersion(v1.pipelineId(), "{\"model\":\"b\"}", 2_000).orElseThrow();
            assertThat(v2.version()).isEqualTo(2);

            assertThat(store.version(v1.pipelineId(), null).orElseThrow().definition()).isEqualTo("{\"model\":\"b\"}");
            PipelineVersion old = store.version(v1.pipelineId(), 1).orElseThrow();
            assertThat(old.definition()).isEqualTo("{\"model\":\"a\"}");
            assertThat(old.latestVersion()).isEqualTo(2);
            assertThat(old.pipelineCreatedAt()).isEqualTo(1_000);
            assertThat(store.version(v1.pipelineId(), 3)).isEmpty();
            assertThat(store.latest()).extracting(PipelineVersion::version).containsExactly(2);
            assertThat(store.addVersion("pipe_missing", "{}", 3_000)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.Dialect.class)
    void deploymentsAreRetiredAndDeletedWithTheirPipeline(Store.Dialect dialect) {
        try (TestStores.Handle h = TestStores.open(dialect)) {
            PipelineStore store = new PipelineStore(h.store());
            String id = store.create("{}", null, 1_000).pipelineId();
            assertThat(store.version(id, 1).orElseThrow().testPassedAt()).isNull();
            store.markTestPassed(id, 1, 1_500);
            assertThat(store.version(id, 1).orElseThrow().testPassedAt()).isEqualTo(1_500);
            Deployment a = store.deploy(id, 1, 2_000);
            Deployment b = store.deploy(id, 1, 3_000);
            assertThat(a.active()).isTrue();
            assertThat(store.deployment(a.id()).orElseThrow().retiredAt()).isNull();
            assertThat(store.deployments(id)).extracting(Deployment::id).containsExactly(b.id(), a.id());

            assertThat(store.retire(a.id(), 4_000)).isTrue();
            assertThat(store.retire(a.id(), 5_000)).isFalse();
            Deployment retired = store.deployment(a.id()).orElseThrow();
            assertThat(retired.status()).isEqualTo(Deployment.RETIRED);
            assertThat(retired.retiredAt()).isEqualTo(4_000);

            assertThat(store.delete(id)).isTrue();
            assertThat(store.delete(id)).isFalse();
            assertThat(store.deployment(b.id())).isEmpty();
            assertThat(store.version(id, 1)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.Dialect.class)
    void metricsCountRunsNotStepsAndKeepTestsApart(Store.Dialect dialect) {
        try (TestStores.Handle h = TestStores.open(dialect)) {
            long t0 = 1_699_999_200_000L; // on the hour
            // production run r1: two steps on deployment d1; run r2: one failed step; test run r3: one step.
            UsageRows.insert(h.store(), record("u1", t0, "d1", false, 10, 5, 0.01, 100, 200, null, "r1"));
            UsageRows.insert(h.store(), record("u2", t0 + 10, "d1", false, 20, 7, 0.02, 300, 200, null, "r1"));
            UsageRows.insert(h.store(), record("u3", t0 + 3_600_000, "d1", false, 0, 0, 0.0, 50, 502, "upstream_error", "r2"));
            UsageRows.insert(h.store(), record("u4", t0 + 20, null, true, 4, 4, 0.005, 70, 200, null, "r3"));
            UsageRows.insert(h.store(), record("u5", t0 + 30, "dX", false, 1, 1, 1.0, 1, 200, null, "other-pipeline"));

            JsonNode m = new PipelineMetrics(h.store(), Json.newMapper())
                    .compute("p1", Long.toString(t0 / 1000), Long.toString((t0 + 7_200_000) / 1000), "hour", 0);
            JsonNode totals = m.path("totals");
            assertThat(totals.path("calls").asLong()).isEqualTo(2);
            assertThat(totals.path("errors").asLong()).isEqualTo(1);
            assertThat(totals.path("test_calls").asLong()).isEqualTo(1);
            assertThat(totals.path("step_calls").asLong()).isEqualTo(3);
            assertThat(totals.path("prompt_tokens").asLong()).isEqualTo(30);
            assertThat(totals.path("completion_tokens").asLong()).isEqualTo(12);
            assertThat(totals.path("total_tokens").asLong()).isEqualTo(42);
            assertThat(totals.path("cost_usd").asDouble()).isCloseTo(0.03, org.assertj.core.data.Offset.offset(1e-12));
            assertThat(totals.path("latency_ms").path("p50").asLong()).isEqualTo(50);
            assertThat(totals.path("latency_ms").path("p99").asLong()).isEqualTo(400);
            assertThat(m.path("tests").path("calls").asLong()).isEqualTo(1);
            assertThat(m.path("tests").path("cost_usd").asDouble()).isEqualTo(0.005);
            assertThat(m.path("series")).hasSize(2);
            assertThat(m.path("series").get(0).path("calls").asLong()).isEqualTo(1);
            assertThat(m.path("series").get(0).path("test_calls").asLong()).isEqualTo(1);
            assertThat(m.path("series").get(1).path("errors").asLong()).isEqualTo(1);
            assertThat(m.path("by_deployment")).hasSize(1);
            assertThat(m.path("by_deployment").get(0).path("deployment_id").asText()).isEqualTo("d1");
            assertThat(m.path("by_deployment").get(0).path("calls").asLong()).isEqualTo(2);
        }
    }

    private static UsageRecord record(String id, long ts, String deployment, boolean test, long prompt, long completion,
                                      double cost, long latency, int status, String error, String requestId) {
        String pipeline = "other-pipeline".equals(requestId) ? "p2" : "p1";
        return new UsageRecord(id, ts, "key", "m", "prov", pipeline, deployment, 1, test, prompt, completion, cost, latency, null,
                status, error, requestId);
    }
}
