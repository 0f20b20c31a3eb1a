package io.modelhub.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.api.ApiException;
import io.modelhub.config.HubConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Portal sign-in through the configured OIDC issuer: {@code GET /auth/oidc/login} redirects to the
 * issuer (authorization code flow with PKCE S256, a random {@code state} and {@code nonce} kept in a
 * short-lived HttpOnly cookie, so the callback may reach any node), and {@code GET /auth/oidc/callback}
 * trades the code for an ID token, checks it (signature against the issuer's JWKS, issuer, audience =
 * client id, expiry, nonce), finds or creates the user and starts a session like a password sign-in.
 * A user is found by the issuer's subject; on first sign-in an existing account with the same verified
 * email is linked, else a member is created.
 */
public final class OidcLogin {
    static final String FLOW_COOKIE = "modelhub_oidc";
    private static final Duration FLOW_LIFETIME = Duration.ofMinutes(10);
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final HubConfig.Oidc config;
    private final String publicBaseUrl;
    private final Accounts accounts;
    private final AuthEndpoint auth;
    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final SecureRandom random = new SecureRandom();
    private final DefaultJWTProcessor<SecurityContext> idTokens = new DefaultJWTProcessor<>();
    private volatile Endpoints endpoints;

    private record Endpoints(String authorization, String token) {}

