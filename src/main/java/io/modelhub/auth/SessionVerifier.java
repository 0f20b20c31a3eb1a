package io.modelhub.auth;

import io.helidon.webserver.http.ServerRequest;

/**
 * Checks a portal session cookie (implemented by {@code io.modelhub.users}): the caller behind it, or an
 * {@link io.modelhub.api.ApiException} (401 when the session is unknown, ended or expired; 403
 * {@code csrf_failed} when a request that changes something lacks the session's CSRF token).
 */
public interface SessionVerifier {
    /** The cookie a session travels in. */
    String COOKIE = "modelhub_session";

    Principal verify(String sessionId, ServerRequest req);
}
