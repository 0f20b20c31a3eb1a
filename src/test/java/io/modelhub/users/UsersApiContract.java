package io.modelhub.users;

import static io.modelhub.testing.AuthCalls.CHAT;
import static io.modelhub.testing.AuthCalls.assertError;
import static io.modelhub.testing.AuthCalls.call;
import static io.modelhub.testing.AuthCalls.createKey;
import static io.modelhub.testing.Portal.PASSWORD;
import static io.modelhub.testing.Portal.createUser;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.Portal;
import io.modelhub.testing.TestHub;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * API.md section 9 against a real hub: users, sessions, CSRF, sign-in limits and key ownership. Runs on
 * every store dialect (see the subclasses).
 */
abstract class UsersApiContract {
    MockUpstream upstream;
    TestHub hub;

    /** Extra environment for the hub (the store URL). */
    abstract Map<String, String> env();

    /** Extra YAML before the provider. */
    String yaml() {
        return "";
    }

    /** Called after the hub is closed. */
    void cleanUp() throws Exception {}

    @BeforeEach
    void start() throws Exception {
        upstream = new MockUpstream();
        hub = TestHub.start(yaml() + TestHub.oneProvider("mockai", upstream, "acme/chat-1"), env());
    }

    @AfterEach
    void stop() throws Exception {
        hub.close();
        upstream.close();
        cleanUp();
    }

    @Test
    void firstAdminIsCreatedWithTheAdminKeyThenSignsInWithACookieSession() {
        assertThat(call(hub, "GET", "/auth/status", null, null).json().path("users_exist").asBoolean()).isFalse();
        JsonNode admin = createUser(hub, "Ada@Example.com", "admin");
        assertThat(admin.path("id").asText()).startsWith("usr_");
        assertThat(admin.path("object").asText()).isEqualTo("user");
        assertThat(admin.path("role").asText()).isEqualTo("admin");
        assertThat(admin.path("disabled").asBoolean()).isFalse();
        assertThat(admin.path("last_login_at").isNull()).isTrue();
        assertThat(admin.toString()).doesNotContain("password").doesNotContain("argon2").doesNotContain(PASSWORD);
        TestHub.Response status = call(hub, "GET", "/auth/status", null, null);
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.json().path("users_exist").asBoolean()).isTrue();
        assertThat(status.json().path("oidc").asBoolean()).isFalse();

        TestHub.Response login = Portal.login(hub, "ada@example.COM", PASSWORD);
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        assertThat(login.json().path("user").path("id").asText()).isEqualTo(admin.path("id").asText());
        assertThat(login.json().path("csrf_token").asText()).hasSizeGreaterThan(20);
        String cookie = login.header("set-cookie");
        assertThat(cookie).startsWith("modelhub_session=").contains("HttpOnly").contains("SameSite=Lax").contains("Path=/")
                .doesNotContain("Secure");
        assertThat(login.body()).doesNotContain(Portal.sessionCookie(login));

