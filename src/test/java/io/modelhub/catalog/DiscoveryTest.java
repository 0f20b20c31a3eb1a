package io.modelhub.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Providers marked {@code discover: true} add the models their own {@code GET /models} lists. */
class DiscoveryTest {
    private static final String LISTED = """
            {"object":"list","data":[
              {"id":"acme/known","object":"model","created":1700000000,"owned_by":"acme"},
              {"id":"fresh-model","object":"model","created":1710000000,"owned_by":"acme-labs"},
              {"id":"org/other-model","object":"model"}
            ]}""";

    private static String config(MockUpstream good, MockUpstream bad) {
        return """
                catalog: {discovery_timeout_ms: 3000, discovery_interval_seconds: 3600}
                providers:
                  - {id: good, kind: openai, base_url: %s, api_key: good-key, discover: true}
                  - {id: bad, kind: openai, base_url: %s, discover: true}
                models:
                  - id: acme/known
                    name: Known Model
                    offerings:
                      - {provider: good, upstream_model: acme/known, pricing: {input_per_mtok: 1, output_per_mtok: 1}}
                """.formatted(good.baseUrl(), bad.baseUrl());
    }

    private static List<String> ids(TestHub.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.json().path("data").forEach(m -> out.add(m.path("id").asText()));
        return out;
    }

    private static String status(TestHub hub, String provider) {
        return hub.get("/v1/providers/" + provider).json().path("status").asText();
    }

    @Test
    void listedModelsBecomeOfferingsAndNewModels() {
        try (MockUpstream good = new MockUpstream().models(200, LISTED);
                MockUpstream bad = new MockUpstream().models(200, "{\"object\":\"list\",\"data\":[]}");
                TestHub hub = TestHub.start(config(good, bad))) {
            assertThat(ids(hub.get("/v1/providers/good/models"))).containsExactly("acme/known", "fresh-model", "org/other-model");
            // The configured model is not duplicated by its listed twin.
            assertThat(hub.get("/v1/models/acme/known/providers").json().path("data").size()).isEqualTo(1);
            JsonNode fresh = hub.get("/v1/models/fresh-model").json();
            assertThat(fresh.path("owned_by").asText()).isEqualTo("acme-labs");
            assertThat(fresh.path("created").asLong()).isEqualTo(1710000000L);
            assertThat(hub.get("/v1/models/org/other-model/providers/good").json().path("upstream_model").asText())
                    .isEqualTo("org/other-model");
            assertThat(good.received()).isEmpty();
            assertThat(status(hub, "good")).isEqualTo("healthy");
            JsonNode discovery = hub.get("/v1/providers/good").json().path("discovery");
            assertThat(discovery.path("status").asText()).isEqualTo("healthy");
            assertThat(discovery.path("models").asInt()).isEqualTo(3);
            // A discovered model is callable: the provider registry knows the provider.
            TestHub.Response chat = hub.post("/v1/chat/completions",
                    "{\"model\":\"fresh-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(chat.status()).as(chat.body()).isEqualTo(200);
            assertThat(good.last().authorization()).isEqualTo("Bearer good-key");
            assertThat(good.last().body().path("model").asText()).isEqualTo("fresh-model");
        }
    }

    @Test
    void failingProviderIsDegradedAndTheHubStillServes() {
        try (MockUpstream good = new MockUpstream().models(200, LISTED);
                MockUpstream bad = new MockUpstream().models(500, "{\"error\":{\"message\":\"listing is broken\"}}");
                TestHub hub = TestHub.start(config(good, bad))) {
            assertThat(status(hub, "bad")).isEqualTo("degraded");
            JsonNode discovery = hub.get("/v1/providers/bad").json().path("discovery");
            assertThat(discovery.path("error").asText()).contains("500").contains("listing is broken");
            assertThat(discovery.path("last_success").isNull()).isTrue();
            assertThat(status(hub, "good")).isEqualTo("healthy");
            assertThat(ids(hub.get("/v1/models"))).contains("sandbox/chat", "acme/known", "fresh-model");
            JsonNode listed = hub.get("/v1/providers").json();
            assertThat(listed.toString()).contains("\"id\":\"bad\"");
        }
    }

    @Test
    void providerThatStopsListingKeepsItsLastListAndIsDegraded() {
        try (MockUpstream good = new MockUpstream().models(200, LISTED);
                MockUpstream bad = new MockUpstream().models(200, "{\"object\":\"list\",\"data\":[]}");
                TestHub hub = TestHub.start(config(good, bad))) {
            assertThat(ids(hub.get("/v1/models"))).contains("fresh-model");
            good.models(503, "{\"error\":{\"message\":\"down for maintenance\"}}");
            hub.hub().liveCatalog().discoverNow();
            assertThat(status(hub, "good")).isEqualTo("degraded");
            assertThat(ids(hub.get("/v1/models"))).contains("fresh-model", "org/other-model");
            assertThat(hub.get("/v1/models/fresh-model/providers").json().path("data").get(0).path("status").asText())
                    .isEqualTo("degraded");
            good.models(200, LISTED);
            hub.hub().liveCatalog().discoverNow();
            assertThat(status(hub, "good")).isEqualTo("healthy");
        }
    }

    @Test
    void unreachableProviderDoesNotStopTheHub() {
        MockUpstream gone = new MockUpstream();
        String url = gone.baseUrl();
        gone.close();
        try (MockUpstream good = new MockUpstream().models(200, LISTED);
                TestHub hub = TestHub.start("""
                        catalog: {discovery_timeout_ms: 1000}
                        providers:
                          - {id: gone, kind: openai, base_url: %s, discover: true, timeouts: {connect_ms: 500}}
                          - {id: good, kind: openai, base_url: %s, discover: true}
                        """.formatted(url, good.baseUrl()))) {
            assertThat(status(hub, "gone")).isEqualTo("degraded");
            assertThat(ids(hub.get("/v1/providers/good/models"))).contains("fresh-model");
            assertThat(ids(hub.get("/v1/providers/gone/models"))).isEmpty();
        }
    }

    @Test
    void discoveryRepeatsOnItsInterval() throws InterruptedException {
        try (MockUpstream good = new MockUpstream().models(200, LISTED);
                TestHub hub = TestHub.start("""
                        catalog: {discovery_interval_seconds: 1, discovery_timeout_ms: 2000}
                        providers:
                          - {id: good, kind: openai, base_url: %s, discover: true}
                        """.formatted(good.baseUrl()))) {
            assertThat(ids(hub.get("/v1/models"))).doesNotContain("late-model");
            good.models(200, "{\"object\":\"list\",\"data\":[{\"id\":\"late-model\",\"object\":\"model\"}]}");
            long giveUp = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (!ids(hub.get("/v1/models")).contains("late-model") && System.nanoTime() < giveUp) {
                Thread.sleep(100);
            }
            assertThat(ids(hub.get("/v1/models"))).contains("late-model").doesNotContain("fresh-model");
        }
    }
}
