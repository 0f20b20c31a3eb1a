package io.modelhub.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UsageRows;
import org.junit.jupiter.api.Test;

/** A call to an offering without a known price: cost_usd null in its record and in a pipeline run, left out of sums, never 0. */
class UnknownPriceTest {
    private static final String YAML = """
            providers:
              - id: priced
                kind: openai
                base_url: %s
                api_key: k1
              - id: unpriced
                kind: openai
                base_url: %s
                api_key: k2
            models:
              - id: acme/priced
                offerings:
                  - provider: priced
                    upstream_model: m1
                    pricing: {input_per_mtok: 1.0, output_per_mtok: 2.0}
              - id: acme/unpriced
                offerings:
                  - provider: unpriced
                    upstream_model: m2
            """;

    private static String ask(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    @Test
    void unknownCostIsNullInTheRecordAndLeftOutOfTheUsageSums() {
        try (MockUpstream up = new MockUpstream(); TestHub hub = TestHub.start(YAML.formatted(up.baseUrl(), up.baseUrl()))) {
            UsageRows rows = UsageRows.attach(hub);
            assertThat(hub.post("/v1/chat/completions", ask("acme/priced")).status()).isEqualTo(200);
            assertThat(hub.post("/v1/chat/completions", ask("acme/unpriced")).status()).isEqualTo(200);
            double priced = (11 * 1.0 + 7 * 2.0) / 1_000_000.0;
            assertThat(rows.awaitRecord(1).costUsd()).isCloseTo(priced, within(1e-12));
            assertThat(rows.awaitRecord(2).costUsd()).isNull();
            rows.flush();
            JsonNode total = hub.get("/v1/usage").json().path("total");
            assertThat(total.path("calls").asLong()).isEqualTo(2);
            assertThat(total.path("prompt_tokens").asLong()).isEqualTo(22);
            assertThat(total.path("cost_usd").asDouble()).isCloseTo(priced, within(1e-9));
        }
    }

    @Test
    void pipelineRunWithAnUnpricedStepHasNullCost() {
        try (MockUpstream up = new MockUpstream(); TestHub hub = TestHub.start(YAML.formatted(up.baseUrl(), up.baseUrl()))) {
            TestHub.Response created = hub.post("/v1/pipelines", """
                    {"model":"acme/unpriced","inputs":["topic"],"steps":[{"id":"one","prompt":"About {{input.topic}}"}]}""");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            TestHub.Response r = hub.post("/v1/pipelines/" + created.json().path("id").asText() + "/test", "{\"inputs\":{\"topic\":\"owls\"}}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().path("steps").get(0).path("cost_usd").isNull()).isTrue();
            assertThat(r.json().path("usage").path("cost_usd").isNull()).isTrue();
            assertThat(r.json().path("usage").path("prompt_tokens").asLong()).isEqualTo(11);
        }
    }
}