        Portal ada = Portal.signIn(hub, "ada@example.com", PASSWORD);
        TestHub.Response me = ada.get("/v1/me");
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json().path("email").asText()).isEqualTo("Ada@Example.com");
        assertThat(me.json().path("scope").asText()).isEqualTo("admin");
        assertThat(me.json().path("csrf_token").asText()).isEqualTo(ada.csrf());
        assertThat(me.json().path("last_login_at").isNull()).isFalse();
        assertThat(ada.get("/v1/users").json().path("data").size()).isEqualTo(1);
    }

    @Test
    void theSessionCookieIsSecureBehindAnHttpsProxy() {
        createUser(hub, "p@example.com", "member");
        TestHub.Response r = hub.send("POST", "/auth/login", "{\"email\":\"p@example.com\",\"password\":\"" + PASSWORD + "\"}", null,
                Map.of("X-Forwarded-Proto", "https"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("set-cookie")).contains("; Secure");
    }

    @Test
    void signInTakesOnlyAJsonBody() throws Exception {
        createUser(hub, "form@example.com", "member");
        var http = java.net.http.HttpClient.newHttpClient();
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(hub.baseUrl() + "/auth/login"))
                .header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"email\":\"form@example.com\",\"password\":\"" + PASSWORD + "\"}"))
                .build();
        var r = http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("unsupported_content_type");
        assertThat(r.headers().firstValue("set-cookie")).isEmpty();
        assertError(hub.send("POST", "/auth/login", "{\"email\":\"form@example.com\"}", null, Map.of()), 400, "invalid_request_error",
                "invalid_value");
    }

    @Test
    void anEmailTakenInAnyCaseIsAConflict() {
        createUser(hub, "bob@example.com", "member");
        TestHub.Response r = hub.post("/v1/users", "{\"email\":\"BOB@example.com\",\"name\":\"B\",\"password\":\"" + PASSWORD + "\"}");
        assertError(r, 409, "conflict_error", "email_taken");
    }

    @Test
    void aWeakPasswordAndBadFieldsAreRefusedNamingTheField() {
        TestHub.Response weak = hub.post("/v1/users", "{\"email\":\"c@example.com\",\"name\":\"C\",\"password\":\"short-pass1\"}");
        assertError(weak, 400, "invalid_request_error", "weak_password");
        assertThat(weak.json().path("error").path("param").asText()).isEqualTo("password");
        String[][] bad = {
            {"{\"email\":\"not-an-email\",\"name\":\"C\",\"password\":\"" + PASSWORD + "\"}", "email"},
            {"{\"name\":\"C\",\"password\":\"" + PASSWORD + "\"}", "email"},
            {"{\"email\":\"c@example.com\",\"password\":\"" + PASSWORD + "\"}", "name"},
            {"{\"email\":\"c@example.com\",\"name\":\"C\",\"password\":\"" + PASSWORD + "\",\"role\":\"owner\"}", "role"},
            {"{\"email\":\"c@example.com\",\"name\":\"C\",\"password\":12345678901234}", "password"},
            {"{\"email\":\"c@example.com\",\"name\":\"C\",\"password\":\"" + PASSWORD + "\",\"admin\":true}", "admin"},
        };
        for (String[] b : bad) {
            TestHub.Response r = hub.post("/v1/users", b[0]);
            assertThat(r.status()).as(b[0] + " -> " + r.body()).isEqualTo(400);
            assertThat(r.json().path("error").path("param").asText()).as(b[0]).isEqualTo(b[1]);
        }
        JsonNode u = createUser(hub, "c@example.com", "member");
        assertError(hub.send("PATCH", "/v1/users/" + u.path("id").asText(), "{\"disabled\":\"yes\"}", TestHub.ADMIN_KEY, Map.of()),
                400, "invalid_request_error", "invalid_value");
        assertError(hub.send("PATCH", "/v1/users/" + u.path("id").asText(), "{\"password\":\"tiny\"}", TestHub.ADMIN_KEY, Map.of()),
                400, "invalid_request_error", "weak_password");
        assertError(hub.get("/v1/users/usr_nobody"), 404, "not_found_error", "user_not_found");
    }

    @Test
    void anUnknownEmailAndAWrongPasswordGetTheSameAnswer() {
        createUser(hub, "dan@example.com", "member");
        TestHub.Response wrong = Portal.login(hub, "dan@example.com", "wrong password, long enough");
        TestHub.Response unknown = Portal.login(hub, "nobody@example.com", "wrong password, long enough");
        assertError(wrong, 401, "authentication_error", "invalid_credentials");
        assertError(unknown, 401, "authentication_error", "invalid_credentials");
        assertThat(wrong.json()).isEqualTo(unknown.json());
        assertThat(wrong.header("set-cookie")).isNull();
    }

    @Test
    void repeatedSignInFailuresAreRateLimitedWithRetryAfter() {
        createUser(hub, "eve@example.com", "member");
        int refused = failUntilLimited(i -> Portal.login(hub, "eve@example.com", "not the password " + i));
        // the bucket refills evenly, so a slow machine may get a failure or two more than the limit
        assertThat(refused).isBetween(Users.FAILURES_PER_ACCOUNT_PER_MINUTE, 2 * Users.FAILURES_PER_ACCOUNT_PER_MINUTE);
        TestHub.Response limited = Portal.login(hub, "EVE@example.com", PASSWORD);
        assertError(limited, 429, "rate_limit_error", "too_many_login_attempts");
        assertThat(Long.parseLong(limited.header("retry-after"))).isPositive();
        // another account from the same address is not locked by this one's failures
        createUser(hub, "fay@example.com", "member");
        assertThat(Portal.login(hub, "fay@example.com", PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void failuresFromOneAddressAreRateLimitedAcrossAccounts() {
        int refused = failUntilLimited(i -> Portal.login(hub, "guess" + i + "@example.com", "not the password"));
        assertThat(refused).isBetween(Users.FAILURES_PER_ADDRESS_PER_MINUTE, 2 * Users.FAILURES_PER_ADDRESS_PER_MINUTE);
        assertError(Portal.login(hub, "another@example.com", "not the password"), 429, "rate_limit_error", "too_many_login_attempts");
    }

    /** Fails sign-ins until one answers 429; answers how many got 401 before it. */
    private static int failUntilLimited(java.util.function.IntFunction<TestHub.Response> attempt) {
        for (int i = 0; i < 100; i++) {
            TestHub.Response r = attempt.apply(i);
            if (r.status() == 429) {
                assertError(r, 429, "rate_limit_error", "too_many_login_attempts");
                return i;
            }
            assertError(r, 401, "authentication_error", "invalid_credentials");
        }
        throw new AssertionError("100 failed sign-ins and never a 429");
    }

    @Test
    void aSessionRequestThatChangesSomethingNeedsTheCsrfToken() {
        createUser(hub, "gus@example.com", "member");
        Portal gus = Portal.signIn(hub, "gus@example.com", PASSWORD);
        String body = "{\"name\":\"mine\",\"scopes\":[\"read\"]}";
        assertError(gus.send("POST", "/v1/keys", body, false), 403, "permission_error", "csrf_failed");
        assertError(hub.send("POST", "/v1/keys", body, null, Map.of("Cookie", "modelhub_session=" + gus.sessionId(),
                "X-CSRF-Token", "forged")), 403, "permission_error", "csrf_failed");
        assertThat(gus.get("/v1/keys").status()).isEqualTo(200);
        TestHub.Response ok = gus.send("POST", "/v1/keys", body);
        assertThat(ok.status()).as(ok.body()).isEqualTo(201);
        assertThat(ok.json().path("owner").asText()).isEqualTo(gus.user().path("id").asText());
        assertThat(call(hub, "POST", "/v1/chat/completions", CHAT, ok.json().path("key").asText()).status()).isEqualTo(200);
    }

    @Test
    void withoutACredentialOrWithAnUnknownSessionTheAnswerIs401() {
        assertError(call(hub, "GET", "/v1/me", null, null), 401, "authentication_error", "missing_credential");
        assertError(hub.send("GET", "/v1/me", null, null, Map.of("Cookie", "modelhub_session=forged")), 401, "authentication_error",
                "session_expired");
    }

    @Test
    void aMemberSeesAndManagesOnlyTheirOwnKeysWithScopesUpToWrite() {
        createUser(hub, "hal@example.com", "member");
        createUser(hub, "ivy@example.com", "member");
        Portal hal = Portal.signIn(hub, "hal@example.com", PASSWORD);
        Portal ivy = Portal.signIn(hub, "ivy@example.com", PASSWORD);
        String ivyKey = ivy.send("POST", "/v1/keys", "{\"name\":\"ivy's\",\"scopes\":[\"write\"]}").json().path("id").asText();
        JsonNode adminMade = createKey(hub, "{\"name\":\"ops\",\"scopes\":[\"read\"]}");
        assertThat(adminMade.path("owner").isNull()).isTrue();

        assertError(hal.send("POST", "/v1/keys", "{\"name\":\"root\",\"scopes\":[\"admin\"]}"), 403, "permission_error", "scope_not_allowed");
        String halKey = hal.send("POST", "/v1/keys", "{\"name\":\"hal's\",\"scopes\":[\"read\"]}").json().path("id").asText();
        JsonNode list = hal.get("/v1/keys").json().path("data");
        assertThat(list.size()).isEqualTo(1);
        assertThat(list.get(0).path("id").asText()).isEqualTo(halKey);
        assertError(hal.get("/v1/keys/" + ivyKey), 404, "not_found_error", "key_not_found");
        assertError(hal.send("DELETE", "/v1/keys/" + ivyKey, null), 404, "not_found_error", "key_not_found");
        assertError(hal.send("PATCH", "/v1/keys/" + ivyKey, "{\"name\":\"mine now\"}"), 404, "not_found_error", "key_not_found");
        assertError(hal.send("PATCH", "/v1/keys/" + halKey, "{\"scopes\":[\"admin\"]}"), 403, "permission_error", "scope_not_allowed");
        assertError(hal.get("/v1/users"), 403, "permission_error", "insufficient_scope");
        assertError(hal.send("POST", "/v1/users", "{}"), 403, "permission_error", "insufficient_scope");
        assertThat(hal.get("/v1/keys/" + halKey).status()).isEqualTo(200);
        assertThat(hal.send("DELETE", "/v1/keys/" + halKey, null).status()).isEqualTo(200);
        // an admin sees every key, with its owner
        assertThat(hub.get("/v1/keys").json().path("data").size()).isEqualTo(4);
        assertThat(hub.get("/v1/keys/" + ivyKey).json().path("owner").asText()).isEqualTo(ivy.user().path("id").asText());
        // a member's write key is still no key manager
        String ivySecret = ivy.send("POST", "/v1/keys", "{\"name\":\"w\",\"scopes\":[\"write\"]}").json().path("key").asText();
        assertError(call(hub, "GET", "/v1/keys", null, ivySecret), 403, "permission_error", "insufficient_scope");
        JsonNode me = call(hub, "GET", "/v1/me", null, ivySecret).json();
        assertThat(me.path("object").asText()).isEqualTo("api_key");
        assertThat(me.path("user").path("email").asText()).isEqualTo("ivy@example.com");
    }

    @Test
    void theBootstrapKeyHasNoOwnerAndKeepsWorking() {
        createUser(hub, "jo@example.com", "admin");
        JsonNode me = hub.get("/v1/me").json();
        assertThat(me.path("id").asText()).isEqualTo("testadmin");
        assertThat(me.path("owner").isNull()).isTrue();
        assertThat(me.path("user").isNull()).isTrue();
        assertThat(me.path("scope").asText()).isEqualTo("admin");
        assertThat(hub.post("/v1/chat/completions", CHAT).status()).isEqualTo(200);
    }

    @Test
    void disablingAUserRevokesTheirKeysAndEndsTheirSessionsAtOnce() {
        String id = createUser(hub, "kim@example.com", "member").path("id").asText();
        Portal kim = Portal.signIn(hub, "kim@example.com", PASSWORD);
        String key = kim.send("POST", "/v1/keys", "{\"name\":\"k\",\"scopes\":[\"read\"]}").json().path("key").asText();
        assertThat(call(hub, "POST", "/v1/chat/completions", CHAT, key).status()).isEqualTo(200);

        TestHub.Response patched = hub.send("PATCH", "/v1/users/" + id, "{\"disabled\":true}", TestHub.ADMIN_KEY, Map.of());
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(patched.json().path("disabled").asBoolean()).isTrue();
        assertError(call(hub, "POST", "/v1/chat/completions", CHAT, key), 401, "authentication_error", "key_revoked");
        assertError(kim.get("/v1/me"), 401, "authentication_error", "session_expired");
        assertError(Portal.login(hub, "kim@example.com", PASSWORD), 401, "authentication_error", "user_disabled");
        assertError(Portal.login(hub, "kim@example.com", "a wrong password here"), 401, "authentication_error", "invalid_credentials");
    }

    @Test
    void deletingAUserRevokesTheirKeys() {
        String id = createUser(hub, "lee@example.com", "member").path("id").asText();
        Portal lee = Portal.signIn(hub, "lee@example.com", PASSWORD);
        String key = lee.send("POST", "/v1/keys", "{\"name\":\"k\",\"scopes\":[\"read\"]}").json().path("key").asText();
        TestHub.Response deleted = hub.send("DELETE", "/v1/users/" + id, null, TestHub.ADMIN_KEY, Map.of());
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().path("deleted").asBoolean()).isTrue();
        assertError(call(hub, "POST", "/v1/chat/completions", CHAT, key), 401, "authentication_error", "key_revoked");
        assertError(lee.get("/v1/me"), 401, "authentication_error", "session_expired");
        assertError(hub.get("/v1/users/" + id), 404, "not_found_error", "user_not_found");
        assertError(Portal.login(hub, "lee@example.com", PASSWORD), 401, "authentication_error", "invalid_credentials");
    }

    @Test
    void theLastEnabledAdminCannotBeRemoved() {
        String id = createUser(hub, "max@example.com", "admin").path("id").asText();
        assertError(hub.send("PATCH", "/v1/users/" + id, "{\"role\":\"member\"}", TestHub.ADMIN_KEY, Map.of()), 409, "conflict_error",
                "last_admin");
        assertError(hub.send("DELETE", "/v1/users/" + id, null, TestHub.ADMIN_KEY, Map.of()), 409, "conflict_error", "last_admin");
        createUser(hub, "ned@example.com", "admin");
        assertThat(hub.send("PATCH", "/v1/users/" + id, "{\"role\":\"member\"}", TestHub.ADMIN_KEY, Map.of()).status()).isEqualTo(200);
    }

    @Test
    void aChangedRoleAndPasswordTakeEffectAtOnce() {
        String id = createUser(hub, "oli@example.com", "admin").path("id").asText();
        createUser(hub, "pam@example.com", "admin");
        Portal oli = Portal.signIn(hub, "oli@example.com", PASSWORD);
        assertThat(oli.get("/v1/users").status()).isEqualTo(200);
        hub.send("PATCH", "/v1/users/" + id, "{\"role\":\"member\"}", TestHub.ADMIN_KEY, Map.of());
        assertError(oli.get("/v1/users"), 403, "permission_error", "insufficient_scope");
        TestHub.Response reset = hub.send("PATCH", "/v1/users/" + id, "{\"password\":\"a brand new passphrase\"}", TestHub.ADMIN_KEY, Map.of());
        assertThat(reset.status()).isEqualTo(200);
        assertError(oli.get("/v1/me"), 401, "authentication_error", "session_expired");
        assertError(Portal.login(hub, "oli@example.com", PASSWORD), 401, "authentication_error", "invalid_credentials");
        assertThat(Portal.login(hub, "oli@example.com", "a brand new passphrase").status()).isEqualTo(200);
    }

    @Test
    void logoutEndsTheSessionAtOnceAndNeedsTheCsrfToken() {
        createUser(hub, "quin@example.com", "member");
        Portal quin = Portal.signIn(hub, "quin@example.com", PASSWORD);
        assertError(quin.send("POST", "/auth/logout", null, false), 403, "permission_error", "csrf_failed");
        TestHub.Response out = quin.send("POST", "/auth/logout", null);
        assertThat(out.status()).isEqualTo(200);
        assertThat(out.json().path("ended").asBoolean()).isTrue();
        assertThat(out.header("set-cookie")).startsWith("modelhub_session=;").contains("Max-Age=0");
        assertError(quin.get("/v1/me"), 401, "authentication_error", "session_expired");
    }

    @Test
    void aSessionIdleTooLongOrPastItsLifetimeIsRefused() throws Exception {
        createUser(hub, "ray@example.com", "member");
        Portal idle = Portal.signIn(hub, "ray@example.com", PASSWORD);
        Portal old = Portal.signIn(hub, "ray@example.com", PASSWORD);
        long now = System.currentTimeMillis();
        try (Connection c = hub.hub().store().connection();
                PreparedStatement a = c.prepareStatement("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?");
                PreparedStatement b = c.prepareStatement("UPDATE sessions SET expires_at = ? WHERE id_hash = ?")) {
            a.setLong(1, now - 61 * 60_000L); // default idle limit: 60 minutes
            a.setString(2, Sessions.hash(idle.sessionId()));
            a.executeUpdate();
            b.setLong(1, now - 1);
            b.setString(2, Sessions.hash(old.sessionId()));
            b.executeUpdate();
        }
        assertError(idle.get("/v1/me"), 401, "authentication_error", "session_expired");
        assertError(old.get("/v1/me"), 401, "authentication_error", "session_expired");
    }

    @Test
    void usageCarriesTheUserAndAMemberSeesOnlyTheirOwn() throws InterruptedException {
        String sue = createUser(hub, "sue@example.com", "member").path("id").asText();
        createUser(hub, "tom@example.com", "member");
        Portal suePortal = Portal.signIn(hub, "sue@example.com", PASSWORD);
        Portal tomPortal = Portal.signIn(hub, "tom@example.com", PASSWORD);
        String sueKey = suePortal.send("POST", "/v1/keys", "{\"name\":\"s\",\"scopes\":[\"read\"]}").json().path("key").asText();
        String tomKey = tomPortal.send("POST", "/v1/keys", "{\"name\":\"t\",\"scopes\":[\"read\"]}").json().path("key").asText();
        assertThat(call(hub, "POST", "/v1/chat/completions", CHAT, sueKey).status()).isEqualTo(200);
        assertThat(call(hub, "POST", "/v1/chat/completions", CHAT, sueKey).status()).isEqualTo(200);
        assertThat(call(hub, "POST", "/v1/chat/completions", CHAT, tomKey).status()).isEqualTo(200);
        assertThat(suePortal.send("POST", "/v1/chat/completions", CHAT).status()).isEqualTo(200);
        // a call is metered just after its answer is sent: wait until all four are stored
        for (int i = 0; i < 500 && hub.get("/v1/usage").json().path("total").path("calls").asLong() < 4; i++) {
            hub.hub().usageWriter().flush();
            Thread.sleep(10);
        }

        JsonNode byUser = hub.get("/v1/usage?group_by=user").json();
        assertThat(byUser.path("data").toString()).contains(sue);
        for (JsonNode row : byUser.path("data")) {
            if (row.path("group").asText().equals(sue)) {
                assertThat(row.path("calls").asLong()).isEqualTo(3);
            }
        }
        JsonNode own = suePortal.get("/v1/usage").json();
        assertThat(own.path("user_id").asText()).isEqualTo(sue);
        assertThat(own.path("total").path("calls").asLong()).isEqualTo(3);
        assertError(suePortal.get("/v1/usage?user_id=usr_someoneelse"), 403, "permission_error", "insufficient_scope");
    }
}
