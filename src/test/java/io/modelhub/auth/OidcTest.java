package io.modelhub.auth;

import static io.modelhub.testing.AuthCalls.CHAT;
import static io.modelhub.testing.AuthCalls.assertError;
import static io.modelhub.testing.AuthCalls.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** External OIDC tokens, checked against a JWKS this test serves on a local HTTP server with a key pair it made. */
class OidcTest {
    static final String ISSUER = "https://idp.example.test";
    static final String AUDIENCE = "modelhub";

    RSAKey signing;
    RSAKey stranger;
    HttpServer jwksServer;
    final AtomicInteger jwksFetches = new AtomicInteger();
    MockUpstream upstream;
    TestHub hub;

    @BeforeEach
    void start() throws Exception {
        signing = new RSAKeyGenerator(2048).keyID("k1").generate();
        stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
        byte[] jwks = new JWKSet(signing.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwksServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwksServer.createContext("/jwks.json", ex -> {
            jwksFetches.incrementAndGet();
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, jwks.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(jwks);
            }
        });
        jwksServer.start();
        upstream = new MockUpstream();
        hub = TestHub.start(TestHub.oneProvider("mockai", upstream, "acme/chat-1") + """
                auth:
                  oidc:
                    issuer: %s
                    audience: %s
                    jwks_url: http://127.0.0.1:%d/jwks.json
                    scopes_claim: scp
                """.formatted(ISSUER, AUDIENCE, jwksServer.getAddress().getPort()));
    }

    @AfterEach
    void stop() {
        hub.close();
        upstream.close();
        jwksServer.stop(0);
    }

    private static String token(RSAKey key, String issuer, String audience, long expiresInSeconds, Object scopes) throws JOSEException {
        long now = System.currentTimeMillis();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject("alice@example.test")
                .issueTime(new Date(now)).expirationTime(new Date(now + expiresInSeconds * 1000)).claim("scp", scopes).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void goodExternalTokenIsAcceptedWithItsScopes() throws Exception {
        String t = token(signing, ISSUER, AUDIENCE, 300, "read openid");
        assertThat(call(hub, "POST", "/v1/chat/completions", CHAT, t).status()).isEqualTo(200);
        assertThat(call(hub, "POST", "/v1/chat/completions", CHAT, t).status()).isEqualTo(200);
        assertError(call(hub, "GET", "/v1/keys", null, t), 403, "permission_error", "insufficient_scope");
        // The JWKS is cached, not fetched per request.
        assertThat(jwksFetches.get()).isEqualTo(1);
    }

    @Test
    void externalAdminFromAListClaimMayManageKeys() throws Exception {
        String t = token(signing, ISSUER, AUDIENCE, 300, java.util.List.of("admin"));
        assertThat(call(hub, "GET", "/v1/keys", null, t).status()).isEqualTo(200);
    }

    @Test
    void externalCallerIsMeteredUnderOidcSub() throws Exception {
        java.util.List<String> keyIds = new java.util.concurrent.CopyOnWriteArrayList<>();
        hub.hub().metering().add(r -> keyIds.add(r.keyId()));
        String t = token(signing, ISSUER, AUDIENCE, 300, "read");
        assertThat(call(hub, "POST", "/v1/chat/completions", CHAT, t).status()).isEqualTo(200);
        // The record is made once the answer is out, so it may land just after the client has it.
        long deadline = System.currentTimeMillis() + 5000;
        while (keyIds.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(keyIds).containsExactly("oidc:alice@example.test");
    }

    @Test
    void wrongIssuerIs401() throws Exception {
        assertError(call(hub, "POST", "/v1/chat/completions", CHAT, token(signing, "https://evil.test", AUDIENCE, 300, "read")),
                401, "authentication_error", "invalid_token");
    }

    @Test
    void wrongAudienceIs401() throws Exception {
        assertError(call(hub, "POST", "/v1/chat/completions", CHAT, token(signing, ISSUER, "someone-else", 300, "read")),
                401, "authentication_error", "invalid_token");
    }

    @Test
    void expiredExternalTokenIs401() throws Exception {
        assertError(call(hub, "POST", "/v1/chat/completions", CHAT, token(signing, ISSUER, AUDIENCE, -600, "read")),
                401, "authentication_error", "invalid_token");
    }

    @Test
    void badSignatureIs401() throws Exception {
        assertError(call(hub, "POST", "/v1/chat/completions", CHAT, token(stranger, ISSUER, AUDIENCE, 300, "read")),
                401, "authentication_error", "invalid_token");
    }

    @Test
    void tokenWithoutAHubScopeIs403() throws Exception {
        assertError(call(hub, "POST", "/v1/chat/completions", CHAT, token(signing, ISSUER, AUDIENCE, 300, "openid profile")),
                403, "permission_error", "insufficient_scope");
    }

    @Test
    void apiKeysStillWorkBesideOidc() throws IOException {
        assertThat(hub.post("/v1/chat/completions", CHAT).status()).isEqualTo(200);
    }
}
