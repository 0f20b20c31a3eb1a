package io.modelhub.auth;

import static io.modelhub.testing.AuthCalls.CHAT;
import static io.modelhub.testing.AuthCalls.assertError;
import static io.modelhub.testing.AuthCalls.call;
import static io.modelhub.testing.AuthCalls.chatUntilRefused;
import static io.modelhub.testing.AuthCalls.createKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two hubs sharing one store and the local Redis (127.0.0.1:6379), as several nodes behind a load balancer would. */
class TwoNodesTest {
    static final String REDIS = "redis://127.0.0.1:6379";

    MockUpstream upstream;
    TestHub a;
    TestHub b;

    @BeforeEach
    void start() throws IOException {
        assumeTrue(redisIsUp(), "no Redis on 127.0.0.1:6379");
        upstream = new MockUpstream();
        String yaml = TestHub.oneProvider("mockai", upstream, "acme/chat-1")
                + "store: {url: \"jdbc:sqlite:" + Files.createTempDirectory("modelhub-shared").resolve("shared.db") + "\"}\n";
        a = TestHub.start(yaml, Map.of("MODELHUB_REDIS_URL", REDIS));
        b = TestHub.start(yaml, Map.of("MODELHUB_REDIS_URL", REDIS));
    }

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
            b.close();
            upstream.close();
        }
    }

    private static boolean redisIsUp() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 6379), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void keyRevokedOnOneNodeIsRefusedOnTheOther() throws InterruptedException {
        JsonNode created = createKey(a, "{\"name\":\"shared\"}");
        String key = created.path("key").asText();
        // Node b caches the key on first use; its cache would trust it for 30 s without the revocation message.
        assertThat(call(b, "POST", "/v1/chat/completions", CHAT, key).status()).isEqualTo(200);
        assertThat(call(a, "DELETE", "/v1/keys/" + created.path("id").asText(), null, TestHub.ADMIN_KEY).status()).isEqualTo(200);
        TestHub.Response r = chatUntilRefused(b, key);
        assertError(r, 401, "authentication_error", "key_revoked");
    }

    @Test
    void rateLimitsAreSharedAcrossNodes() {
        String key = createKey(a, "{\"name\":\"shared limit\",\"rpm\":2}").path("key").asText();
        assertThat(call(a, "POST", "/v1/chat/completions", CHAT, key).status()).isEqualTo(200);
        TestHub.Response second = call(b, "POST", "/v1/chat/completions", CHAT, key);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.header("x-ratelimit-remaining-requests")).isEqualTo("0");
        TestHub.Response third = call(a, "POST", "/v1/chat/completions", CHAT, key);
        assertError(third, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(third.header("retry-after")).isNotNull();
    }

    @Test
    void tokenIssuedByOneNodeWorksOnTheOther() {
        String token = call(a, "POST", "/v1/auth/tokens", null, TestHub.ADMIN_KEY).json().path("access_token").asText();
        assertThat(call(b, "GET", "/v1/keys", null, token).status()).isEqualTo(200);
    }
}
