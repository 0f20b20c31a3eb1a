package io.modelhub.auth;

import io.helidon.webserver.http.ServerRequest;

/** Establishes who sent a request, from {@code Authorization: Bearer} or {@code X-API-Key}. */
public interface Authenticator {
    /**
     * The caller, or an {@link io.modelhub.api.ApiException} with status 401 when the credential is
     * missing, malformed, unknown, revoked or expired.
     */
    Principal authenticate(ServerRequest req);
}
