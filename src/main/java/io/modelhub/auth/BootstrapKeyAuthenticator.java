package io.modelhub.auth;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.modelhub.server.ApiException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Accepts exactly one key, the one given in MODELHUB_ADMIN_KEY, as admin. Serves until the key store
 * exists; then {@code auth}'s store-backed authenticator takes over.
 */
public final class BootstrapKeyAuthenticator implements Authenticator {
    private final byte[] key;

    public BootstrapKeyAuthenticator(String key) {
        this.key = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Principal authenticate(ServerRequest req) {
        String presented = req.headers().first(HeaderNames.AUTHORIZATION)
                .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7)).map(v -> v.substring(7).trim())
                .or(() -> req.headers().first(HeaderNames.create("x-api-key")).map(String::trim))
                .orElseThrow(() -> ApiException.unauthorized("Missing credential: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'.", "missing_credential"));
        if (key == null || !MessageDigest.isEqual(key, presented.getBytes(StandardCharsets.UTF_8))) {
            throw ApiException.unauthorized("Invalid API key.", "invalid_api_key");
        }
        return new Principal("bootstrap", "bootstrap admin", Scope.ADMIN, null, Principal.CredentialKind.API_KEY);
    }
}
