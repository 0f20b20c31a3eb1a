package io.modelhub.users;

import static io.modelhub.testing.AuthCalls.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Portal sign-in through an OIDC issuer that this test runs in process: discovery document, JWKS and a
 * token endpoint that checks the PKCE verifier and answers an ID token signed with a key pair it made.
 */
class OidcSignInTest {
    RSAKey signing;
    HttpServer issuer;
    String issuerUrl;
    /** code -> (code_challenge, nonce) as the "authorization" step recorded them. */
    final Map<String, String[]> codes = new ConcurrentHashMap<>();
    volatile String email = "sso@example.com";
    volatile boolean emailVerified = true;
    MockUpstream upstream;
    TestHub hub;

    @BeforeEach
    void start() throws Exception {
        signing = new RSAKeyGenerator(2048).keyID("k1").generate();
        issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuerUrl = "http://127.0.0.1:" + issuer.getAddress().getPort();
        byte[] jwks = new JWKSet(signing.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        issuer.createContext("/.well-known/openid-configuration", ex -> send(ex, 200, ("{\"issuer\":\"" + issuerUrl
                + "\",\"authorization_endpoint\":\"" + issuerUrl + "/authorize\",\"token_endpoint\":\"" + issuerUrl + "/token\"}")
                .getBytes(StandardCharsets.UTF_8)));
        issuer.createContext("/jwks.json", ex -> send(ex, 200, jwks));
        issuer.createContext("/token", this::token);
        issuer.start();
        upstream = new MockUpstream();
        hub = TestHub.start(TestHub.oneProvider("mockai", upstream, "acme/chat-1") + """
                auth:
                  oidc:
                    issuer: %s
                    audience: modelhub
                    jwks_url: %s/jwks.json
                    client_id: modelhub-portal
                    client_secret: s3cret
                """.formatted(issuerUrl, issuerUrl));
    }

    @AfterEach
    void stop() {
        hub.close();
        upstream.close();
        issuer.stop(0);
    }

    private void token(HttpExchange ex) throws IOException {
        Map<String, String> form = parse(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String[] grant = codes.remove(form.get("code"));
        String basic = "Basic " + Base64.getEncoder().encodeToString("modelhub-portal:s3cret".getBytes(StandardCharsets.UTF_8));
        if (grant == null || !basic.equals(ex.getRequestHeaders().getFirst("Authorization"))
                || !grant[0].equals(challenge(form.getOrDefault("code_verifier", "")))) {
            send(ex, 400, "{\"error\":\"invalid_grant\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        try {
            long now = System.currentTimeMillis();
            JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuerUrl).audience("modelhub-portal").subject("sub-42")
                    .issueTime(new Date(now)).expirationTime(new Date(now + 300_000)).claim("nonce", grant[1])
                    .claim("email", email).claim("email_verified", emailVerified).claim("name", "Sso User").build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims);
            jwt.sign(new RSASSASigner(signing));
            send(ex, 200, ("{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"id_token\":\"" + jwt.serialize() + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            send(ex, 500, new byte[0]);
        }
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static Map<String, String> parse(String q) {
        Map<String, String> out = new HashMap<>();
        for (String kv : q.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the browser holds after the issuer redirected back: the callback's answer. */
    private TestHub.Response signIn() {
        TestHub.Response start = hub.send("GET", "/auth/oidc/login", null, null, Map.of());
        assertThat(start.status()).as(start.body()).isEqualTo(302);
        URI location = URI.create(start.header("location"));
        assertThat(location.toString()).startsWith(issuerUrl + "/authorize?");
        Map<String, String> q = parse(location.getRawQuery());
        assertThat(q).containsEntry("response_type", "code").containsEntry("client_id", "modelhub-portal")
                .containsEntry("code_challenge_method", "S256").containsKey("state").containsKey("nonce");
        assertThat(q.get("redirect_uri")).endsWith("/auth/oidc/callback");
        String flowCookie = start.header("set-cookie");
        assertThat(flowCookie).startsWith("modelhub_oidc=").contains("HttpOnly");
        // the issuer authenticates the person and sends the browser back with a code
        String code = "code-" + System.nanoTime();
        codes.put(code, new String[] {q.get("code_challenge"), q.get("nonce")});
        return hub.send("GET", "/auth/oidc/callback?code=" + code + "&state=" + q.get("state"), null, null,
                Map.of("Cookie", flowCookie.substring(0, flowCookie.indexOf(';'))));
    }

    @Test
    void theFirstSignInCreatesAMemberAndStartsASession() {
        assertThat(hub.send("GET", "/auth/status", null, null, Map.of()).json().path("oidc").asBoolean()).isTrue();
        TestHub.Response back = signIn();
        assertThat(back.status()).as(back.body()).isEqualTo(302);
        assertThat(back.header("location")).isEqualTo("/");
        String session = back.headers().get("set-cookie").stream().filter(c -> c.startsWith("modelhub_session=")).findFirst().orElseThrow();
        String id = session.substring("modelhub_session=".length(), session.indexOf(';'));
        TestHub.Response me = hub.send("GET", "/v1/me", null, null, Map.of("Cookie", "modelhub_session=" + id));
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json().path("email").asText()).isEqualTo("sso@example.com");
        assertThat(me.json().path("role").asText()).isEqualTo("member");
        assertThat(me.json().path("sso").asBoolean()).isTrue();
        // signing in again finds the same user
        assertThat(signIn().status()).isEqualTo(302);
        assertThat(hub.get("/v1/users").json().path("data").size()).isEqualTo(1);
    }

    @Test
    void anExternalTokenOfTheSameIssuerIsShownByMeAsItsSubject() throws Exception {
        long now = System.currentTimeMillis();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuerUrl).audience("modelhub").subject("svc-7")
                .expirationTime(new Date(now + 60_000)).claim("scope", "read").build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims);
        jwt.sign(new RSASSASigner(signing));
        TestHub.Response me = hub.send("GET", "/v1/me", null, jwt.serialize(), Map.of());
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json().path("object").asText()).isEqualTo("external_token");
        assertThat(me.json().path("subject").asText()).isEqualTo("svc-7");
        assertThat(me.json().path("scope").asText()).isEqualTo("read");
        assertThat(me.json().path("user").isNull()).isTrue();
    }

    @Test
    void anExistingAccountIsLinkedOnlyByAVerifiedEmail() {
        String body = "{\"email\":\"SSO@example.com\",\"name\":\"P\",\"password\":\"a long passphrase\",\"role\":\"admin\"}";
        String userId = hub.post("/v1/users", body).json().path("id").asText();
        emailVerified = false;
        assertError(signIn(), 409, "conflict_error", "email_taken");
        emailVerified = true;
        TestHub.Response back = signIn();
        assertThat(back.status()).as(back.body()).isEqualTo(302);
        assertThat(hub.get("/v1/users/" + userId).json().path("sso").asBoolean()).isTrue();
    }

    @Test
    void aCallbackWithAForeignStateOrABadCodeIsRefused() {
        TestHub.Response start = hub.send("GET", "/auth/oidc/login", null, null, Map.of());
        String flowCookie = start.header("set-cookie");
        TestHub.Response forged = hub.send("GET", "/auth/oidc/callback?code=x&state=forged", null, null,
                Map.of("Cookie", flowCookie.substring(0, flowCookie.indexOf(';'))));
        assertError(forged, 400, "invalid_request_error", "invalid_state");
        assertError(hub.send("GET", "/auth/oidc/callback?code=x&state=y", null, null, Map.of()), 400, "invalid_request_error",
                "invalid_state");
        String state = parse(URI.create(start.header("location")).getRawQuery()).get("state");
        TestHub.Response badCode = hub.send("GET", "/auth/oidc/callback?code=never-issued&state=" + state, null, null,
                Map.of("Cookie", flowCookie.substring(0, flowCookie.indexOf(';'))));
        assertError(badCode, 401, "authentication_error", "oidc_failed");
        assertError(hub.send("GET", "/auth/oidc/callback?error=access_denied", null, null, Map.of()), 401, "authentication_error",
                "oidc_failed");
        assertThat(badCode.header("set-cookie")).isNull();
    }
}
