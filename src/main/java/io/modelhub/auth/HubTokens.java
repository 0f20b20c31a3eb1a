package io.modelhub.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.modelhub.api.ApiException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Hub access tokens: short-lived HS256 JWTs that stand for an API key with the same or fewer scopes. The
 * signing key is made on first start and kept in {@code hub_settings}, so every node sharing the store
 * accepts every node's tokens. A token is only as alive as its key: each use checks the key (from cache).
 */
public final class HubTokens {
    /** The {@code iss} of every hub token; tells them apart from external OIDC tokens. */
    public static final String ISSUER = "modelhub";
    static final String SIGNING_KEY_SETTING = "auth.token_signing_key";
    private static final String SCOPES_CLAIM = "scopes";

    private final Keys keys;
    private final MACSigner signer;
    private final MACVerifier verifier;
    // Verified tokens by their text: skips HMAC and JSON parsing on repeated use. Expiry and the key are still checked on every hit.
    private final Cache<String, Claims> verified = Caffeine.newBuilder().maximumSize(50_000).expireAfterWrite(Duration.ofMinutes(10)).build();

    /** What a verified token says. */
    record Claims(String keyId, Scope scope, long expiresAtMs) {}

    /** A token as handed to the client. */
    public record Issued(String token, long expiresInSeconds, List<Scope> scopes) {}

    public HubTokens(Keys keys, KeyStore store) {
        this.keys = keys;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String stored = store.settingIfAbsent(SIGNING_KEY_SETTING, Base64.getEncoder().encodeToString(secret));
        byte[] key = Base64.getDecoder().decode(stored);
        try {
            this.signer = new MACSigner(key);
            this.verifier = new MACVerifier(key);
        } catch (JOSEException e) {
            throw new IllegalStateException("the token signing key in hub_settings is unusable: " + e.getMessage(), e);
        }
    }

    /** Signs a token for {@code key} carrying {@code scopes}, living {@code ttl} but never past the key's own expiry. */
    public Issued issue(KeyRecord key, List<Scope> scopes, Duration ttl, long nowMs) {
        long exp = nowMs + ttl.toMillis();
        if (key.expiresAt() != null) {
            exp = Math.min(exp, key.expiresAt());
        }
        // JWT times have one-second resolution: round down so the token never outlives its key.
        long expSeconds = exp / 1000;
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(key.id())
                .issueTime(new Date(nowMs / 1000 * 1000))
                .expirationTime(new Date(expSeconds * 1000))
                .jwtID(UUID.randomUUID().toString())
                .claim(SCOPES_CLAIM, scopes.stream().map(Scope::wireName).toList())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
        }
        return new Issued(jwt.serialize(), Math.max(0, expSeconds - nowMs / 1000), scopes);
    }

    /** The caller behind a hub token: 401 when the signature is wrong, the token expired, or its key is revoked or expired. */
    public Principal verify(String token, SignedJWT parsed, long nowMs) {
        Claims c = verified.getIfPresent(token);
        if (c == null) {
            c = check(parsed);
            verified.put(token, c);
        }
        return principal(c, nowMs);
    }

    /** The caller behind a token this node verified before, or null when it has not seen it (then parse and call verify). */
    public Principal verifyIfKnown(String token, long nowMs) {
        Claims c = verified.getIfPresent(token);
        return c == null ? null : principal(c, nowMs);
    }

    private Principal principal(Claims c, long nowMs) {
        if (nowMs >= c.expiresAtMs()) {
            throw ApiException.unauthorized("The access token has expired; get a new one from POST /v1/auth/tokens.", "token_expired");
        }
        KeyRecord key = keys.live(c.keyId(), nowMs);
        // A token never grants more than its key holds now (the key may have been narrowed since).
        Scope scope = key.scope().includes(c.scope()) ? c.scope() : key.scope();
        return new Principal(key.id(), key.name(), scope, key.allowedModels(), Principal.CredentialKind.HUB_TOKEN, key.owner());
    }

    private Claims check(SignedJWT jwt) {
        try {
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                throw invalid();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (claims.getSubject() == null || claims.getExpirationTime() == null) {
                throw invalid();
            }
            Scope widest = null;
            List<String> names = claims.getStringListClaim(SCOPES_CLAIM);
            if (names != null) {
                for (String n : names) {
                    Scope s = Scope.fromWire(n);
                    if (s != null && (widest == null || s.includes(widest))) {
                        widest = s;
                    }
                }
            }
            if (widest == null) {
                throw invalid();
            }
            return new Claims(claims.getSubject(), widest, claims.getExpirationTime().getTime());
        } catch (JOSEException | ParseException e) {
            throw invalid();
        }
    }

    private static ApiException invalid() {
        return ApiException.unauthorized("Invalid access token.", "invalid_token");
    }
}
