package io.modelhub.users;

import static io.modelhub.testing.AuthCalls.CHAT;
import static io.modelhub.testing.AuthCalls.assertError;
import static io.modelhub.testing.AuthCalls.call;
import static io.modelhub.testing.AuthCalls.chatUntilRefused;
import static io.modelhub.testing.Portal.PASSWORD;
import static io.modelhub.testing.Portal.createUser;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.Portal;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.TestStores;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two hubs on one PostgreSQL database and Redis: a session from one works on the other, and ending it or the user holds on both. */
class UsersTwoNodesTest {
    String schema;
    MockUpstream upstream;
    TestHub a;
    TestHub b;

    @BeforeEach
    void start() throws Exception {
        schema = "un_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try (Connection c = DriverManager.getConnection(TestStores.POSTGRES_URL); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        upstream = new MockUpstream();
        Map<String, String> env = Map.of("MODELHUB_STORE_URL", TestStores.POSTGRES_URL + "&currentSchema=" + schema,
                "MODELHUB_REDIS_URL", "redis://127.0.0.1:6379");
        String yaml = TestHub.oneProvider("mockai", upstream, "acme/chat-1");
        a = TestHub.start(yaml, env);
        b = TestHub.start(yaml, env);
    }

    @AfterEach
    void stop() throws Exception {
        a.close();
        b.close();
        upstream.close();
        try (Connection c = DriverManager.getConnection(TestStores.POSTGRES_URL); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    /** The same session as seen through another node. */
    private static TestHub.Response on(TestHub node, Portal session, String method, String path, String body) {
        return node.send(method, path, body, null, Map.of("Cookie", "modelhub_session=" + session.sessionId(), "X-CSRF-Token", session.csrf()));
    }

    @Test
    void aSessionStartedOnOneNodeWorksOnTheOtherAndLogoutEndsItThereAtOnce() {
        String email = "n" + System.nanoTime() + "@example.com";
        createUser(a, email, "member");
        Portal s = Portal.signIn(a, email, PASSWORD);
        assertThat(on(b, s, "GET", "/v1/me", null).status()).isEqualTo(200);
        assertThat(on(b, s, "POST", "/v1/keys", "{\"name\":\"k\",\"scopes\":[\"read\"]}").status()).isEqualTo(201);
        assertThat(s.send("POST", "/auth/logout", null).status()).isEqualTo(200);
        assertError(on(b, s, "GET", "/v1/me", null), 401, "authentication_error", "session_expired");
    }

    @Test
    void disablingAUserOnOneNodeRefusesTheirKeysAndSessionsOnTheOther() throws InterruptedException {
        String email = "d" + System.nanoTime() + "@example.com";
        String id = createUser(a, email, "member").path("id").asText();
        Portal s = Portal.signIn(b, email, PASSWORD);
        String key = on(b, s, "POST", "/v1/keys", "{\"name\":\"k\",\"scopes\":[\"read\"]}").json().path("key").asText();
        assertThat(call(b, "POST", "/v1/chat/completions", CHAT, key).status()).isEqualTo(200);
        assertThat(a.send("PATCH", "/v1/users/" + id, "{\"disabled\":true}", TestHub.ADMIN_KEY, Map.of()).status()).isEqualTo(200);
        assertError(chatUntilRefused(b, key), 401, "authentication_error", "key_revoked");
        assertError(on(b, s, "GET", "/v1/me", null), 401, "authentication_error", "session_expired");
    }
}