    OidcLogin(HubConfig.Oidc config, String publicBaseUrl, Accounts accounts, AuthEndpoint auth, ObjectMapper json) {
        this.config = config;
        this.publicBaseUrl = publicBaseUrl;
        this.accounts = accounts;
        this.auth = auth;
        this.json = json;
        JWKSource<SecurityContext> jwks;
        try {
            jwks = JWKSourceBuilder.create(URI.create(config.jwksUrl()).toURL()).build();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException("auth.oidc.jwks_url: " + e.getMessage(), e);
        }
        Set<JWSAlgorithm> algorithms = new HashSet<>();
        algorithms.addAll(JWSAlgorithm.Family.RSA);
        algorithms.addAll(JWSAlgorithm.Family.EC);
        idTokens.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, jwks));
        idTokens.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(config.clientId(),
                new JWTClaimsSet.Builder().issuer(config.issuer()).build(), Set.of("sub", "exp", "nonce")));
        if (config.authorizationEndpoint() != null && config.tokenEndpoint() != null) {
            endpoints = new Endpoints(config.authorizationEndpoint(), config.tokenEndpoint());
        }
    }

    /** {@code GET /auth/oidc/login}: 302 to the issuer's authorization endpoint. */
    public void login(ServerRequest req, ServerResponse res) {
        String state = token();
        String nonce = token();
        String verifier = token();
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", config.clientId());
        q.put("redirect_uri", redirectUri(req));
        q.put("scope", "openid email profile");
        q.put("state", state);
        q.put("nonce", nonce);
        q.put("code_challenge", B64URL.encodeToString(sha256(verifier)));
        q.put("code_challenge_method", "S256");
        String authorization = endpoints().authorization();
        String location = authorization + (authorization.contains("?") ? "&" : "?") + form(q);
        res.headers().add(HeaderValues.create(HeaderNames.SET_COOKIE, FLOW_COOKIE + "=" + state + "." + nonce + "." + verifier
                + "; Path=/auth/oidc; Max-Age=" + FLOW_LIFETIME.toSeconds() + "; HttpOnly; SameSite=Lax" + (auth.secure(req) ? "; Secure" : "")));
        res.header(HeaderNames.LOCATION, location);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.status(Status.FOUND_302);
        res.send();
    }

    /** {@code GET /auth/oidc/callback}: checks the answer, starts a session and sends the browser to the portal. */
    public void callback(ServerRequest req, ServerResponse res) {
        var query = req.query();
        if (query.contains("error")) {
            throw ApiException.unauthorized("The OIDC issuer refused the sign-in: " + query.get("error")
                    + (query.contains("error_description") ? " (" + query.get("error_description") + ")" : "") + ".", "oidc_failed");
        }
        if (!query.contains("code") || !query.contains("state")) {
            throw ApiException.badRequest("The callback needs 'code' and 'state' from the OIDC issuer.", query.contains("code") ? "state" : "code",
                    "invalid_callback");
        }
        String[] flow = req.headers().cookies().first(FLOW_COOKIE).map(v -> v.split("\\.")).orElse(new String[0]);
        if (flow.length != 3 || !MessageDigest.isEqual(flow[0].getBytes(StandardCharsets.UTF_8),
                query.get("state").getBytes(StandardCharsets.UTF_8))) {
            throw ApiException.badRequest("This sign-in was not started here or took too long; start again at /auth/oidc/login.", "state",
                    "invalid_state");
        }
        JWTClaimsSet claims = idToken(exchange(query.get("code"), flow[2], redirectUri(req)), flow[1]);
        User u = user(claims);
        if (u.disabled()) {
            throw ApiException.unauthorized("This account is disabled; ask an admin to enable it.", "user_disabled");
        }
        auth.start(req, res, u);
        res.headers().add(HeaderValues.create(HeaderNames.SET_COOKIE, FLOW_COOKIE + "=; Path=/auth/oidc; Max-Age=0; HttpOnly; SameSite=Lax"));
        res.header(HeaderNames.LOCATION, "/");
        res.status(Status.FOUND_302);
        res.send();
    }

    /** The ID token the issuer answers for the code (PKCE verifier and, if configured, the client secret). */
    private String exchange(String code, String verifier, String redirectUri) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("grant_type", "authorization_code");
        f.put("code", code);
        f.put("redirect_uri", redirectUri);
        f.put("client_id", config.clientId());
        f.put("code_verifier", verifier);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoints().token())).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json");
        if (config.clientSecret() != null) {
            String basic = URLEncoder.encode(config.clientId(), StandardCharsets.UTF_8) + ":"
                    + URLEncoder.encode(config.clientSecret().value(), StandardCharsets.UTF_8);
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.POST(HttpRequest.BodyPublishers.ofString(form(f))).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ApiException.upstream("The OIDC issuer's token endpoint could not be reached: " + e.getMessage(), "oidc_unreachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.upstream("Interrupted while asking the OIDC issuer.", "oidc_unreachable");
        }
        JsonNode body = parse(r.body());
        if (r.statusCode() != 200 || !body.path("id_token").isTextual()) {
            String why = body.path("error").asText("status " + r.statusCode());
            throw ApiException.unauthorized("The OIDC issuer refused the code: " + why + ".", "oidc_failed");
        }
        return body.path("id_token").asText();
    }

    private JWTClaimsSet idToken(String token, String nonce) {
        try {
            JWTClaimsSet c = idTokens.process(SignedJWT.parse(token), null);
            if (!nonce.equals(c.getStringClaim("nonce"))) {
                throw ApiException.unauthorized("The OIDC ID token is not for this sign-in (nonce).", "oidc_failed");
            }
            return c;
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw ApiException.unauthorized("The OIDC ID token was refused: " + e.getMessage(), "oidc_failed");
        }
    }

    /** The user for these claims: by subject, else linked by verified email, else a new member. */
    private User user(JWTClaimsSet c) {
        String subject = config.issuer() + "|" + c.getSubject();
        Optional<User> known = accounts.store().findByOidcSubject(subject);
        if (known.isPresent()) {
            return known.get();
        }
        String email;
        Boolean verified;
        String name;
        try {
            email = c.getStringClaim("email");
            verified = c.getBooleanClaim("email_verified");
            name = c.getStringClaim("name");
        } catch (ParseException e) {
            throw ApiException.unauthorized("The OIDC ID token has a malformed email or name claim.", "oidc_failed");
        }
        if (email == null || email.isBlank()) {
            throw ApiException.unauthorized("The OIDC issuer sent no email for this account; ModelHub needs one.", "oidc_failed");
        }
        Optional<User> byEmail = accounts.byEmail(email);
        if (byEmail.isPresent()) {
            User existing = byEmail.get();
            if (!Boolean.TRUE.equals(verified) || existing.oidcSubject() != null) {
                throw ApiException.conflict("An account with the email '" + email + "' exists and cannot be linked to this sign-in"
                        + (Boolean.TRUE.equals(verified) ? "" : " (the issuer did not verify the email)") + ".", "email_taken");
            }
            User linked = new User(existing.id(), existing.email(), existing.name(), existing.role(), existing.passwordHash(),
                    existing.disabled(), existing.createdAt(), existing.lastLoginAt(), subject);
            accounts.store().update(linked);
            return linked;
        }
        return accounts.createExternal(email, name == null || name.isBlank() ? email : name, subject, Role.MEMBER);
    }

    private Endpoints endpoints() {
        Endpoints e = endpoints;
        if (e != null) {
            return e;
        }
        String url = config.issuer().replaceAll("/+$", "") + "/.well-known/openid-configuration";
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode d = parse(r.body());
            if (r.statusCode() != 200 || !d.path("authorization_endpoint").isTextual() || !d.path("token_endpoint").isTextual()) {
                throw ApiException.unavailable("The OIDC issuer's discovery document (" + url + ") answered status " + r.statusCode()
                        + " without the endpoints; set auth.oidc.authorization_endpoint and token_endpoint.", "oidc_unreachable");
            }
            e = new Endpoints(config.authorizationEndpoint() != null ? config.authorizationEndpoint() : d.path("authorization_endpoint").asText(),
                    config.tokenEndpoint() != null ? config.tokenEndpoint() : d.path("token_endpoint").asText());
            endpoints = e;
            return e;
        } catch (IOException | IllegalArgumentException ex) {
            throw ApiException.unavailable("The OIDC issuer's discovery document (" + url + ") could not be read: " + ex.getMessage(),
                    "oidc_unreachable");
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("Interrupted while reading the OIDC discovery document.", "oidc_unreachable");
        }
    }

    /** Where the issuer sends the browser back: configured, else under the public base URL, else under the request's Host. */
    private String redirectUri(ServerRequest req) {
        if (config.redirectUri() != null) {
            return config.redirectUri();
        }
        if (publicBaseUrl != null) {
            return publicBaseUrl + "/auth/oidc/callback";
        }
        String host = req.headers().first(HeaderNames.HOST).orElse("127.0.0.1");
        return (auth.secure(req) ? "https://" : "http://") + host + "/auth/oidc/callback";
    }

    private JsonNode parse(String body) {
        try {
            JsonNode n = json.readTree(body);
            return n == null ? json.createObjectNode() : n;
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    private static String form(Map<String, String> values) {
        return values.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return B64URL.encodeToString(b);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
