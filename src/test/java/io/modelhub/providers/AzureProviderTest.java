package io.modelhub.providers;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.testing.AzureWire;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import org.junit.jupiter.api.Test;

/** The azure kind: deployment URLs, api-version, the api-key header. */
class AzureProviderTest {
    private static String yaml(MockUpstream up, String version) {
        return """
                providers:
                  - id: az
                    kind: azure
                    base_url: %s
                    api_key: azure-secret-key
                %s
                models:
                  - id: openai/gpt-test
                    offerings:
                      - provider: az
                        upstream_model: my-gpt deployment
                        pricing: {input_per_mtok: 1, output_per_mtok: 2}
                """.formatted(up.baseUrl(), version == null ? "" : "    api_version: " + version);
    }

    private static final String ASK = "{\"model\":\"openai/gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void callsTheDeploymentUrlWithApiVersionAndApiKeyHeader() {
        try (MockUpstream up = new MockUpstream(new AzureWire()); TestHub hub = TestHub.start(yaml(up, null))) {
            TestHub.Response r = hub.post("/v1/chat/completions", ASK);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().path("choices").get(0).path("message").path("content").asText()).isEqualTo("Hello from the mock");
            MockUpstream.Received got = up.last();
            assertThat(got.path()).isEqualTo("/openai/deployments/my-gpt%20deployment/chat/completions?api-version=2024-10-21");
            assertThat(got.header("api-key")).isEqualTo("azure-secret-key");
            assertThat(got.authorization()).isNull();
        }
    }

    @Test
    void configuredApiVersionIsSentAndV1UsesTheGaPath() {
        try (MockUpstream up = new MockUpstream(new AzureWire()); TestHub hub = TestHub.start(yaml(up, "2025-01-01-preview"))) {
            hub.post("/v1/chat/completions", ASK);
            assertThat(up.last().path()).endsWith("/chat/completions?api-version=2025-01-01-preview");
        }
        try (MockUpstream up = new MockUpstream(new AzureWire()); TestHub hub = TestHub.start(yaml(up, "v1"))) {
            assertThat(hub.post("/v1/chat/completions", ASK).status()).isEqualTo(200);
            assertThat(up.last().path()).isEqualTo("/openai/v1/chat/completions");
            assertThat(up.last().body().path("model").asText()).isEqualTo("my-gpt deployment");
        }
    }

    @Test
    void keyComesFromAzureOpenAiApiKeyWhenTheConfigHasNone() {
        try (MockUpstream up = new MockUpstream(new AzureWire());
             TestHub hub = TestHub.start(yaml(up, null).replace("    api_key: azure-secret-key\n", ""), java.util.Map.of("AZURE_OPENAI_API_KEY", "from-env-key"))) {
            assertThat(hub.post("/v1/chat/completions", ASK).status()).isEqualTo(200);
            assertThat(up.last().header("api-key")).isEqualTo("from-env-key");
        }
    }

    @Test
    void anApiVersionThatCannotGoInAUrlIsAConfigError() {
        try (MockUpstream up = new MockUpstream(new AzureWire())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestHub.start(yaml(up, "\"2024 10&x=1\"")).close())
                    .hasStackTraceContaining("api_version");
        }
    }

    @Test
    void azureNeedsABaseUrlAndRejectsAnotherKindsSetting() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestHub.start("""
                providers:
                  - id: az
                    kind: azure
                    api_key: k
                """).close()).hasStackTraceContaining("base_url is required for kind azure");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestHub.start("""
                providers:
                  - id: az
                    kind: azure
                    base_url: http://127.0.0.1:9
                    region: us-east-1
                """).close()).hasStackTraceContaining("region");
    }
}
