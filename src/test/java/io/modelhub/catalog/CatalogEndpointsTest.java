package io.modelhub.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every endpoint and filter of API.md section 3 against a hub with the sandbox and one user provider. */
class CatalogEndpointsTest {
    static MockUpstream upstream;
    static TestHub hub;

    @BeforeAll
    static void start() {
        upstream = new MockUpstream();
        hub = TestHub.start("""
                server: {public_base_url: "https://hub.example.com"}
                providers:
                  - id: acme
                    name: Acme Cloud
                    kind: openai
                    base_url: %s
                    api_key: acme-secret
                models:
                  - id: acme/chat-1
                    name: Acme Chat One
                    aliases: [chat-1]
                    context_length: 8192
                    capabilities: [streaming, tools]
                    offerings:
                      - provider: acme
                        upstream_model: chat-one-v1
                        max_output_tokens: 2048
                        pricing: {input_per_mtok: 1.0, output_per_mtok: 2.0}
                        supported_parameters: [temperature, max_tokens]
                        parameter_ranges: {temperature: {min: 0, max: 1}}
                  - id: acme/vision-2
                    name: Acme Vision Two
                    context_length: 200000
                    capabilities: [streaming, vision, json_mode]
                    offerings:
                      - provider: acme
                        pricing: {input_per_mtok: 5.0, output_per_mtok: 15.0}
                  - id: plain-model
                    offerings:
                      - provider: acme
                """.formatted(upstream.baseUrl()));
    }

    @AfterAll
    static void stop() {
        hub.close();
        upstream.close();
    }

    private static List<String> ids(TestHub.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.json().path("data").forEach(m -> out.add(m.path("id").asText()));
        return out;
    }

