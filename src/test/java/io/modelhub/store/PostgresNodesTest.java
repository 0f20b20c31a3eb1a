package io.modelhub.store;

import static io.modelhub.testing.AuthCalls.CHAT;
import static io.modelhub.testing.AuthCalls.call;
import static io.modelhub.testing.AuthCalls.chatUntilRefused;
import static io.modelhub.testing.AuthCalls.createKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.MockUpstream;
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

/**
 * Two hubs on one PostgreSQL database and the local Redis, as API.md section 8 runs several nodes:
 * what one node writes (keys, revocations, pipelines, usage) the other sees.
 */
class PostgresNodesTest {
    static final String REDIS = "redis://127.0.0.1:6379";

    String schema;
    MockUpstream upstream;
    TestHub a;
    TestHub b;

    @BeforeEach
    void start() throws Exception {
        schema = "n_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try (Connection c = DriverManager.getConnection(TestStores.POSTGRES_URL); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        upstream = new MockUpstream();
        Map<String, String> env = Map.of("MODELHUB_STORE_URL", TestStores.POSTGRES_URL + "&currentSchema=" + schema,
                "MODELHUB_REDIS_URL", REDIS);
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

    @Test
    void aKeyMadeOnOneNodeWorksOnTheOtherAndItsRevocationIsRefusedThereAtOnce() throws InterruptedException {
        JsonNode created = createKey(a, "{\"name\":\"roaming\",\"scopes\":[\"read\"]}");
        String key = created.path("key").asText();
        assertThat(call(b, "POST", "/v1/chat/completions", CHAT, key).status()).isEqualTo(200);
        assertThat(call(a, "DELETE", "/v1/keys/" + created.path("id").asText(), null, TestHub.ADMIN_KEY).status()).isEqualTo(200);
        TestHub.Response r = chatUntilRefused(b, key);
        assertThat(r.status()).isEqualTo(401);
    }

    @Test
    void usageFromBothNodesAddsUp() {
        for (int i = 0; i < 3; i++) {
            assertThat(a.post("/v1/chat/completions", CHAT).status()).isEqualTo(200);
        }
        for (int i = 0; i < 2; i++) {
            assertThat(b.post("/v1/chat/completions", CHAT).status()).isEqualTo(200);
        }
        a.hub().usageWriter().flush();
        b.hub().usageWriter().flush();
        JsonNode fromA = a.get("/v1/usage").json();
        JsonNode fromB = b.get("/v1/usage").json();
        assertThat(fromA.path("total").path("calls").asLong()).isEqualTo(5);
        assertThat(fromB.path("total").path("calls").asLong()).isEqualTo(5);
        assertThat(fromA.path("total").path("cost_usd").asDouble()).isPositive();
    }

    @Test
    void aPipelineDeployedOnOneNodeAnswersOnTheOther() {
        TestHub.Response created = a.post("/v1/pipelines", "{\"name\":\"shared\",\"model\":\"acme/chat-1\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asText();
        TestHub.Response deployed = a.post("/v1/pipelines/" + id + "/deploy", "{}");
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
        String dep = deployed.json().path("deployment_id").asText();
        TestHub.Response invoked = b.post("/v1/deployments/" + dep + "/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hello from b\"}]}");
        assertThat(invoked.status()).as(invoked.body()).isEqualTo(200);
        assertThat(invoked.json().path("choices").get(0).path("message").path("content").asText()).isEqualTo("Hello from the mock");
    }
}
