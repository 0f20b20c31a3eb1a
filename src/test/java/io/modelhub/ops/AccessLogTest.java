package io.modelhub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.config.ConfigException;
import io.modelhub.config.ConfigLoader;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One JSON line per request with who, what, where and how much; never a secret, bodies only when asked and redacted. */
class AccessLogTest {
    static final String CHAT = "{\"model\":\"acme/chat-1\",\"messages\":[{\"role\":\"user\",\"content\":\"the secret plan\"}]}";
    final ObjectMapper json = new ObjectMapper();
    final MockUpstream upstream = new MockUpstream();
    Path file;
    TestHub hub;

    TestHub start(String logging) throws IOException {
        file = Files.createTempDirectory("access-log").resolve("logs/access.jsonl");
        hub = TestHub.start("logging: {access: " + file + logging + "}\n" + TestHub.oneProvider("mockai", upstream, "acme/chat-1"));
        return hub;
    }

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
        upstream.close();
    }

    /** The log's lines once it has {@code n} (they are written just after each answer). */
    List<JsonNode> lines(int n) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            out.clear();
            if (Files.exists(file)) {
                for (String l : Files.readAllLines(file)) {
                    out.add(json.readTree(l));
                }
            }
            if (out.size() >= n) {
                break;
            }
            Thread.sleep(10);
        }
        assertThat(out).hasSize(n);
        return out;
    }

    @Test
    void aChatCallIsOneLineWithKeyModelProviderTokensAndCost() throws Exception {
        start("");
        TestHub.Response r = hub.post("/v1/chat/completions", CHAT);
        assertThat(r.status()).isEqualTo(200);
        JsonNode l = lines(1).getFirst();
        assertThat(l.get("request_id").asText()).isEqualTo(r.header("x-request-id"));
        assertThat(l.get("method").asText()).isEqualTo("POST");
        assertThat(l.get("path").asText()).isEqualTo("/v1/chat/completions");
        assertThat(l.get("status").asInt()).isEqualTo(200);
        assertThat(l.get("latency_ms").asLong()).isNotNegative();
        assertThat(l.get("key_id").asText()).isEqualTo("testadmin");
        assertThat(l.get("user").isNull()).isTrue();
        assertThat(l.get("model").asText()).isEqualTo("acme/chat-1");
        assertThat(l.get("provider").asText()).isEqualTo("mockai");
        assertThat(l.get("attempts").asInt()).isEqualTo(1);
        assertThat(l.get("prompt_tokens").asLong()).isEqualTo(11);
        assertThat(l.get("completion_tokens").asLong()).isEqualTo(7);
        assertThat(l.get("cost_usd").asDouble()).isCloseTo(11e-6 + 14e-6, within(1e-12));
        assertThat(l.get("error_type").isNull()).isTrue();
        assertThat(l.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        String raw = Files.readString(file);
        assertThat(raw).doesNotContain("the secret plan").doesNotContain(TestHub.ADMIN_KEY)
                .doesNotContain("0123456789abcdef").doesNotContain("upstream-secret");
    }

    @Test
    void aStreamIsLoggedWithItsTimeToFirstToken() throws Exception {
        start("");
        String stream = CHAT.replace("{\"model\"", "{\"stream\":true,\"model\"");
        try (TestHub.StreamResponse s = hub.stream("/v1/chat/completions", stream, TestHub.ADMIN_KEY)) {
            assertThat(s.rest().getLast()).isEqualTo("[DONE]");
        }
        JsonNode l = lines(1).getFirst();
        assertThat(l.get("status").asInt()).isEqualTo(200);
        assertThat(l.get("ttft_ms").isNumber()).isTrue();
        assertThat(l.get("latency_ms").asLong()).isGreaterThanOrEqualTo(l.get("ttft_ms").asLong());
        assertThat(l.get("completion_tokens").asLong()).isEqualTo(5);
    }

    @Test
    void refusedAndFailedRequestsCarryTheirStatusAndErrorType() throws Exception {
        start("");
        assertThat(hub.send("GET", "/v1/models", null, "mh-nosuch.wrongsecretwrongsecret", Map.of()).status()).isEqualTo(401);
        assertThat(hub.post("/v1/chat/completions", CHAT.replace("acme/chat-1", "acme/nope")).status()).isEqualTo(404);
        upstream.always(new MockUpstream.Fail(500, null));
        assertThat(hub.post("/v1/chat/completions", CHAT).status()).isEqualTo(502);
        List<JsonNode> l = lines(3);
        assertThat(l.get(0).get("status").asInt()).isEqualTo(401);
        assertThat(l.get(0).get("error_type").asText()).isEqualTo("authentication_error");
        assertThat(l.get(0).get("key_id").isNull()).isTrue();
        assertThat(l.get(1).get("status").asInt()).isEqualTo(404);
        assertThat(l.get(1).get("error_type").asText()).isEqualTo("not_found_error");
        assertThat(l.get(1).get("key_id").asText()).isEqualTo("testadmin");
        assertThat(l.get(2).get("status").asInt()).isEqualTo(502);
        assertThat(l.get(2).get("error_type").asText()).isEqualTo("upstream_error");
        assertThat(l.get(2).get("model").asText()).isEqualTo("acme/chat-1");
        assertThat(Files.readString(file)).doesNotContain("wrongsecret");
    }

    @Test
    void bodiesAreLoggedOnlyWhenAskedAndThenRedacted() throws Exception {
        start(", bodies: true, redact_fields: [content]");
        String body = "{\"model\":\"acme/chat-1\",\"user\":\"u1\",\"api_key\":\"plain-secret-value\","
                + "\"metadata\":{\"note\":\"use mh-abc.0123456789abcdefXYZ please\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"the secret plan\"}]}";
        assertThat(hub.post("/v1/chat/completions", body).status()).isEqualTo(200);
        JsonNode b = lines(1).getFirst().get("body");
        assertThat(b.get("model").asText()).isEqualTo("acme/chat-1");
        assertThat(b.get("messages").get(0).get("role").asText()).isEqualTo("user");
        assertThat(b.get("messages").get(0).get("content").asText()).isEqualTo("[redacted]");
        assertThat(b.get("api_key").asText()).isEqualTo("[redacted]");
        assertThat(b.get("metadata").get("note").asText()).isEqualTo("use [redacted] please");
        String raw = Files.readString(file);
        assertThat(raw).doesNotContain("the secret plan").doesNotContain("plain-secret-value").doesNotContain("0123456789abcdefXYZ");
    }

    @Test
    void aLogFileThatCannotBeOpenedIsAConfigurationError() throws IOException {
        Path dir = Files.createTempDirectory("access-log");
        Path blocker = Files.writeString(dir.resolve("not-a-dir"), "x");
        var cfg = new ConfigLoader(Map.of()).parse("test.yaml", "logging: {access: " + blocker.resolve("access.log") + "}\n",
                new ConfigLoader.Flags(null, 0, dir));
        assertThatThrownBy(() -> AccessLog.open(cfg.operations().logging(), json))
                .isInstanceOf(ConfigException.class).hasMessageContaining("logging.access: cannot open");
    }

    @Test
    void unknownLoggingFieldsAreRefusedNamingThePath() {
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).parse("test.yaml", "logging: {acess: stdout}\n", ConfigLoader.Flags.NONE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("logging.acess: unknown field");
    }

}
