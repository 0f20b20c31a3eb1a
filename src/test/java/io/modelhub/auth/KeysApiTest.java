package io.modelhub.auth;

import static io.modelhub.testing.AuthCalls.CHAT;
import static io.modelhub.testing.AuthCalls.assertError;
import static io.modelhub.testing.AuthCalls.call;
import static io.modelhub.testing.AuthCalls.createKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UpstreamAndHub;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeysApiTest {
    @RegisterExtension
    final UpstreamAndHub env = new UpstreamAndHub("mockai", "acme/chat-1");

    @Test
    void createdKeyShowsItsSecretOnceAndNeverAgain() {
        JsonNode created = createKey(env.hub(), "{\"name\":\"ci\",\"scopes\":[\"read\"]}");
        String key = created.path("key").asText();
        String id = created.path("id").asText();
        assertThat(key).startsWith("mh-" + id + ".");
        String secret = key.substring(key.indexOf('.') + 1);
        assertThat(secret.length()).isGreaterThanOrEqualTo(43);
        assertThat(created.path("object").asText()).isEqualTo("api_key");
        assertThat(created.path("scopes").toString()).isEqualTo("[\"read\"]");
        assertThat(created.has("secret_hash")).isFalse();

        TestHub.Response one = env.hub().get("/v1/keys/" + id);
        TestHub.Response all = env.hub().get("/v1/keys");
        TestHub.Response self = call(env.hub(), "GET", "/v1/keys/" + id, null, key);
        for (TestHub.Response r : new TestHub.Response[] {one, all, self}) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).doesNotContain(secret).doesNotContain(ApiKeyCredential.hash(secret)).doesNotContain("\"key\"");
        }
        assertThat(all.json().path("data")).extracting(n -> n.path("id").asText()).contains(id, "testadmin");
        assertThat(self.json().path("spent_usd").asDouble()).isZero();
        assertThat(self.json().path("last_used_at").isNull()).isFalse();
    }

    @Test
    void newKeyWorksForInferenceAndMayReadOnlyItself() {
        String key = createKey(env.hub(), "{\"name\":\"reader\"}").path("key").asText();
        assertThat(call(env.hub(), "POST", "/v1/chat/completions", CHAT, key).status()).isEqualTo(200);
        assertError(call(env.hub(), "GET", "/v1/keys/testadmin", null, key), 403, "permission_error", "insufficient_scope");
    }

    @Test
    void xApiKeyHeaderIsAcceptedLikeBearer() {
        String key = createKey(env.hub(), "{\"name\":\"reader\"}").path("key").asText();
        TestHub.Response r = env.hub().send("POST", "/v1/chat/completions", CHAT, null, Map.of("X-API-Key", key));
        assertThat(r.status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0} {1} needs {2}")
    @CsvSource({
        "POST, /v1/chat/completions, read",
        "POST, /v1/auth/tokens, read",
        "GET, /v1/keys, admin",
        "POST, /v1/keys, admin",
        "PATCH, /v1/keys/testadmin, admin",
        "DELETE, /v1/keys/testadmin, admin",
    })
    void everyScopeAgainstEveryRouteGroup(String method, String path, String needed) {
        Scope need = Scope.fromWire(needed);
        String body = switch (path) {
            case "/v1/chat/completions" -> CHAT;
            case "/v1/keys" -> "{\"name\":\"x\"}";
            case "/v1/keys/testadmin" -> method.equals("PATCH") ? "{\"name\":\"still admin\"}" : null;
            default -> "{}";
        };
        for (Scope s : Scope.values()) {
            String key = createKey(env.hub(), "{\"name\":\"" + s.wireName() + "\",\"scopes\":[\"" + s.wireName() + "\"]}").path("key").asText();
            if (method.equals("DELETE") && s.includes(need)) {
                // Revoking the admin key would lock out the rest of the test: revoke a key of its own instead.
                String victim = createKey(env.hub(), "{\"name\":\"victim\"}").path("id").asText();
                assertThat(call(env.hub(), method, "/v1/keys/" + victim, null, key).status()).isEqualTo(200);
                continue;
            }
            TestHub.Response r = call(env.hub(), method, path, body, key);
            if (s.includes(need)) {
                assertThat(r.status()).as(s + " on " + method + " " + path + ": " + r.body()).isIn(200, 201);
            } else {
                assertError(r, 403, "permission_error", "insufficient_scope");
            }
        }
    }

    @Test
    void missingMalformedAndUnknownCredentialsAre401() {
        assertError(call(env.hub(), "POST", "/v1/chat/completions", CHAT, null), 401, "authentication_error", "missing_credential");
        assertError(env.hub().send("GET", "/v1/keys", null, null, Map.of("Authorization", "Basic Zm9vOmJhcg==")),
                401, "authentication_error", "invalid_authorization");
        assertError(call(env.hub(), "GET", "/v1/keys", null, "mh-broken"), 401, "authentication_error", "invalid_api_key");
        assertError(call(env.hub(), "GET", "/v1/keys", null, "sk-something"), 401, "authentication_error", "invalid_api_key");
        assertError(call(env.hub(), "GET", "/v1/keys", null, "mh-nosuchkey.0123456789abcdef0123456789abcdef"),
                401, "authentication_error", "invalid_api_key");
        assertError(call(env.hub(), "GET", "/v1/keys", null, "mh-testadmin.0123456789abcdef0123456789abcdeX"),
                401, "authentication_error", "invalid_api_key");
    }

    @Test
    void revokedKeyIsRefusedAtOnce() {
        JsonNode created = createKey(env.hub(), "{\"name\":\"soon gone\"}");
        String key = created.path("key").asText();
        assertThat(call(env.hub(), "POST", "/v1/chat/completions", CHAT, key).status()).isEqualTo(200);
        TestHub.Response del = call(env.hub(), "DELETE", "/v1/keys/" + created.path("id").asText(), null, TestHub.ADMIN_KEY);
        assertThat(del.status()).isEqualTo(200);
        assertThat(del.json().path("deleted").asBoolean()).isTrue();
        assertError(call(env.hub(), "POST", "/v1/chat/completions", CHAT, key), 401, "authentication_error", "key_revoked");
        JsonNode after = env.hub().get("/v1/keys/" + created.path("id").asText()).json();
        assertThat(after.path("revoked").asBoolean()).isTrue();
        assertThat(after.path("revoked_at").asText()).isNotEmpty();
    }

    @Test
    void expiredKeyIsRefused() throws InterruptedException {
        String expires = Instant.now().plusMillis(1500).toString();
        String key = createKey(env.hub(), "{\"name\":\"short\",\"expires_at\":\"" + expires + "\"}").path("key").asText();
        assertThat(call(env.hub(), "POST", "/v1/chat/completions", CHAT, key).status()).isEqualTo(200);
        Thread.sleep(1600);
        assertError(call(env.hub(), "POST", "/v1/chat/completions", CHAT, key), 401, "authentication_error", "key_expired");
    }

    @Test
    void patchChangesLimitsAndScopeTakesEffectAtOnce() {
        JsonNode created = createKey(env.hub(), "{\"name\":\"writer\",\"scopes\":[\"write\"],\"rpm\":10}");
        String id = created.path("id").asText();
        String key = created.path("key").asText();
        assertThat(call(env.hub(), "POST", "/v1/chat/completions", CHAT, key).status()).isEqualTo(200);
        TestHub.Response p = call(env.hub(), "PATCH", "/v1/keys/" + id,
                "{\"name\":\"renamed\",\"rpm\":null,\"tpm\":500,\"allowed_models\":[\"other/model\"],\"expires_at\":\"2099-01-01T00:00:00Z\"}",
                TestHub.ADMIN_KEY);
        assertThat(p.status()).as(p.body()).isEqualTo(200);
        assertThat(p.json().path("name").asText()).isEqualTo("renamed");
        assertThat(p.json().path("rpm").isNull()).isTrue();
        assertThat(p.json().path("tpm").asInt()).isEqualTo(500);
        assertThat(p.json().path("expires_at").asText()).isEqualTo("2099-01-01T00:00:00Z");
        assertError(call(env.hub(), "POST", "/v1/chat/completions", CHAT, key), 403, "permission_error", "model_not_allowed");
    }

    @Test
    void keyLimitedToOtherModelsGets403() {
        String key = createKey(env.hub(), "{\"name\":\"narrow\",\"allowed_models\":[\"someone/else\"]}").path("key").asText();
        assertError(call(env.hub(), "POST", "/v1/chat/completions", CHAT, key), 403, "permission_error", "model_not_allowed");
    }

    @ParameterizedTest(name = "{0} -> 400 on {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"scopes\":[\"read\"]}|name",
        "{\"name\":\"\"}|name",
        "{\"name\":\"x\",\"scopes\":[\"root\"]}|scopes",
        "{\"name\":\"x\",\"scopes\":[]}|scopes",
        "{\"name\":\"x\",\"expires_at\":\"tomorrow\"}|expires_at",
        "{\"name\":\"x\",\"expires_at\":\"2001-01-01T00:00:00Z\"}|expires_at",
        "{\"name\":\"x\",\"allowed_models\":\"acme/chat-1\"}|allowed_models",
        "{\"name\":\"x\",\"rpm\":0}|rpm",
        "{\"name\":\"x\",\"tpm\":1.5}|tpm",
        "{\"name\":\"x\",\"budget_usd\":-1}|budget_usd",
        "{\"name\":\"x\",\"colour\":\"red\"}|colour",
    })
    void invalidKeyRequestIs400NamingTheField(String body, String field) {
        TestHub.Response r = env.hub().post("/v1/keys", body);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(r.json().path("error").path("param").asText()).isEqualTo(field);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo(field.equals("colour") ? "unknown_parameter" : "invalid_value");
    }

    @Test
    void malformedJsonIs400() {
        assertError(env.hub().post("/v1/keys", "{\"name\":"), 400, "invalid_request_error", "invalid_json");
    }

    @Test
    void unknownKeyIdIs404() {
        assertError(env.hub().get("/v1/keys/nosuch"), 404, "not_found_error", "key_not_found");
        assertError(call(env.hub(), "PATCH", "/v1/keys/nosuch", "{\"name\":\"x\"}", TestHub.ADMIN_KEY), 404, "not_found_error", "key_not_found");
        assertError(call(env.hub(), "DELETE", "/v1/keys/nosuch", null, TestHub.ADMIN_KEY), 404, "not_found_error", "key_not_found");
    }
}
