package io.modelhub.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/catalog/reload} re-reads the config file; a bad file changes nothing. */
class CatalogReloadTest {
    @TempDir
    Path dir;

    private static String withModel(MockUpstream upstream, String model) {
        return """
                providers:
                  - {id: acme, kind: openai, base_url: %s, api_key: "${ACME_KEY}"}
                models:
                  - id: %s
                    offerings: [{provider: acme}]
                """.formatted(upstream.baseUrl(), model);
    }

    @Test
    void reloadPicksUpAChangedFileAndSyncsProviders() throws IOException {
        Path file = dir.resolve("modelhub.yaml");
        Files.writeString(file, "sandbox: {enabled: true}\n");
        try (MockUpstream upstream = new MockUpstream();
                TestHub hub = TestHub.startFromFile(file, Map.of("ACME_KEY", "acme-from-env"))) {
            assertThat(hub.get("/v1/models/acme/new-one").status()).isEqualTo(404);
            Files.writeString(file, withModel(upstream, "acme/new-one"));
            TestHub.Response r = hub.post("/v1/catalog/reload", "");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().path("reloaded").asBoolean()).isTrue();
            assertThat(r.json().path("models").asInt()).isEqualTo(3);
            assertThat(hub.get("/v1/models/acme/new-one").status()).isEqualTo(200);
            // The new provider is live: the registry was synced with the reloaded catalog.
            TestHub.Response chat = hub.post("/v1/chat/completions",
                    "{\"model\":\"acme/new-one\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(chat.status()).as(chat.body()).isEqualTo(200);
            assertThat(upstream.last().authorization()).isEqualTo("Bearer acme-from-env");
        }
    }

    @Test
    void badFileIsRefusedWith400AndTheOldCatalogStays() throws IOException {
        Path file = dir.resolve("modelhub.yaml");
        try (MockUpstream upstream = new MockUpstream()) {
            Files.writeString(file, withModel(upstream, "acme/kept"));
            try (TestHub hub = TestHub.startFromFile(file, Map.of())) {
                Files.writeString(file, "providers:\n  - id: acme\n    kind: openai\n    base_url: nope\n");
                TestHub.Response r = hub.post("/v1/catalog/reload", "");
                assertThat(r.status()).isEqualTo(400);
                JsonNode e = r.json().path("error");
                assertThat(e.path("type").asText()).isEqualTo("invalid_request_error");
                assertThat(e.path("code").asText()).isEqualTo("invalid_config");
                assertThat(e.path("message").asText()).contains("providers[0].base_url").contains("http://");

                Files.writeString(file, "models:\n  - id: x/y\n    offerings: [{provider: nowhere}]\n");
                TestHub.Response r2 = hub.post("/v1/catalog/reload", "");
                assertThat(r2.status()).isEqualTo(400);
                assertThat(r2.json().path("error").path("message").asText()).contains("nowhere");

                Files.writeString(file, "not: [valid");
                assertThat(hub.post("/v1/catalog/reload", "").status()).isEqualTo(400);

                assertThat(hub.get("/v1/models/acme/kept").status()).isEqualTo(200);
                assertThat(hub.post("/v1/chat/completions",
                        "{\"model\":\"acme/kept\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").status()).isEqualTo(200);
            }
        }
    }

    @Test
    void reloadNeedsTheAdminScope() {
        try (TestHub hub = TestHub.start("")) {
            TestHub.Response r = hub.send("POST", "/v1/catalog/reload", "", null, Map.of());
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json().path("error").path("type").asText()).isEqualTo("authentication_error");
        }
    }
}
