package io.modelhub.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.AuthCalls;
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

/** Two hubs on one PostgreSQL database: a response stored by one node is read and continued on the other. */
class ResponsesTwoNodesTest {
    String schema;
    MockUpstream upstream;
    TestHub a;
    TestHub b;

    @BeforeEach
    void start() throws Exception {
        schema = "r_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try (Connection c = DriverManager.getConnection(TestStores.POSTGRES_URL); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        upstream = new MockUpstream();
        Map<String, String> env = Map.of("MODELHUB_STORE_URL", TestStores.POSTGRES_URL + "&currentSchema=" + schema);
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
    void aConversationStartedOnOneNodeContinuesOnTheOther() {
        String key = AuthCalls.createKey(a, "{\"name\":\"roaming\",\"scopes\":[\"read\"]}").path("key").asText();
        upstream.always(new MockUpstream.Answer("Hello Ada", 2, 0));
        JsonNode first = AuthCalls.call(a, "POST", "/v1/responses", "{\"model\":\"acme/chat-1\",\"input\":\"I am Ada\"}", key).json();
        String id = first.path("id").asText();

        TestHub.Response read = AuthCalls.call(b, "GET", "/v1/responses/" + id, null, key);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json()).isEqualTo(first);

        TestHub.Response second = AuthCalls.call(b, "POST", "/v1/responses",
                "{\"model\":\"acme/chat-1\",\"previous_response_id\":\"" + id + "\",\"input\":\"Who am I?\"}", key);
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        JsonNode messages = upstream.last().body().path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).path("content").asText()).isEqualTo("I am Ada");
        assertThat(messages.get(1).path("content").asText()).isEqualTo("Hello Ada");

        String secondId = second.json().path("id").asText();
        assertThat(AuthCalls.call(a, "GET", "/v1/responses/" + secondId + "/input_items", null, key).json().path("data")).hasSize(3);
        assertThat(AuthCalls.call(a, "DELETE", "/v1/responses/" + secondId, null, key).status()).isEqualTo(200);
        assertThat(AuthCalls.call(b, "GET", "/v1/responses/" + secondId, null, key).status()).isEqualTo(404);
        // Not even an admin key sees a response another key made.
        assertThat(b.get("/v1/responses/" + id).status()).isEqualTo(404);
    }
}
