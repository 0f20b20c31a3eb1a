package io.modelhub.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.AuthCalls;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UpstreamAndHub;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every direct call leaves one usage record with the right tokens, cost and timings; GET /v1/usage sums them. */
class UsageMeteringTest {
    static final String CHAT = "{\"model\":\"acme/chat-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String STREAM = "{\"model\":\"acme/chat-1\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    /** The test offering's prices: 1 USD per million prompt tokens, 2 per million completion tokens. */
    static final double IN = 1.0 / 1_000_000;
    static final double OUT = 2.0 / 1_000_000;

    @RegisterExtension
    final UpstreamAndHub env = new UpstreamAndHub("mockai", "acme/chat-1");

    /** The stored records, once there are {@code expected} of them (a call is metered just after its answer is sent). */
    List<UsageRecord> records(int expected) {
        List<UsageRecord> rows = List.of();
        for (int i = 0; i < 500 && rows.size() < expected; i++) {
            env.hub().hub().usageWriter().flush();
            rows = StoredUsage.all(env.hub().hub().store());
            if (rows.size() < expected) {
                sleep(10);
            }
        }
        assertThat(rows).hasSize(expected);
        return rows;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aNonStreamingCallIsMeteredWithTokensCostAndLatency() {
        TestHub.Response r = env.hub().post("/v1/chat/completions", CHAT);
        assertThat(r.status()).isEqualTo(200);
        UsageRecord u = records(1).getFirst();
        assertThat(u.keyId()).isEqualTo("testadmin");
        assertThat(u.model()).isEqualTo("acme/chat-1");
        assertThat(u.provider()).isEqualTo("mockai");
        assertThat(u.promptTokens()).isEqualTo(11);
        assertThat(u.completionTokens()).isEqualTo(7);
        assertThat(u.costUsd()).isCloseTo(11 * IN + 7 * OUT, within(1e-12));
        assertThat(u.latencyMs()).isNotNegative();
        assertThat(u.ttftMs()).isNull();
        assertThat(u.status()).isEqualTo(200);
        assertThat(u.errorType()).isNull();
        assertThat(u.requestId()).isEqualTo(r.header("x-request-id"));
        assertThat(u.testCall()).isFalse();
    }

    @Test
    void aStreamIsMeteredWithTheUpstreamUsageEvenWhenTheClientDidNotAskForIt() {
        try (TestHub.StreamResponse s = env.hub().stream("/v1/chat/completions", STREAM, TestHub.ADMIN_KEY)) {
            assertThat(s.rest().getLast()).isEqualTo("[DONE]");
        }
        UsageRecord u = records(1).getFirst();
        assertThat(u.promptTokens()).isEqualTo(11);
        assertThat(u.completionTokens()).isEqualTo(5);
        assertThat(u.costUsd()).isCloseTo(11 * IN + 5 * OUT, within(1e-12));
        assertThat(u.ttftMs()).isNotNull().isNotNegative();
        assertThat(u.latencyMs()).isGreaterThanOrEqualTo(u.ttftMs());
        assertThat(u.errorType()).isNull();
    }

    @Test
    void aCallEveryProviderFailedIsMeteredAsAnError() {
        env.upstream().always(new MockUpstream.Fail(500, null));
        TestHub.Response r = env.hub().post("/v1/chat/completions", CHAT);
        assertThat(r.status()).isEqualTo(502);
        UsageRecord u = records(1).getFirst();
        assertThat(u.status()).isEqualTo(502);
        assertThat(u.errorType()).isEqualTo("upstream_error");
        assertThat(u.promptTokens() + u.completionTokens()).isZero();
        assertThat(u.costUsd()).isZero();
    }

    @Test
    void aStreamThatDiesMidwayIsMeteredWithEstimatedTokens() {
        env.upstream().always(new MockUpstream.DieMidStream(4));
        try (TestHub.StreamResponse s = env.hub().stream("/v1/chat/completions", STREAM, TestHub.ADMIN_KEY)) {
            assertThat(s.rest().getLast()).contains("\"error\"");
        }
        UsageRecord u = records(1).getFirst();
        assertThat(u.status()).isEqualTo(200);
        assertThat(u.errorType()).isEqualTo("upstream_error");
        assertThat(u.completionTokens()).isEqualTo(3);
        assertThat(u.promptTokens()).isEqualTo(STREAM.length() / 4);
        assertThat(u.costUsd()).isCloseTo(u.promptTokens() * IN + 3 * OUT, within(1e-12));
    }

    @Test
    void aStreamTheClientAbandonsIsStillMeteredWithWhatWasUsed() {
        env.upstream().always(new MockUpstream.Answer("long", 200, 10));
        try (TestHub.StreamResponse s = env.hub().stream("/v1/chat/completions", STREAM, TestHub.ADMIN_KEY)) {
            s.nextData();
            s.nextData();
            s.nextData();
        }
        UsageRecord u = records(1).getFirst();
        assertThat(u.errorType()).isEqualTo("client_disconnected");
        assertThat(u.completionTokens()).isBetween(2L, 199L);
        assertThat(u.promptTokens()).isPositive();
        assertThat(u.costUsd()).isCloseTo(u.promptTokens() * IN + u.completionTokens() * OUT, within(1e-12));
        assertThat(u.ttftMs()).isNotNull();
    }

    @Test
    void sameClientRequestIdTwiceGivesTwoRecords() {
        Map<String, String> sameId = Map.of("x-request-id", "retry-1");
        env.hub().send("POST", "/v1/chat/completions", CHAT, TestHub.ADMIN_KEY, sameId);
        env.hub().send("POST", "/v1/chat/completions", CHAT, TestHub.ADMIN_KEY, sameId);
        assertThat(records(2)).extracting(UsageRecord::requestId).containsExactly("retry-1", "retry-1");
    }

    @Test
    void getUsageSumsTheCallsInTotalAndPerGroup() {
        env.hub().post("/v1/chat/completions", CHAT);
        env.hub().post("/v1/chat/completions", CHAT);
        env.upstream().always(new MockUpstream.Fail(500, null));
        env.hub().post("/v1/chat/completions", CHAT);
        records(3);

        TestHub.Response total = env.hub().get("/v1/usage");
        assertThat(total.status()).isEqualTo(200);
        JsonNode body = total.json();
        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.path("group_by").isNull()).isTrue();
        assertThat(body.path("key_id").isNull()).isTrue();
        assertThat(body.path("data")).hasSize(1);
        JsonNode t = body.path("total");
        assertThat(t.path("calls").asLong()).isEqualTo(3);
        assertThat(t.path("errors").asLong()).isEqualTo(1);
        assertThat(t.path("prompt_tokens").asLong()).isEqualTo(22);
        assertThat(t.path("completion_tokens").asLong()).isEqualTo(14);
        assertThat(t.path("total_tokens").asLong()).isEqualTo(36);
        assertThat(t.path("cost_usd").asDouble()).isCloseTo(2 * (11 * IN + 7 * OUT), within(1e-9));
        assertThat(body.path("data").get(0).path("calls").asLong()).isEqualTo(3);

        JsonNode byModel = env.hub().get("/v1/usage?group_by=model").json();
        assertThat(byModel.path("group_by").asText()).isEqualTo("model");
        assertThat(byModel.path("data").get(0).path("group").asText()).isEqualTo("acme/chat-1");
        assertThat(byModel.path("data").get(0).path("calls").asLong()).isEqualTo(3);

        JsonNode byKey = env.hub().get("/v1/usage?group_by=key&key_id=testadmin").json();
        assertThat(byKey.path("key_id").asText()).isEqualTo("testadmin");
        assertThat(byKey.path("data").get(0).path("group").asText()).isEqualTo("testadmin");

        JsonNode byDay = env.hub().get("/v1/usage?group_by=day").json();
        assertThat(byDay.path("data").get(0).path("group").asText()).isEqualTo(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());

        JsonNode past = env.hub().get("/v1/usage?from=2020-01-01&to=2020-01-31").json();
        assertThat(past.path("from").asText()).isEqualTo("2020-01-01T00:00:00Z");
        assertThat(past.path("to").asText()).isEqualTo("2020-02-01T00:00:00Z");
        assertThat(past.path("total").path("calls").asLong()).isZero();
    }

    @Test
    void aReadKeySeesOnlyItsOwnUsageOverHttpAndTheAdminSeesEveryKey() {
        JsonNode key = AuthCalls.createKey(env.hub(), "{\"name\":\"reader\",\"scopes\":[\"read\"]}");
        String reader = key.path("key").asText();
        String readerId = key.path("id").asText();
        assertThat(AuthCalls.call(env.hub(), "POST", "/v1/chat/completions", CHAT, reader).status()).isEqualTo(200);
        env.hub().post("/v1/chat/completions", CHAT);
        env.hub().post("/v1/chat/completions", CHAT);
        records(3);

        JsonNode own = AuthCalls.call(env.hub(), "GET", "/v1/usage?group_by=key", null, reader).json();
        assertThat(own.path("key_id").asText()).isEqualTo(readerId);
        assertThat(own.path("total").path("calls").asLong()).isEqualTo(1);
        assertThat(own.path("data")).hasSize(1);
        assertThat(own.path("data").get(0).path("group").asText()).isEqualTo(readerId);

        AuthCalls.assertError(AuthCalls.call(env.hub(), "GET", "/v1/usage?key_id=testadmin", null, reader), 403, "permission_error",
                "insufficient_scope");

        JsonNode all = env.hub().get("/v1/usage?group_by=key").json();
        assertThat(all.path("key_id").isNull()).isTrue();
        assertThat(all.path("total").path("calls").asLong()).isEqualTo(3);
        assertThat(all.path("data")).hasSize(2);
        assertThat(env.hub().get("/v1/usage?key_id=" + readerId).json().path("total").path("calls").asLong()).isEqualTo(1);
    }

    @Test
    void badUsageParametersAre400NamingTheParameter() {
        assertBad("/v1/usage?group_by=week", "group_by", "invalid_value");
        assertBad("/v1/usage?from=yesterday", "from", "invalid_value");
        assertBad("/v1/usage?to=2026-13-01", "to", "invalid_value");
        assertBad("/v1/usage?from=2026-11-02&to=2026-11-01", "from", "invalid_value");
        assertBad("/v1/usage?key_id=", "key_id", "invalid_value");
        assertBad("/v1/usage?groupby=model", "groupby", "unknown_parameter");
    }

    private void assertBad(String path, String param, String code) {
        TestHub.Response r = env.hub().get(path);
        assertThat(r.status()).as(path).isEqualTo(400);
        JsonNode e = r.json().path("error");
        assertThat(e.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.path("param").asText()).isEqualTo(param);
        assertThat(e.path("code").asText()).isEqualTo(code);
    }

    @Test
    void withUsageDisabledCallsAreServedButNotStored() throws Exception {
        try (TestHub off = TestHub.start(TestHub.oneProvider("mockai", env.upstream(), "acme/chat-1") + "usage: {enabled: false}\n")) {
            assertThat(off.hub().usageWriter()).isNull();
            assertThat(off.post("/v1/chat/completions", CHAT).status()).isEqualTo(200);
            assertThat(off.get("/v1/usage").json().path("total").path("calls").asLong()).isZero();
            assertThat(new UsageStore(off.hub().store()).count()).isZero();
        }
    }

    @Test
    void usageNeedsACredential() {
        TestHub.Response r = env.hub().send("GET", "/v1/usage", null, null, Map.of());
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("authentication_error");
    }
}
