package io.modelhub.limits;

import static io.modelhub.testing.AuthCalls.CHAT;
import static io.modelhub.testing.AuthCalls.assertError;
import static io.modelhub.testing.AuthCalls.call;
import static io.modelhub.testing.AuthCalls.createKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LimitsTest {
    MockUpstream upstream = new MockUpstream();
    TestHub hub;

    private void startHub(String extraYaml) {
        hub = TestHub.start(TestHub.oneProvider("mockai", upstream, "acme/chat-1") + extraYaml);
    }

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
        upstream.close();
    }

    @Test
    void everyInferenceAnswerCarriesTheRateLimitHeaders() {
        startHub("");
        TestHub.Response r = hub.post("/v1/chat/completions", CHAT);
        assertThat(r.status()).isEqualTo(200);
        for (String h : new String[] {"requests", "tokens"}) {
            assertThat(r.header("x-ratelimit-limit-" + h)).isEqualTo(Long.toString(Admission.UNLIMITED));
            assertThat(r.header("x-ratelimit-remaining-" + h)).isEqualTo(Long.toString(Admission.UNLIMITED));
            assertThat(r.header("x-ratelimit-reset-" + h)).isEqualTo("0ms");
        }
        try (TestHub.StreamResponse s = hub.stream("/v1/chat/completions",
                "{\"model\":\"acme/chat-1\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", TestHub.ADMIN_KEY)) {
            assertThat(s.header("x-ratelimit-limit-requests")).isNotNull();
            assertThat(s.header("x-ratelimit-remaining-tokens")).isNotNull();
            s.rest();
        }
    }

    @Test
    void overRpmIs429WithHeadersAndRetryAfter() {
        startHub("");
        String key = createKey(hub, "{\"name\":\"slow\",\"rpm\":2}").path("key").asText();
        TestHub.Response first = call(hub, "POST", "/v1/chat/completions", CHAT, key);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("x-ratelimit-limit-requests")).isEqualTo("2");
        assertThat(first.header("x-ratelimit-remaining-requests")).isEqualTo("1");
        assertThat(first.header("x-ratelimit-reset-requests")).matches("[0-9.]+(ms|s)");
        assertThat(call(hub, "POST", "/v1/chat/completions", CHAT, key).status()).isEqualTo(200);
        TestHub.Response third = call(hub, "POST", "/v1/chat/completions", CHAT, key);
        assertError(third, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(Long.parseLong(third.header("retry-after"))).isBetween(1L, 60L);
        assertThat(third.header("x-ratelimit-remaining-requests")).isEqualTo("0");
        assertThat(third.header("x-ratelimit-limit-requests")).isEqualTo("2");
        assertThat(upstream.received()).hasSize(2);
        // Other keys have their own buckets.
        assertThat(hub.post("/v1/chat/completions", CHAT).status()).isEqualTo(200);
    }

    @Test
    void overTpmIs429AndTheEstimateIsSettledWithRealUsage() {
        startHub("");
        // The call reserves its prompt estimate (body bytes / 4) plus its max_tokens; it is settled to the mock's 18 real tokens.
        String chat = "{\"model\":\"acme/chat-1\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String key = createKey(hub, "{\"name\":\"tokens\",\"tpm\":30}").path("key").asText();
        TestHub.Response first = call(hub, "POST", "/v1/chat/completions", chat, key);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("x-ratelimit-limit-tokens")).isEqualTo("30");
        long remainingAfterEstimate = Long.parseLong(first.header("x-ratelimit-remaining-tokens"));
        assertThat(remainingAfterEstimate).isEqualTo(30 - chat.length() / 4 - 5);
        TestHub.Response second = call(hub, "POST", "/v1/chat/completions", chat, key);
        assertError(second, 429, "rate_limit_error", "rate_limit_exceeded");
        assertThat(second.header("retry-after")).isNotNull();
        assertThat(second.header("x-ratelimit-limit-tokens")).isEqualTo("30");
        assertThat(Long.parseLong(second.header("x-ratelimit-remaining-tokens"))).isBetween(12L, 14L);
    }

    @Test
    void withoutMaxTokensTheCallReservesTheDefaultOutputBound() {
        startHub("");
        String key = createKey(hub, "{\"name\":\"tokens\",\"tpm\":100000}").path("key").asText();
        TestHub.Response r = call(hub, "POST", "/v1/chat/completions", CHAT, key);
        assertThat(r.status()).isEqualTo(200);
        assertThat(Long.parseLong(r.header("x-ratelimit-remaining-tokens")))
                .isEqualTo(100000 - CHAT.length() / 4 - Demand.DEFAULT_MAX_OUTPUT_TOKENS);
    }

    @Test
    void configuredDefaultsApplyAndKeyValuesOverrideThem() {
        startHub("limits: {rpm: 1}\n");
        assertThat(hub.post("/v1/chat/completions", CHAT).status()).isEqualTo(200);
        assertError(hub.post("/v1/chat/completions", CHAT), 429, "rate_limit_error", "rate_limit_exceeded");
        String key = createKey(hub, "{\"name\":\"generous\",\"rpm\":100}").path("key").asText();
        TestHub.Response r = call(hub, "POST", "/v1/chat/completions", CHAT, key);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-ratelimit-limit-requests")).isEqualTo("100");
    }

    @Test
    void keyOverItsBudgetGets429BudgetExceededAndSpendShows() {
        startHub("");
        // One mock call costs 11 prompt x $1/Mtok + 7 completion x $2/Mtok = $0.000025; it reserves its worst
        // case first: ~25 prompt tokens (body bytes / 4) and 7 completion tokens, $0.000039.
        String chat = "{\"model\":\"acme/chat-1\",\"max_tokens\":7,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        JsonNode created = createKey(hub, "{\"name\":\"cheap\",\"budget_usd\":0.00005}");
        String key = created.path("key").asText();
        assertThat(call(hub, "POST", "/v1/chat/completions", chat, key).status()).isEqualTo(200);
        TestHub.Response over = call(hub, "POST", "/v1/chat/completions", chat, key);
        assertError(over, 429, "rate_limit_error", "budget_exceeded");
        assertThat(over.header("retry-after")).isNotNull();
        assertThat(over.json().path("error").path("message").asText()).contains("could cost up to $0.0000").contains("budget_usd");
        JsonNode record = hub.get("/v1/keys/" + created.path("id").asText()).json();
        assertThat(record.path("spent_usd").asDouble()).isCloseTo(0.000025, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(upstream.received()).hasSize(1);
        // Raising the budget lets the key through again.
        assertThat(call(hub, "PATCH", "/v1/keys/" + created.path("id").asText(), "{\"budget_usd\":1}", TestHub.ADMIN_KEY).status())
                .isEqualTo(200);
        assertThat(call(hub, "POST", "/v1/chat/completions", chat, key).status()).isEqualTo(200);
    }

    @Test
    void aCallWhoseWorstCaseWouldPassTheBudgetIsRefusedBeforeAnyUpstreamCall() {
        startHub("");
        // Without max_tokens the call may produce 4096 tokens ($0.008 at $2/Mtok): more than this budget.
        JsonNode created = createKey(hub, "{\"name\":\"tiny\",\"budget_usd\":0.001}");
        TestHub.Response r = call(hub, "POST", "/v1/chat/completions", CHAT, created.path("key").asText());
        assertError(r, 429, "rate_limit_error", "budget_exceeded");
        assertThat(r.json().path("error").path("message").asText()).contains("max_tokens");
        assertThat(upstream.received()).isEmpty();
    }

    @Test
    void spendIsPersistedOnShutdown() {
        startHub("");
        JsonNode created = createKey(hub, "{\"name\":\"spender\",\"budget_usd\":5}");
        assertThat(call(hub, "POST", "/v1/chat/completions", CHAT, created.path("key").asText()).status()).isEqualTo(200);
        hub.hub().close();
        var store = io.modelhub.store.Store.open(hub.hub().config().store().url());
        try {
            double spent = new io.modelhub.auth.KeyStore(store).find(created.path("id").asText()).orElseThrow().spentUsd();
            assertThat(spent).isCloseTo(0.000025, org.assertj.core.data.Offset.offset(1e-9));
        } finally {
            store.close();
        }
    }
}
