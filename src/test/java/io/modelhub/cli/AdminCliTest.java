package io.modelhub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.server.ModelHub;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin CLI run in-process against a real hub: keys, usage, catalog check and config validation, with clear errors and exit codes. */
class AdminCliTest {
    final ObjectMapper json = new ObjectMapper();
    MockUpstream upstream;
    MockUpstream broken;
    TestHub hub;
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

    @BeforeEach
    void start() {
        upstream = new MockUpstream();
        broken = new MockUpstream().always(new MockUpstream.Fail(500, null));
        String yaml = TestHub.oneProvider("mockai", upstream, "acme/chat-1").replace("models:\n",
                "  - {id: brokenai, kind: openai, base_url: " + broken.baseUrl() + ", api_key: b}\nmodels:\n") + """
                  - id: acme/cheap
                    offerings: [{provider: mockai, pricing: {input_per_mtok: 0.01, output_per_mtok: 0.01}}]
                  - id: acme/down
                    offerings: [{provider: brokenai}]
                """;
        hub = TestHub.start(yaml, Map.of());
    }

    @AfterEach
    void stop() {
        hub.close();
        upstream.close();
        broken.close();
    }

    Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ModelHub.commandLine(env, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    Run admin(String... args) {
        return run(Map.of("MODELHUB_URL", hub.baseUrl(), "MODELHUB_KEY", TestHub.ADMIN_KEY), args);
    }

    @Test
    void keysCanBeCreatedListedShownAndRevoked() throws Exception {
        Run created = admin("keys", "create", "--name", "ci-bot", "--scope", "read", "--rpm", "30", "--json");
        assertThat(created.exit()).as(created.err()).isZero();
        JsonNode k = created.json();
        String id = k.path("id").asText();
        String secret = k.path("key").asText();
        assertThat(secret).startsWith("mh-" + id + ".");

        Run plain = admin("keys", "create", "--name", "people");
        assertThat(plain.exit()).isZero();
        assertThat(plain.out()).contains("Created key").containsPattern("mh-[a-z0-9]+\\.");

        Run list = admin("keys", "list");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("ID").contains("ci-bot").contains(id).contains("active").doesNotContain(secret);

        Run show = admin("keys", "show", id);
        assertThat(show.exit()).isZero();
        assertThat(show.out()).contains("name: ci-bot").contains("rpm: 30");

        Run revoked = admin("keys", "revoke", id);
        assertThat(revoked.exit()).isZero();
        assertThat(revoked.out()).contains("Revoked key " + id);
        assertThat(hub.send("GET", "/v1/models", null, secret, Map.of()).status()).isEqualTo(401);
        assertThat(admin("keys", "list", "--json").json().path("data").toString()).contains("\"revoked\":true");
    }

    @Test
    void usageIsATableOrJsonGroupedAsAsked() throws Exception {
        assertThat(hub.post("/v1/chat/completions", "{\"model\":\"acme/chat-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").status())
                .isEqualTo(200);
        JsonNode usage = null;
        for (int i = 0; i < 300; i++) {
            hub.hub().usageWriter().flush();
            usage = admin("usage", "--group-by", "model", "--json").json();
            if (usage.path("total").path("calls").asInt() >= 1) {
                break;
            }
            Thread.sleep(10);
        }
        assertThat(usage.path("data").get(0).path("group").asText()).isEqualTo("acme/chat-1");
        Run table = admin("usage", "--group-by", "model", "--from", "2020-01-01T00:00:00Z");
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out()).contains("MODEL").contains("CALLS").contains("acme/chat-1").contains("total");
        Run bad = admin("usage", "--group-by", "colour");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).startsWith("modelhub: HTTP 400 invalid_request_error:");
    }

    @Test
    void catalogCheckCallsEachProvidersCheapestModelAndFailsWhenOneIsDown() throws Exception {
        Run check = admin("catalog", "check", "--json");
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.err()).contains("some providers failed the check");
        Map<String, JsonNode> byProvider = new HashMap<>();
        check.json().path("data").forEach(r -> byProvider.put(r.path("provider").asText(), r));
        assertThat(byProvider.get("mockai").path("model").asText()).isEqualTo("acme/cheap");
        assertThat(byProvider.get("mockai").path("status").asText()).isEqualTo("ok");
        assertThat(byProvider.get("mockai").path("latency_ms").isNumber()).isTrue();
        assertThat(byProvider.get("brokenai").path("status").asText()).isEqualTo("failed");
        assertThat(byProvider.get("brokenai").path("error").asText()).contains("HTTP 502");
        assertThat(byProvider.get("sandbox").path("status").asText()).isEqualTo("ok");
        assertThat(upstream.last().body().path("max_tokens").asInt()).isEqualTo(1);
        Run table = admin("catalog", "check");
        assertThat(table.out()).contains("PROVIDER").contains("mockai").contains(" ms");
    }

    @Test
    void configValidateAcceptsAGoodFileAndNamesTheFaultInABadOne() throws Exception {
        Path good = Files.writeString(dir.resolve("good.yaml"), "routing: {policy: price}\n");
        Run ok = run(Map.of(), "config", "validate", good.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("valid");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "routing: {policy: fastest}\n");
        Run refused = run(Map.of(), "config", "validate", bad.toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).startsWith("modelhub: configuration error: ").contains("routing.policy");
        Path orphan = Files.writeString(dir.resolve("orphan.yaml"), "models:\n  - id: x/y\n    offerings: [{provider: nowhere}]\n");
        assertThat(run(Map.of(), "config", "validate", orphan.toString()).err()).contains("nowhere");
        assertThat(run(Map.of(), "config", "validate", dir.resolve("missing.yaml").toString()).exit()).isEqualTo(2);
    }

    @Test
    void missingKeyUnreachableHubAndRefusedKeyAreClearErrors() {
        Run noKey = run(Map.of("MODELHUB_URL", hub.baseUrl()), "keys", "list");
        assertThat(noKey.exit()).isEqualTo(2);
        assertThat(noKey.err()).contains("MODELHUB_KEY is not set");
        Run nobody = run(Map.of("MODELHUB_URL", "http://127.0.0.1:1", "MODELHUB_KEY", "mh-x.y"), "keys", "list");
        assertThat(nobody.exit()).isEqualTo(1);
        assertThat(nobody.err()).contains("cannot reach the hub at http://127.0.0.1:1");
        Run refused = run(Map.of("MODELHUB_URL", hub.baseUrl(), "MODELHUB_KEY", "mh-nosuch.badbadbadbadbadbad"), "keys", "list");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("HTTP 401 authentication_error").doesNotContain("badbadbad");
        Run unknown = admin("keys", "show", "nosuchkey");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("HTTP 404");
        Run badArgs = admin("keys", "create");
        assertThat(badArgs.exit()).isEqualTo(2);
        assertThat(badArgs.err()).contains("--name");
    }

    @Test
    void usersCommandsSpeakTheUsersApi() {
        // Where the hub has no users API yet the command says so with the hub's own answer, and fails.
        Run list = admin("users", "list");
        if (list.exit() != 0) {
            assertThat(list.exit()).isEqualTo(1);
            assertThat(list.err()).contains("HTTP 404");
        } else {
            assertThat(list.out()).contains("EMAIL");
        }
        Run noPassword = run(Map.of("MODELHUB_URL", hub.baseUrl(), "MODELHUB_KEY", TestHub.ADMIN_KEY),
                "users", "create", "--email", "a@example.com", "--name", "A");
        assertThat(noPassword.exit()).isEqualTo(2);
        assertThat(noPassword.err()).contains("MODELHUB_USER_PASSWORD");
    }
}
