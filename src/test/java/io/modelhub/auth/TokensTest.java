package io.modelhub.auth;

import static io.modelhub.testing.AuthCalls.CHAT;
import static io.modelhub.testing.AuthCalls.assertError;
import static io.modelhub.testing.AuthCalls.call;
import static io.modelhub.testing.AuthCalls.createKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokensTest {
    MockUpstream upstream;
    TestHub hub;

    @BeforeEach
    void start() {
        upstream = new MockUpstream();
        hub = TestHub.start(TestHub.oneProvider("mockai", upstream, "acme/chat-1") + "auth: {token_ttl_seconds: 600}\n");
    }

    @AfterEach
    void stop() {
        hub.close();
        upstream.close();
    }

    private JsonNode token(String key, String body) {
        TestHub.Response r = call(hub, "POST", "/v1/auth/tokens", body, key);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void tokenCarriesTheKeysScopesAndWorksLikeTheKey() {
        JsonNode t = token(TestHub.ADMIN_KEY, null);
        assertThat(t.path("token_type").asText()).isEqualTo("bearer");
        assertThat(t.path("expires_in").asLong()).isBetween(598L, 600L);
        assertThat(t.path("scopes").toString()).isEqualTo("[\"admin\"]");
        String token = t.path("access_token").asText();
        assertThat(token.split("\\.")).hasSize(3);
        assertThat(call(hub, "POST", "/v1/chat/completions", CHAT, token).status()).isEqualTo(200);
        assertThat(call(hub, "GET", "/v1/keys", null, token).status()).isEqualTo(200);
    }

    @Test
    void narrowedTokenCannotDoWhatItsKeyCan() {
        String token = token(TestHub.ADMIN_KEY, "{\"scopes\":[\"read\"],\"ttl_seconds\":60}").path("access_token").asText();
        assertThat(call(hub, "POST", "/v1/chat/completions", CHAT, token).status()).isEqualTo(200);
        assertError(call(hub, "GET", "/v1/keys", null, token), 403, "permission_error", "insufficient_scope");
    }

    @Test
    void askingForMoreScopeThanTheKeyHoldsIs403() {
        String key = createKey(hub, "{\"name\":\"reader\",\"scopes\":[\"read\"]}").path("key").asText();
        assertError(call(hub, "POST", "/v1/auth/tokens", "{\"scopes\":[\"admin\"]}", key), 403, "permission_error", "scope_not_allowed");
    }

    @Test
    void badTokenRequestsAre400() {
        TestHub.Response scope = call(hub, "POST", "/v1/auth/tokens", "{\"scopes\":[\"root\"]}", TestHub.ADMIN_KEY);
        assertError(scope, 400, "invalid_request_error", "invalid_value");
        assertThat(scope.json().path("error").path("param").asText()).isEqualTo("scopes");
        TestHub.Response ttl = call(hub, "POST", "/v1/auth/tokens", "{\"ttl_seconds\":0}", TestHub.ADMIN_KEY);
        assertError(ttl, 400, "invalid_request_error", "invalid_value");
        assertThat(ttl.json().path("error").path("param").asText()).isEqualTo("ttl_seconds");
    }

    @Test
    void tokenCannotBeTradedForAnotherToken() {
        String token = token(TestHub.ADMIN_KEY, null).path("access_token").asText();
        assertError(call(hub, "POST", "/v1/auth/tokens", null, token), 403, "permission_error", "api_key_required");
    }

    @Test
    void tokenDiesWithItsKey() {
        JsonNode created = createKey(hub, "{\"name\":\"temp\"}");
        String token = token(created.path("key").asText(), null).path("access_token").asText();
        assertThat(call(hub, "POST", "/v1/chat/completions", CHAT, token).status()).isEqualTo(200);
        assertThat(call(hub, "DELETE", "/v1/keys/" + created.path("id").asText(), null, TestHub.ADMIN_KEY).status()).isEqualTo(200);
        assertError(call(hub, "POST", "/v1/chat/completions", CHAT, token), 401, "authentication_error", "key_revoked");
    }

    @Test
    void expiredTokenIsRefused() throws InterruptedException {
        String token = token(TestHub.ADMIN_KEY, "{\"ttl_seconds\":1}").path("access_token").asText();
        Thread.sleep(1100);
        assertError(call(hub, "POST", "/v1/chat/completions", CHAT, token), 401, "authentication_error", "token_expired");
    }

    @Test
    void tokenNeverOutlivesItsKey() {
        String expires = Instant.now().plusSeconds(30).toString();
        String key = createKey(hub, "{\"name\":\"short\",\"expires_at\":\"" + expires + "\"}").path("key").asText();
        assertThat(token(key, "{\"ttl_seconds\":3600}").path("expires_in").asLong()).isLessThanOrEqualTo(30);
    }

    @Test
    void tamperedTokenIsRefused() {
        String token = token(TestHub.ADMIN_KEY, "{\"scopes\":[\"read\"]}").path("access_token").asText();
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4) + "AAAA";
        assertError(call(hub, "POST", "/v1/chat/completions", CHAT, forged), 401, "authentication_error", "invalid_token");
    }

    @Test
    void tokensAreSignedWithAKeySharedThroughTheStore() {
        String token = token(TestHub.ADMIN_KEY, null).path("access_token").asText();
        KeyStore store = new KeyStore(hub.hub().store());
        assertThat(store.setting(HubTokens.SIGNING_KEY_SETTING)).isPresent();
        // A second HubTokens over the same store (another node) accepts the first one's token.
        HubTokens other = new HubTokens(hub.hub().keys(), store);
        try {
            Principal p = other.verify(token, com.nimbusds.jwt.SignedJWT.parse(token), System.currentTimeMillis());
            assertThat(p.keyId()).isEqualTo("testadmin");
            assertThat(p.kind()).isEqualTo(Principal.CredentialKind.HUB_TOKEN);
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }
}
