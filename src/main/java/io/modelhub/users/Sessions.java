package io.modelhub.users;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.modelhub.api.ApiException;
import io.modelhub.auth.Principal;
import io.modelhub.auth.SessionVerifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Portal sessions. A session id is 256 random bits, sent to the browser in an HttpOnly cookie and stored
 * only as its SHA-256, so any node sharing the store accepts it and a copy of the table signs nobody in.
 * Every request reads the session (and its user) from the store, so logging out, disabling or deleting a
 * user takes effect at once on every node. A session ends after {@code idle} without a request and after
 * {@code max} in any case. Requests that change something must carry the session's CSRF token.
 */
public final class Sessions implements SessionVerifier {
    /** The header that carries the CSRF token. */
    public static final HeaderName CSRF_HEADER = HeaderNames.create("X-CSRF-Token");
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final UserStore store;
    private final Duration idle;
    private final Duration max;
    private final long touchEveryMs;
    private final SecureRandom random = new SecureRandom();

    public Sessions(UserStore store, Duration idle, Duration max) {
        this.store = store;
        this.idle = idle;
        this.max = max;
        // Activity is written at most this often; a quarter of the idle time keeps the idle limit honest.
        this.touchEveryMs = Math.min(60_000, idle.toMillis() / 4);
    }

    /** A new session: its id (the cookie value; never stored) and its CSRF token. */
    public record Started(String sessionId, String csrfToken, long expiresAtMs) {}

    public Started start(User user, long nowMs) {
        String id = token();
        String csrf = token();
        long expires = nowMs + max.toMillis();
        store.insertSession(hash(id), user.id(), csrf, nowMs, expires);
        return new Started(id, csrf, expires);
    }

    /** How long the cookie should live: the session's absolute lifetime. */
    public Duration maxAge() {
        return max;
    }

    @Override
    public Principal verify(String sessionId, ServerRequest req) {
        UserStore.StoredSession s = live(sessionId, System.currentTimeMillis())
                .orElseThrow(() -> ApiException.unauthorized("Your session has ended or expired; sign in again (POST /auth/login).",
                        "session_expired"));
        if (changes(req.prologue().method())) {
            checkCsrf(s, req);
        }
        User u = s.user();
        return new Principal(null, u.email(), u.role().scope(), null, Principal.CredentialKind.SESSION, u.id());
    }

    /** 403 {@code csrf_failed} unless the request carries the session's CSRF token. */
    static void checkCsrf(UserStore.StoredSession s, ServerRequest req) {
        String sent = req.headers().first(CSRF_HEADER).orElse("");
        if (!MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), s.csrfToken().getBytes(StandardCharsets.UTF_8))) {
            throw ApiException.forbidden("A request made with a session that changes something must carry the header "
                    + "X-CSRF-Token with the csrf_token from POST /auth/login (or GET /v1/me).", "csrf_failed");
        }
    }

    /**
     * The live session behind this id, its activity noted; empty (and forgotten, if it existed) when it is
     * unknown, idle too long, past its lifetime, or its user is disabled.
     */
    public Optional<UserStore.StoredSession> live(String sessionId, long nowMs) {
        String h = hash(sessionId);
        Optional<UserStore.StoredSession> found = store.session(h);
        if (found.isEmpty()) {
            return found;
        }
        UserStore.StoredSession s = found.get();
        if (nowMs >= s.expiresAt() || nowMs - s.lastSeenAt() >= idle.toMillis() || s.user().disabled()) {
            store.deleteSession(h);
            return Optional.empty();
        }
        if (nowMs - s.lastSeenAt() >= touchEveryMs) {
            store.touchSession(h, nowMs);
        }
        return found;
    }

    /** Ends the session at once (for every node: they all read the store). */
    public void end(String sessionId) {
        store.deleteSession(hash(sessionId));
    }

    /** Ends every session of a user, except the one with this id (null: all). */
    public void endAllOf(String userId, String exceptSessionId) {
        store.deleteSessionsOf(userId, exceptSessionId == null ? null : hash(exceptSessionId));
    }

    static boolean changes(Method m) {
        return !(m == Method.GET || m == Method.HEAD || m == Method.OPTIONS);
    }

    /** The session id in a request's cookie, if any. */
    public static Optional<String> cookie(ServerRequest req) {
        var c = req.headers().cookies().first(COOKIE);
        return c.isPresent() && !c.get().isBlank() ? Optional.of(c.get().trim()) : Optional.empty();
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return B64URL.encodeToString(b);
    }

    static String hash(String sessionId) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sessionId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
