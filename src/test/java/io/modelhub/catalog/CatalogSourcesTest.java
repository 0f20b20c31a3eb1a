package io.modelhub.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the catalog comes from: the built-in list (enabled by keys in the environment), the user's file, the sandbox switch. */
class CatalogSourcesTest {

    private static List<String> ids(TestHub.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.json().path("data").forEach(m -> out.add(m.path("id").asText()));
        return out;
    }

    @Test
    void withoutProviderKeysOnlyTheSandboxIsThere() {
        try (TestHub hub = TestHub.start("")) {
            assertThat(ids(hub.get("/v1/models"))).containsExactly("sandbox/chat", "sandbox/embed");
            assertThat(ids(hub.get("/v1/providers"))).containsExactly("sandbox");
            assertThat(hub.get("/v1/providers/together").status()).isEqualTo(404);
        }
    }

    @Test
    void builtInProviderIsEnabledByItsKeyInTheEnvironment() {
        try (TestHub hub = TestHub.start("", Map.of("TOGETHER_API_KEY", "x"))) {
            assertThat(ids(hub.get("/v1/providers"))).containsExactly("sandbox", "together");
            List<String> models = ids(hub.get("/v1/models?provider=together"));
            assertThat(models).contains("meta-llama/Llama-3.3-70B-Instruct", "openai/gpt-oss-120b", "deepseek-ai/DeepSeek-V3",
                    "MiniMaxAI/MiniMax-M2.5");
            // Only the enabled provider's offerings show: Llama 3.3 is also on Groq, SambaNova and DeepInfra.
            assertThat(hub.get("/v1/models/meta-llama/Llama-3.3-70B-Instruct").json().path("providers").toString())
                    .isEqualTo("[\"together\"]");
            assertThat(ids(hub.get("/v1/models/meta-llama/Llama-3.3-70B-Instruct/providers"))).containsExactly("together");
            // Models served only by providers without a key do not appear.
            assertThat(hub.get("/v1/models/openai/gpt-4o").status()).isEqualTo(404);
            JsonNode offering = hub.get("/v1/models/meta-llama/Llama-3.3-70B-Instruct/providers/together").json();
            assertThat(offering.path("upstream_model").asText()).isEqualTo("meta-llama/Llama-3.3-70B-Instruct-Turbo");
            assertThat(offering.path("pricing").path("input_per_mtok").asDouble()).isEqualTo(0.88);
            assertThat(offering.path("source").asText()).startsWith("https://");
            assertThat(offering.path("as_of").asText()).isEqualTo("2026-11-23");
        }
    }

