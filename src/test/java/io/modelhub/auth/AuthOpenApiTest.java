package io.modelhub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.api.Json;
import io.modelhub.server.OpenApiEndpoint;
import org.junit.jupiter.api.Test;

class AuthOpenApiTest {
    @Test
    void keysAndTokensPathsAndRateLimitHeadersAreDocumented() {
        JsonNode doc = OpenApiEndpoint.assemble(Json.newMapper());
        JsonNode paths = doc.path("paths");
        assertThat(paths.path("/v1/keys").has("post")).isTrue();
        assertThat(paths.path("/v1/keys").has("get")).isTrue();
        for (String m : new String[] {"get", "patch", "delete"}) {
            assertThat(paths.path("/v1/keys/{id}").has(m)).as(m).isTrue();
        }
        assertThat(paths.path("/v1/auth/tokens").has("post")).isTrue();
        JsonNode chat = paths.path("/v1/chat/completions").path("post").path("responses");
        assertThat(chat.path("200").path("headers").has("x-ratelimit-reset-tokens")).isTrue();
        assertThat(chat.path("200").path("headers").has("x-modelhub-provider")).isTrue();
        assertThat(chat.has("429")).isTrue();
        assertThat(doc.path("components").path("schemas").has("CreatedKey")).isTrue();
    }
}
