package io.modelhub.auth;

import com.nimbusds.jwt.SignedJWT;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.modelhub.api.ApiException;
import java.text.ParseException;

/**
 * The hub's authenticator: reads the credential from {@code Authorization: Bearer} (or {@code X-API-Key})
 * and tells an API key ({@code mh-...}), a hub access token and an external OIDC token apart. A request with
 * neither header but a {@code modelhub_session} cookie is checked as a portal session.
 */
public final class CredentialAuthenticator implements Authenticator {
    private static final HeaderName X_API_KEY = HeaderNames.create("x-api-key");

    private final Keys keys;
    private final HubTokens tokens;
    private final OidcVerifier oidc;
    private final SessionVerifier sessions;

    /** {@code oidc} may be null when no external issuer is configured. */
    public CredentialAuthenticator(Keys keys, HubTokens tokens, OidcVerifier oidc) {
        this(keys, tokens, oidc, null);
    }

    /** {@code oidc} and {@code sessions} may be null (no external issuer; no portal sessions). */
    public CredentialAuthenticator(Keys keys, HubTokens tokens, OidcVerifier oidc, SessionVerifier sessions) {
        this.keys = keys;
        this.tokens = tokens;
        this.oidc = oidc;
        this.sessions = sessions;
    }

    @Override
    public Principal authenticate(ServerRequest req) {
        // A header credential wins over a cookie: programs send headers, and need no CSRF token.
        if (sessions != null && !req.headers().contains(HeaderNames.AUTHORIZATION) && !req.headers().contains(X_API_KEY)) {
            var cookie = req.headers().cookies().first(SessionVerifier.COOKIE);
            if (cookie.isPresent() && !cookie.get().isBlank()) {
                return sessions.verify(cookie.get().trim(), req);
            }
        }
        return authenticate(credential(req));
    }

    /** The caller behind a credential as sent (for callers outside the HTTP router, and the benchmark). */
    public Principal authenticate(String credential) {
        long now = System.currentTimeMillis();
        if (credential.startsWith(ApiKeyCredential.PREFIX)) {
            ApiKeyCredential cred = ApiKeyCredential.parse(credential);
            if (cred == null) {
                throw ApiException.unauthorized("Malformed API key: expected mh-<key id>.<secret>.", "invalid_api_key");
            }
            return keys.verify(cred, now).principal();
        }
        Principal known = tokens.verifyIfKnown(credential, now);
        if (known != null) {
            return known;
        }
        SignedJWT jwt = parseJwt(credential);
        if (jwt == null) {
            throw ApiException.unauthorized("Invalid credential: send an API key (mh-...) or an access token.", "invalid_api_key");
        }
        String issuer;
        try {
            issuer = jwt.getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            throw ApiException.unauthorized("Invalid access token.", "invalid_token");
        }
        if (HubTokens.ISSUER.equals(issuer)) {
            return tokens.verify(credential, jwt, now);
        }
        if (oidc != null && oidc.issuer().equals(issuer)) {
            return oidc.verify(jwt);
        }
        throw ApiException.unauthorized("Access token from an issuer this hub does not trust.", "invalid_token");
    }

    private static SignedJWT parseJwt(String text) {
        int first = text.indexOf('.');
        if (first < 0 || text.indexOf('.', first + 1) < 0) {
            return null;
        }
        try {
            return SignedJWT.parse(text);
        } catch (ParseException e) {
            return null;
        }
    }

    private static String credential(ServerRequest req) {
        var auth = req.headers().first(HeaderNames.AUTHORIZATION);
        if (auth.isPresent()) {
            String v = auth.get().trim();
            if (v.length() < 7 || !v.regionMatches(true, 0, "Bearer ", 0, 7) || v.substring(7).isBlank()) {
                throw ApiException.unauthorized("Malformed Authorization header: expected 'Bearer <credential>'.", "invalid_authorization");
            }
            return v.substring(7).trim();
        }
        return req.headers().first(X_API_KEY).map(String::trim).filter(s -> !s.isEmpty())
                .orElseThrow(() -> ApiException.unauthorized(
                        "Missing credential: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>', or sign in (POST /auth/login).",
                        "missing_credential"));
    }
}