    private static void assertError(TestHub.Response r, int status, String type, String code, String param) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode e = r.json().path("error");
        assertThat(e.path("type").asText()).isEqualTo(type);
        assertThat(e.path("code").asText()).isEqualTo(code);
        if (param != null) {
            assertThat(e.path("param").asText()).isEqualTo(param);
        }
    }

    @Test
    void modelsAnswerTheOpenAiListShapeWithCatalogFields() {
        TestHub.Response r = hub.get("/v1/models");
        assertThat(r.header("content-type")).startsWith("application/json");
        JsonNode root = r.json();
        assertThat(root.path("object").asText()).isEqualTo("list");
        assertThat(ids(r)).containsExactly("sandbox/chat", "sandbox/embed", "acme/chat-1", "acme/vision-2", "plain-model");
        JsonNode chat = root.path("data").get(2);
        assertThat(chat.path("object").asText()).isEqualTo("model");
        assertThat(chat.path("created").asLong()).isPositive();
        assertThat(chat.path("owned_by").asText()).isEqualTo("acme");
        assertThat(chat.path("name").asText()).isEqualTo("Acme Chat One");
        assertThat(chat.path("context_length").asInt()).isEqualTo(8192);
        assertThat(chat.path("capabilities").toString()).isEqualTo("[\"streaming\",\"tools\"]");
        assertThat(chat.path("providers").toString()).isEqualTo("[\"acme\"]");
        assertThat(root.path("data").get(4).path("owned_by").asText()).isEqualTo("modelhub");
        assertThat(root.path("data").get(4).path("context_length").isNull()).isTrue();
    }

    @Test
    void modelIdWithSlashIsRetrievedPlainOrPercentEncoded() {
        for (String path : List.of("/v1/models/acme/chat-1", "/v1/models/acme%2Fchat-1", "/v1/models/acme%2fchat-1")) {
            TestHub.Response r = hub.get(path);
            assertThat(r.status()).as(path + " " + r.body()).isEqualTo(200);
            assertThat(r.json().path("id").asText()).isEqualTo("acme/chat-1");
            assertThat(r.json().path("object").asText()).isEqualTo("model");
        }
        assertThat(hub.get("/v1/models/plain-model").json().path("id").asText()).isEqualTo("plain-model");
    }

    @Test
    void aliasResolvesToTheCanonicalModel() {
        TestHub.Response r = hub.get("/v1/models/chat-1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("id").asText()).isEqualTo("acme/chat-1");
        assertThat(hub.get("/v1/models/chat-1/providers/acme").json().path("model").asText()).isEqualTo("acme/chat-1");
    }

    @Test
    void providerFilterKeepsOnlyItsModels() {
        assertThat(ids(hub.get("/v1/models?provider=acme"))).containsExactly("acme/chat-1", "acme/vision-2", "plain-model");
        assertThat(ids(hub.get("/v1/models?provider=sandbox"))).containsExactly("sandbox/chat", "sandbox/embed");
        assertThat(ids(hub.get("/v1/models?provider=nobody"))).isEmpty();
    }

    @Test
    void capabilityFilterNeedsEveryNamedCapability() {
        assertThat(ids(hub.get("/v1/models?capability=tools"))).containsExactly("sandbox/chat", "acme/chat-1");
        assertThat(ids(hub.get("/v1/models?capability=vision,json_mode"))).containsExactly("sandbox/chat", "acme/vision-2");
    }

    @Test
    void queryMatchesIdOrNameInAnyCase() {
        assertThat(ids(hub.get("/v1/models?q=VISION"))).containsExactly("acme/vision-2");
        assertThat(ids(hub.get("/v1/models?q=chat%20one"))).containsExactly("acme/chat-1");
        assertThat(ids(hub.get("/v1/models?q=acme/"))).containsExactly("acme/chat-1", "acme/vision-2");
    }

    @Test
    void maxInputPriceKeepsModelsWithAnOfferingAtOrUnderIt() {
        assertThat(ids(hub.get("/v1/models?max_input_price=1"))).containsExactly("sandbox/chat", "sandbox/embed", "acme/chat-1");
        assertThat(ids(hub.get("/v1/models?max_input_price=5.0"))).containsExactly("sandbox/chat", "sandbox/embed", "acme/chat-1", "acme/vision-2");
    }

    @Test
    void minContextKeepsModelsWithAtLeastThatContext() {
        assertThat(ids(hub.get("/v1/models?min_context=100000"))).containsExactly("acme/vision-2");
        assertThat(ids(hub.get("/v1/models?min_context=8192&provider=acme"))).containsExactly("acme/chat-1", "acme/vision-2");
    }

    @Test
    void badFilterValuesAre400NamingTheParameter() {
        assertError(hub.get("/v1/models?capability=telepathy"), 400, "invalid_request_error", "invalid_filter", "capability");
        assertError(hub.get("/v1/models?max_input_price=cheap"), 400, "invalid_request_error", "invalid_filter", "max_input_price");
        assertError(hub.get("/v1/models?max_input_price=-1"), 400, "invalid_request_error", "invalid_filter", "max_input_price");
        assertError(hub.get("/v1/models?min_context=lots"), 400, "invalid_request_error", "invalid_filter", "min_context");
        assertError(hub.get("/v1/providers/acme/models?min_context=-5"), 400, "invalid_request_error", "invalid_filter", "min_context");
    }

    @Test
    void unknownModelIs404NamingIt() {
        for (String path : List.of("/v1/models/foo/bar", "/v1/models/foo/bar/providers", "/v1/models/foo%2Fbar/providers/acme")) {
            TestHub.Response r = hub.get(path);
            assertError(r, 404, "not_found_error", "model_not_found", "model");
            assertThat(r.json().path("error").path("message").asText()).contains("'foo/bar'");
        }
    }

    @Test
    void unknownProviderIs404NamingIt() {
        for (String path : List.of("/v1/providers/nobody", "/v1/providers/nobody/models", "/v1/models/acme/chat-1/providers/nobody")) {
            TestHub.Response r = hub.get(path);
            assertError(r, 404, "not_found_error", "provider_not_found", "provider");
            assertThat(r.json().path("error").path("message").asText()).contains("'nobody'");
        }
    }

    @Test
    void providerThatDoesNotServeTheModelIs404OfferingNotFound() {
        assertError(hub.get("/v1/models/acme/chat-1/providers/sandbox"), 404, "not_found_error", "offering_not_found", "provider");
    }

    @Test
    void providersAreListedWithStatusAndModelCount() {
        JsonNode root = hub.get("/v1/providers").json();
        assertThat(root.path("object").asText()).isEqualTo("list");
        JsonNode acme = null;
        for (JsonNode p : root.path("data")) {
            if (p.path("id").asText().equals("acme")) {
                acme = p;
            }
        }
        assertThat(acme).isNotNull();
        assertThat(acme.path("object").asText()).isEqualTo("provider");
        assertThat(acme.path("name").asText()).isEqualTo("Acme Cloud");
        assertThat(acme.path("kind").asText()).isEqualTo("openai");
        assertThat(acme.path("status").asText()).isEqualTo("healthy");
        assertThat(acme.path("models").asInt()).isEqualTo(3);
        assertThat(root.toString()).doesNotContain("acme-secret");
    }

    @Test
    void oneProviderAndItsModels() {
        TestHub.Response r = hub.get("/v1/providers/acme");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("id").asText()).isEqualTo("acme");
        assertThat(r.json().path("models").asInt()).isEqualTo(3);
        assertThat(r.body()).doesNotContain("acme-secret");
        assertThat(ids(hub.get("/v1/providers/acme/models"))).containsExactly("acme/chat-1", "acme/vision-2", "plain-model");
        assertThat(ids(hub.get("/v1/providers/acme/models?capability=vision"))).containsExactly("acme/vision-2");
        assertThat(ids(hub.get("/v1/providers/acme/models?provider=sandbox"))).isEmpty();
        assertThat(hub.get("/v1/providers/acme/models").json().path("data").get(0).path("object").asText()).isEqualTo("model");
    }

    @Test
    void modelProvidersListEachOfferingSummary() {
        TestHub.Response r = hub.get("/v1/models/acme/chat-1/providers");
        assertThat(r.status()).isEqualTo(200);
        JsonNode o = r.json().path("data").get(0);
        assertThat(r.json().path("data").size()).isEqualTo(1);
        assertThat(o.path("provider").asText()).isEqualTo("acme");
        assertThat(o.path("status").asText()).isEqualTo("healthy");
        assertThat(o.path("context_length").asInt()).isEqualTo(8192);
        assertThat(o.path("pricing").path("input_per_mtok").asDouble()).isEqualTo(1.0);
        assertThat(o.path("stats").has("p50_latency_ms")).isTrue();
        assertThat(hub.get("/v1/models/acme%2Fchat-1/providers").json().path("data").size()).isEqualTo(1);
    }

    @Test
    void offeringIsShownInFullWithUsageExamples() {
        TestHub.Response r = hub.get("/v1/models/acme/chat-1/providers/acme");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode o = r.json();
        assertThat(o.path("upstream_model").asText()).isEqualTo("chat-one-v1");
        assertThat(o.path("context_length").asInt()).isEqualTo(8192);
        assertThat(o.path("max_output_tokens").asInt()).isEqualTo(2048);
        assertThat(o.path("pricing").path("input_per_mtok").asDouble()).isEqualTo(1.0);
        assertThat(o.path("pricing").path("output_per_mtok").asDouble()).isEqualTo(2.0);
        assertThat(o.path("supported_parameters").toString()).isEqualTo("[\"max_tokens\",\"temperature\"]");
        assertThat(o.path("parameter_ranges").path("temperature").path("max").asDouble()).isEqualTo(1.0);
        assertThat(o.path("capabilities").toString()).isEqualTo("[\"streaming\",\"tools\"]");
        assertThat(o.path("status").asText()).isEqualTo("healthy");
        JsonNode stats = o.path("stats");
        assertThat(stats.has("p50_latency_ms") && stats.has("tokens_per_second") && stats.has("success_rate") && stats.has("calls")).isTrue();
        JsonNode usage = o.path("usage");
        for (String kind : List.of("curl", "python", "javascript", "langchain")) {
            assertThat(usage.path(kind).asText()).as(kind).contains("https://hub.example.com/v1").contains("\"acme/chat-1\"")
                    .contains("acme").doesNotContain("acme-secret");
        }
        assertThat(usage.path("curl").asText()).contains("https://hub.example.com/v1/chat/completions");
        assertThat(usage.path("curl").asText()).contains("Bearer $MODELHUB_KEY").contains("x-modelhub-provider: acme");
        assertThat(usage.path("python").asText()).contains("from openai import OpenAI");
        assertThat(usage.path("javascript").asText()).contains("import OpenAI from \"openai\"");
        assertThat(usage.path("langchain").asText()).contains("from langchain_openai import ChatOpenAI");
    }

    @Test
    void usageExamplesFollowTheHostHeaderWhenNoPublicUrlIsConfigured() {
        try (TestHub local = TestHub.start("sandbox: {enabled: true}")) {
            JsonNode usage = local.get("/v1/models/sandbox/chat/providers/sandbox").json().path("usage");
            assertThat(usage.path("curl").asText()).contains(local.baseUrl() + "/v1/chat/completions").contains("sandbox/chat");
            assertThat(usage.path("base_url").asText()).isEqualTo(local.baseUrl() + "/v1");
        }
    }

    @Test
    void catalogNeedsACredential() {
        TestHub.Response r = hub.send("GET", "/v1/models", null, null, Map.of());
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("authentication_error");
    }

    @Test
    void openApiDocumentsEveryCatalogPath() {
        JsonNode paths = hub.send("GET", "/openapi.json", null, null, Map.of()).json().path("paths");
        for (String path : List.of("/v1/models", "/v1/models/{model}", "/v1/models/{model}/providers",
                "/v1/models/{model}/providers/{provider}", "/v1/providers", "/v1/providers/{provider}",
                "/v1/providers/{provider}/models", "/v1/catalog/reload")) {
            assertThat(paths.has(path)).as(path).isTrue();
        }
        assertThat(paths.has("/v1/chat/completions")).isTrue();
    }
}
