package io.modelhub.users;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.api.ApiException;
import io.modelhub.api.Bodies;
import io.modelhub.auth.KeyRequests;
import io.modelhub.auth.SessionVerifier;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /auth/login}, {@code POST /auth/logout} and {@code GET /auth/status}: portal sign-in with
 * email and password. The same 401 {@code invalid_credentials} (after the same Argon2 work) answers an
 * unknown email and a wrong password; failures are rate-limited per account and per client address.
 */
public final class AuthEndpoint {
    private static final Set<String> LOGIN_FIELDS = Set.of("email", "password");
    private static final HeaderName FORWARDED_PROTO = HeaderNames.create("X-Forwarded-Proto");

    private final ObjectMapper json;
    private final Bodies bodies;
    private final KeyRequests requests;
    private final Accounts accounts;
    private final Sessions sessions;
    private final LoginThrottle throttle;
    private final UsersEndpoint users;
    private final boolean httpsBaseUrl;
    private final boolean oidc;

    AuthEndpoint(ObjectMapper json, Bodies bodies, Accounts accounts, Sessions sessions, LoginThrottle throttle, UsersEndpoint users,
            String publicBaseUrl, boolean oidc) {
        this.json = json;
        this.bodies = bodies;
        this.requests = new KeyRequests(json);
        this.accounts = accounts;
        this.sessions = sessions;
        this.throttle = throttle;
        this.users = users;
        this.httpsBaseUrl = publicBaseUrl != null && publicBaseUrl.startsWith("https://");
        this.oidc = oidc;
    }

    /** {@code POST /auth/login}: {@code {"email","password"}} -> {@code {"user","csrf_token"}} and the session cookie. */
    public void login(ServerRequest req, ServerResponse res) {
        // A JSON content type cannot be sent cross-site without a CORS preflight (which the hub never grants),
        // so another site cannot sign a visitor in to an account of its choosing (login CSRF).
        boolean isJson = req.headers().first(HeaderNames.CONTENT_TYPE)
                .map(t -> t.trim().toLowerCase(java.util.Locale.ROOT).startsWith("application/json")).orElse(false);
        if (!isJson) {
            throw ApiException.badRequest("POST /auth/login takes a JSON body: send 'Content-Type: application/json'.", null,
                    "unsupported_content_type");
        }
        ObjectNode body = requests.object(bodies.read(req), LOGIN_FIELDS);
        String email = UsersEndpoint.text(body, "email");
        String password = UsersEndpoint.text(body, "password");
        if (email == null || email.isBlank()) {
            throw KeyRequests.invalid("email", "'email' is required.");
        }
        if (password == null || password.isEmpty()) {
            throw KeyRequests.invalid("password", "'password' is required.");
        }
        if (password.length() > Passwords.MAX_LENGTH) {
            throw KeyRequests.invalid("password", "'password' must be at most " + Passwords.MAX_LENGTH + " characters.");
        }
        String address = req.remotePeer().host();
        throttle.check(email, address);
        Optional<User> found = accounts.byEmail(email);
        // An unknown email costs the same Argon2 work as a wrong password (verify runs it against a dummy hash).
        boolean ok = accounts.passwords().verify(password, found.map(User::passwordHash).orElse(null));
        if (!ok) {
            throttle.failed(email, address);
            throw ApiException.unauthorized("Wrong email or password.", "invalid_credentials");
        }
        User u = found.get();
        if (u.disabled()) {
            throw ApiException.unauthorized("This account is disabled; ask an admin to enable it.", "user_disabled");
        }
        String csrf = start(req, res, u);
        ObjectNode out = json.createObjectNode();
        out.set("user", users.record(accounts.get(u.id())));
        out.put("csrf_token", csrf);
        users.send(res, out);
    }

    /**
     * Starts a session for a user who has proved who they are (password or OIDC), sets the cookie and
     * answers the CSRF token.
     */
    String start(ServerRequest req, ServerResponse res, User u) {
        long now = System.currentTimeMillis();
        Sessions.Started s = sessions.start(u, now);
        accounts.signedIn(u, now);
        res.headers().add(HeaderValues.create(HeaderNames.SET_COOKIE, cookie(s.sessionId(), sessions.maxAge().toSeconds(), secure(req))));
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        return s.csrfToken();
    }

    /**
     * {@code POST /auth/logout}: ends the session at once on every node (it needs the CSRF token, like every
     * request that changes something) and clears the cookie. Without a live session it only clears the cookie.
     */
    public void logout(ServerRequest req, ServerResponse res) {
        Optional<String> id = Sessions.cookie(req);
        boolean ended = false;
        if (id.isPresent()) {
            Optional<UserStore.StoredSession> live = sessions.live(id.get(), System.currentTimeMillis());
            if (live.isPresent()) {
                Sessions.checkCsrf(live.get(), req);
                sessions.end(id.get());
                ended = true;
            }
        }
        res.header(HeaderNames.SET_COOKIE, cookie("", 0, secure(req)));
        ObjectNode out = json.createObjectNode();
        out.put("object", "session");
        out.put("ended", ended);
        users.send(res, out);
    }

    /** {@code GET /auth/status} (no credential): whether any user exists yet, and whether OIDC sign-in is on. */
    public void status(ServerRequest req, ServerResponse res) {
        ObjectNode out = json.createObjectNode();
        out.put("users_exist", accounts.store().count() > 0);
        out.put("oidc", oidc);
        users.send(res, out);
    }

    /** Secure when the hub is reached over https: its public base URL says so, the proxy says so, or TLS is on here. */
    boolean secure(ServerRequest req) {
        return httpsBaseUrl || req.isSecure()
                || req.headers().first(FORWARDED_PROTO).map(p -> p.trim().equalsIgnoreCase("https")).orElse(false);
    }

    static String cookie(String value, long maxAgeSeconds, boolean secure) {
        return SessionVerifier.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
    }
}
