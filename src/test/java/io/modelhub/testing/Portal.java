package io.modelhub.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;

/** A browser's view of the hub for tests: signs in, then sends the session cookie (and the CSRF token when asked). */
public final class Portal {
    private final TestHub hub;
    private final String sessionId;
    private final String csrf;
    private final JsonNode user;

    private Portal(TestHub hub, String sessionId, String csrf, JsonNode user) {
        this.hub = hub;
        this.sessionId = sessionId;
        this.csrf = csrf;
        this.user = user;
    }

    /** {@code POST /auth/login} as it answers. */
    public static TestHub.Response login(TestHub hub, String email, String password) {
        return hub.send("POST", "/auth/login", "{\"email\":" + quote(email) + ",\"password\":" + quote(password) + "}", null, Map.of());
    }

    /** Signs in (asserting 200) and keeps the session. */
    public static Portal signIn(TestHub hub, String email, String password) {
        TestHub.Response r = login(hub, email, password);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return new Portal(hub, sessionCookie(r), r.json().path("csrf_token").asText(), r.json().path("user"));
    }

    /** The value of the {@code modelhub_session} cookie a response sets. */
    public static String sessionCookie(TestHub.Response r) {
        String c = r.header("set-cookie");
        assertThat(c).as("Set-Cookie").startsWith("modelhub_session=");
        return c.substring("modelhub_session=".length(), c.indexOf(';'));
    }

    /** Creates a user with the bootstrap admin key; answers the 201 record. */
    public static JsonNode createUser(TestHub hub, String email, String role) {
        TestHub.Response r = hub.post("/v1/users", "{\"email\":" + quote(email) + ",\"name\":\"N\",\"password\":\"" + PASSWORD
                + "\",\"role\":\"" + role + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    /** The password {@link #createUser} gives every user. */
    public static final String PASSWORD = "correct horse battery";

    public JsonNode user() {
        return user;
    }

    public String sessionId() {
        return sessionId;
    }

    public String csrf() {
        return csrf;
    }

    /** A request with the session cookie and the CSRF token. */
    public TestHub.Response send(String method, String path, String body) {
        return send(method, path, body, true);
    }

    /** A request with the session cookie, with or without the CSRF token. */
    public TestHub.Response send(String method, String path, String body, boolean withCsrf) {
        Map<String, String> h = new HashMap<>();
        h.put("Cookie", "modelhub_session=" + sessionId);
        if (withCsrf) {
            h.put("X-CSRF-Token", csrf);
        }
        return hub.send(method, path, body, null, h);
    }

    public TestHub.Response get(String path) {
        return send("GET", path, null, false);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
