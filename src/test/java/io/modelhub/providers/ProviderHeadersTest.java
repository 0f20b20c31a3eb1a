package io.modelhub.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelhub.config.ConfigLoader;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code headers} on an OpenAI-wire provider (API.md section 11) go with every upstream request and are never printed. */
class ProviderHeadersTest {
    static final String CHAT = "{\"model\":\"acme/chat-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void configuredHeadersReachTheUpstreamOnEveryCall() {
        try (MockUpstream upstream = new MockUpstream();
             TestHub hub = TestHub.start(TestHub.oneProvider("mockai", upstream, "acme/chat-1").replace(
                     "    api_key: upstream-secret-mockai\n",
                     "    api_key: upstream-secret-mockai\n    headers: {X-Org-Token: org-secret-1, OpenAI-Organization: org-42}\n"))) {
            assertThat(hub.post("/v1/chat/completions", CHAT).status()).isEqualTo(200);
            assertThat(upstream.last().header("x-org-token")).isEqualTo("org-secret-1");
            assertThat(upstream.last().header("openai-organization")).isEqualTo("org-42");
            assertThat(hub.post("/v1/chat/completions", CHAT.replace("\"hi\"", "\"again\"")).status()).isEqualTo(200);
            assertThat(upstream.last().header("x-org-token")).isEqualTo("org-secret-1");
            // the values are secrets: the catalog's view of the provider never shows them
            assertThat(hub.get("/v1/providers/mockai").body()).doesNotContain("org-secret-1");
            assertThat(hub.hub().catalog().get().provider("mockai").toString()).doesNotContain("org-secret-1");
        }
    }

    @Test
    void aHeaderThatCouldSplitTheRequestOrABadNameOrKindIsRefusedAtStartUp() {
        ConfigLoader loader = new ConfigLoader(Map.of());
        String base = "providers:\n  - id: x\n    kind: openai\n    base_url: http://127.0.0.1:9\n";
        assertThatThrownBy(() -> loader.parse("m.yaml", base + "    headers: {\"X-A\": \"a\\r\\nX-Injected: 1\"}\n", ConfigLoader.Flags.NONE))
                .hasMessageContaining("providers[0].headers.X-A: must not contain control characters");
        assertThatThrownBy(() -> loader.parse("m.yaml", base + "    headers: {\"bad name\": v}\n", ConfigLoader.Flags.NONE))
                .hasMessageContaining("'bad name' is not a valid header name");
        assertThatThrownBy(() -> loader.parse("m.yaml", base + "    headers: {X-A: [1]}\n", ConfigLoader.Flags.NONE))
                .hasMessageContaining("providers[0].headers.X-A: must be a string");
        assertThatThrownBy(() -> loader.parse("m.yaml",
                "providers:\n  - id: x\n    kind: anthropic\n    headers: {X-A: a}\n", ConfigLoader.Flags.NONE))
                .hasMessageContaining("headers: is only for kinds openai and azure");
    }
}