    @Test
    void builtInAliasResolves() {
        try (TestHub hub = TestHub.start("", Map.of("OPENAI_API_KEY", "sk-test"))) {
            TestHub.Response r = hub.get("/v1/models/gpt-4o");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().path("id").asText()).isEqualTo("openai/gpt-4o");
            assertThat(r.json().path("capabilities").toString()).contains("vision");
            assertThat(hub.get("/v1/providers").body()).doesNotContain("sk-test");
        }
    }

    @Test
    void providerWideParametersApplyToItsOfferings() {
        try (TestHub hub = TestHub.start("", Map.of("SAMBANOVA_API_KEY", "x"))) {
            JsonNode o = hub.get("/v1/models/deepseek-ai/DeepSeek-V3.1/providers/sambanova").json();
            assertThat(o.path("parameter_ranges").path("temperature").path("max").asDouble()).isEqualTo(1.0);
            assertThat(o.path("supported_parameters").toString()).contains("top_k").doesNotContain("logit_bias");
        }
    }

    @Test
    void userOverridesBuiltInProviderModelAndOffering() {
        try (MockUpstream upstream = new MockUpstream();
                TestHub hub = TestHub.start("""
                        providers:
                          - id: groq
                            name: Groq via proxy
                            base_url: %s
                        models:
                          - id: meta-llama/Llama-3.1-8B-Instruct
                            name: Llama 8B (ours)
                            offerings:
                              - provider: groq
                                pricing: {input_per_mtok: 0.01, output_per_mtok: 0.02}
                        """.formatted(upstream.baseUrl()), Map.of("GROQ_API_KEY", "gsk-test"))) {
            JsonNode groq = hub.get("/v1/providers/groq").json();
            assertThat(groq.path("name").asText()).isEqualTo("Groq via proxy");
            assertThat(groq.path("base_url").asText()).isEqualTo(upstream.baseUrl());
            assertThat(groq.path("kind").asText()).isEqualTo("openai");
            JsonNode model = hub.get("/v1/models/meta-llama/Llama-3.1-8B-Instruct").json();
            assertThat(model.path("name").asText()).isEqualTo("Llama 8B (ours)");
            assertThat(model.path("context_length").asInt()).isEqualTo(131072);
            JsonNode offering = hub.get("/v1/models/llama-3.1-8b/providers/groq").json();
            assertThat(offering.path("pricing").path("input_per_mtok").asDouble()).isEqualTo(0.01);
            assertThat(offering.path("upstream_model").asText()).isEqualTo("llama-3.1-8b-instant");
            // The overridden provider is the one the hub calls, with the key from the environment.
            TestHub.Response chat = hub.post("/v1/chat/completions",
                    "{\"model\":\"llama-3.1-8b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(chat.status()).as(chat.body()).isEqualTo(200);
            assertThat(upstream.last().authorization()).isEqualTo("Bearer gsk-test");
            assertThat(upstream.last().body().path("model").asText()).isEqualTo("llama-3.1-8b-instant");
        }
    }

    @Test
    void userModelAddsAnOfferingToABuiltInModel() {
        try (MockUpstream upstream = new MockUpstream();
                TestHub hub = TestHub.start("""
                        providers:
                          - {id: mine, kind: openai, base_url: %s}
                        models:
                          - id: openai/gpt-4o
                            offerings:
                              - {provider: mine, upstream_model: my-4o}
                        """.formatted(upstream.baseUrl()), Map.of("OPENAI_API_KEY", "sk-test"))) {
            assertThat(hub.get("/v1/models/gpt-4o").json().path("providers").toString()).isEqualTo("[\"openai\",\"mine\"]");
            assertThat(hub.get("/v1/models/openai/gpt-4o/providers/mine").json().path("upstream_model").asText()).isEqualTo("my-4o");
        }
    }

    @Test
    void localBuiltInProviderAppearsOnlyWhenNamed() {
        try (TestHub hub = TestHub.start("")) {
            assertThat(hub.get("/v1/providers/ollama").status()).isEqualTo(404);
        }
        try (MockUpstream upstream = new MockUpstream().models(200, "{\"object\":\"list\",\"data\":[]}");
                TestHub hub = TestHub.start("""
                        providers:
                          - {id: ollama, base_url: %s}
                        """.formatted(upstream.baseUrl()))) {
            JsonNode ollama = hub.get("/v1/providers/ollama").json();
            assertThat(ollama.path("local").asBoolean()).isTrue();
            assertThat(ollama.path("base_url").asText()).isEqualTo(upstream.baseUrl());
            assertThat(hub.get("/v1/models/openai/gpt-oss-20b/providers/ollama").json().path("upstream_model").asText())
                    .isEqualTo("gpt-oss:20b");
        }
    }

    @Test
    void sandboxCanBeSwitchedOff() {
        try (TestHub hub = TestHub.start("sandbox: {enabled: false}", Map.of("MISTRAL_API_KEY", "x"))) {
            assertThat(ids(hub.get("/v1/providers"))).containsExactly("mistral");
            assertThat(hub.get("/v1/models/sandbox/chat").status()).isEqualTo(404);
        }
    }

    @Test
    void offeringNamingAnUnknownProviderIsAConfigError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestHub.start("""
                models:
                  - id: x/y
                    offerings: [{provider: nowhere}]
                """)).isInstanceOf(io.modelhub.config.ConfigException.class).hasMessageContaining("nowhere");
    }

    @Test
    void credentialsInABaseUrlAreNeverShown() {
        try (TestHub hub = TestHub.start("""
                providers:
                  - {id: proxied, kind: openai, base_url: "http://user:hunter2@127.0.0.1:9/v1"}
                models:
                  - {id: p/m, offerings: [{provider: proxied}]}
                """)) {
            assertThat(hub.get("/v1/providers/proxied").json().path("base_url").asText()).isEqualTo("http://127.0.0.1:9/v1");
            assertThat(hub.get("/v1/providers").body()).doesNotContain("hunter2");
        }
    }
}
