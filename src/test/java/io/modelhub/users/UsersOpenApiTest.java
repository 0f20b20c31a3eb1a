package io.modelhub.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.api.Json;
import io.modelhub.server.OpenApiEndpoint;
import org.junit.jupiter.api.Test;

class UsersOpenApiTest {
    @Test
    void usersSessionsAndKeyOwnersAreDocumented() {
        JsonNode doc = OpenApiEndpoint.assemble(Json.newMapper());
        JsonNode paths = doc.path("paths");
        assertThat(paths.path("/v1/users").has("post")).isTrue();
        assertThat(paths.path("/v1/users").has("get")).isTrue();
        for (String m : new String[] {"get", "patch", "delete"}) {
            assertThat(paths.path("/v1/users/{id}").has(m)).as(m).isTrue();
        }
        assertThat(paths.path("/v1/me").has("get")).isTrue();
        assertThat(paths.path("/auth/login").has("post")).isTrue();
        assertThat(paths.path("/auth/logout").has("post")).isTrue();
        assertThat(paths.path("/auth/status").has("get")).isTrue();
        assertThat(paths.path("/v1/users").path("post").path("responses").has("409")).isTrue();
        assertThat(paths.path("/auth/login").path("post").path("responses").has("429")).isTrue();
        // the users fragment adds to the keys fragment, it does not replace it
        assertThat(paths.path("/v1/keys").path("post").has("requestBody")).isTrue();
        JsonNode key = doc.path("components").path("schemas").path("Key").path("properties");
        assertThat(key.has("owner")).isTrue();
        assertThat(key.has("scopes")).isTrue();
        assertThat(doc.path("components").path("securitySchemes").has("session")).isTrue();
    }
}
