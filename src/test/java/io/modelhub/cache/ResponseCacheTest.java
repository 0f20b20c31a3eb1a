package io.modelhub.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import io.modelhub.usage.UsageRecord;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Repeated identical requests that opt in are answered from the cache, plain or streamed, metered at no upstream cost. */
class ResponseCacheTest {
    static final String CACHE = "cache: {enabled: true, ttl_seconds: 60, max_entries: 100}\n";
    static final Map<String, String> USE = Map.of("x-modelhub-cache", "use");
    final ObjectMapper json = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();
    final List<AutoCloseable> open = new ArrayList<>();
    final MockUpstream upstream = new MockUpstream();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        upstream.close();
    }

    TestHub hub(String yaml, Map<String, String> env) {
        TestHub h = TestHub.start(yaml + TestHub.oneProvider("mockai", upstream, "acme/chat-1"), env);
        open.add(h);
        return h;
    }

    /** A chat body unique to this test run (the Redis cache outlives a test). */
    static String chat(String extra) {
        return "{\"model\":\"acme/chat-1\"" + extra + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi " + UUID.randomUUID() + "\"}]}";
    }

    TestHub.Response post(TestHub h, String body, Map<String, String> headers) {
        return h.send("POST", "/v1/chat/completions", body, TestHub.ADMIN_KEY, headers);
    }

    record Streamed(int status, String cacheHeader, List<String> data) {
        String content(ObjectMapper json) throws Exception {
            StringBuilder sb = new StringBuilder();
            for (String d : data) {
                if (!d.equals("[DONE]")) {
                    for (JsonNode c : json.readTree(d).path("choices")) {
                        sb.append(c.path("delta").path("content").asText(""));
                    }
                }
            }
            return sb.toString();
        }
    }

    Streamed stream(TestHub h, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(h.baseUrl() + "/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TestHub.ADMIN_KEY).header("Content-Type", "application/json")
                .header("x-modelhub-cache", "use").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<java.io.InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        List<String> data = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("data: ")) {
                    data.add(line.substring(6));
                }
            }
        }
        return new Streamed(r.statusCode(), r.headers().firstValue("x-modelhub-cache").orElse(null), data);
    }

    @Test
    void aRepeatedRequestThatOptsInIsAnsweredFromTheCacheWithoutAnUpstreamCall() throws Exception {
        TestHub h = hub(CACHE, Map.of());
        List<UsageRecord> rows = new java.util.concurrent.CopyOnWriteArrayList<>();
        h.hub().metering().add(rows::add);
        String body = chat("");
        TestHub.Response first = post(h, body, USE);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("x-modelhub-cache")).isEqualTo("miss");
        TestHub.Response second = post(h, body, USE);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.header("x-modelhub-cache")).isEqualTo("hit");
        assertThat(second.header("x-modelhub-provider")).isEqualTo("mockai");
        assertThat(second.json()).isEqualTo(first.json());
        assertThat(upstream.received()).hasSize(1);

        for (int i = 0; i < 500 && rows.size() < 2; i++) {
            Thread.sleep(10);
        }
        assertThat(rows).hasSize(2);
        UsageRecord cached = rows.stream().filter(r -> "cache".equals(r.provider())).findFirst().orElseThrow();
        assertThat(cached.costUsd()).isZero();
        assertThat(cached.promptTokens()).isEqualTo(11);
        assertThat(cached.completionTokens()).isEqualTo(7);
        assertThat(cached.status()).isEqualTo(200);
        assertThat(h.get("/metrics").body())
                .containsPattern("modelhub_cache_lookups_total\\{result=\"hit\"} 1\\.0")
                .containsPattern("modelhub_cache_lookups_total\\{result=\"miss\"} 1\\.0");
    }

    @Test
    void requestsThatDoNotOptInAreNeverCached() {
        TestHub h = hub(CACHE, Map.of());
        String body = chat("");
        assertThat(post(h, body, Map.of()).header("x-modelhub-cache")).isNull();
        assertThat(post(h, body, Map.of()).header("x-modelhub-cache")).isNull();
        assertThat(upstream.received()).hasSize(2);
    }

    @Test
    void anyDifferenceInModelMessagesToolsOrParametersIsAMissButFieldOrderIsNot() {
        TestHub h = hub(CACHE, Map.of());
        String body = chat(",\"temperature\":0.5,\"max_tokens\":20");
        assertThat(post(h, body, USE).header("x-modelhub-cache")).isEqualTo("miss");
        assertThat(post(h, body.replace("0.5", "0.6"), USE).header("x-modelhub-cache")).isEqualTo("miss");
        assertThat(post(h, body.replace("\"hi ", "\"hello "), USE).header("x-modelhub-cache")).isEqualTo("miss");
        String reordered = body.replace(",\"temperature\":0.5,\"max_tokens\":20", ",\"max_tokens\":20,\"temperature\":0.5");
        assertThat(post(h, reordered, USE).header("x-modelhub-cache")).isEqualTo("hit");
        assertThat(upstream.received()).hasSize(3);
    }

    @Test
    void aStreamedAnswerIsCachedAndReplayedAsAStreamOrServedWhole() throws Exception {
        TestHub h = hub(CACHE, Map.of());
        String body = chat(",\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        Streamed first = stream(h, body);
        assertThat(first.cacheHeader()).isEqualTo("miss");
        Streamed replay = stream(h, body);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.cacheHeader()).isEqualTo("hit");
        assertThat(replay.content(json)).isEqualTo(first.content(json)).isNotEmpty();
        assertThat(replay.data().getLast()).isEqualTo("[DONE]");
        JsonNode usage = json.readTree(replay.data().get(replay.data().size() - 2));
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.get("usage").get("completion_tokens").asLong()).isEqualTo(5);

        String plain = body.replace(",\"stream\":true,\"stream_options\":{\"include_usage\":true}", "");
        TestHub.Response whole = post(h, plain, USE);
        assertThat(whole.header("x-modelhub-cache")).isEqualTo("hit");
        JsonNode message = whole.json().get("choices").get(0).get("message");
        assertThat(message.get("content").asText()).isEqualTo(first.content(json));
        assertThat(whole.json().get("object").asText()).isEqualTo("chat.completion");
        assertThat(upstream.received()).hasSize(1);
    }

    @Test
    void aWholeAnswerIsReplayedAsAStreamWithoutTheUsageChunkUnlessAsked() throws Exception {
        TestHub h = hub(CACHE, Map.of());
        String body = chat("");
        TestHub.Response whole = post(h, body, USE);
        Streamed replay = stream(h, body.replace("{\"model\"", "{\"stream\":true,\"model\""));
        assertThat(replay.cacheHeader()).isEqualTo("hit");
        assertThat(replay.content(json)).isEqualTo(whole.json().get("choices").get(0).get("message").get("content").asText());
        for (String d : replay.data()) {
            assertThat(d).doesNotContain("\"usage\"");
        }
        assertThat(json.readTree(replay.data().get(replay.data().size() - 2)).get("choices").get(0).get("finish_reason").asText())
                .isEqualTo("stop");
    }

    @Test
    void aFailedAnswerIsNotCached() {
        TestHub h = hub(CACHE, Map.of());
        upstream.always(new MockUpstream.Fail(500, null));
        String body = chat("");
        assertThat(post(h, body, USE).status()).isEqualTo(502);
        upstream.always(new MockUpstream.Answer("Hello again", 3, 0));
        TestHub.Response next = post(h, body, USE);
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.header("x-modelhub-cache")).isEqualTo("miss");
    }

    @Test
    void keysAndModelsListedInTheConfigurationAreCachedWithoutTheHeader() {
        TestHub byModel = hub("cache: {enabled: true, models: [acme/chat-1]}\n", Map.of());
        String body = chat("");
        assertThat(post(byModel, body, Map.of()).header("x-modelhub-cache")).isEqualTo("miss");
        assertThat(post(byModel, body, Map.of()).header("x-modelhub-cache")).isEqualTo("hit");
        TestHub byKey = hub("cache: {enabled: true, keys: [testadmin]}\n", Map.of());
        assertThat(post(byKey, body, Map.of()).header("x-modelhub-cache")).isEqualTo("miss");
        assertThat(post(byKey, body, Map.of()).header("x-modelhub-cache")).isEqualTo("hit");
        TestHub other = hub("cache: {enabled: true, keys: [someoneelse], models: [acme/other]}\n", Map.of());
        assertThat(post(other, body, Map.of()).header("x-modelhub-cache")).isNull();
    }

    @Test
    void aBadCacheHeaderIsRefusedNamingIt() {
        TestHub h = hub(CACHE, Map.of());
        TestHub.Response r = post(h, chat(""), Map.of("x-modelhub-cache", "please"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").get("param").asText()).isEqualTo("x-modelhub-cache");
        assertThat(r.json().get("error").get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(upstream.received()).isEmpty();
    }

    @Test
    void withTheCacheOffTheHeaderChangesNothing() {
        TestHub h = hub("", Map.of());
        String body = chat("");
        assertThat(post(h, body, USE).header("x-modelhub-cache")).isNull();
        assertThat(post(h, body, USE).status()).isEqualTo(200);
        assertThat(upstream.received()).hasSize(2);
    }

    @Test
    void nodesSharingRedisShareTheCache() {
        Map<String, String> redis = Map.of("MODELHUB_REDIS_URL", "redis://127.0.0.1:6379");
        TestHub a = hub(CACHE, redis);
        TestHub b = hub(CACHE, redis);
        String body = chat("");
        assertThat(post(a, body, USE).header("x-modelhub-cache")).isEqualTo("miss");
        TestHub.Response fromB = post(b, body, USE);
        assertThat(fromB.header("x-modelhub-cache")).isEqualTo("hit");
        assertThat(fromB.json().get("choices").get(0).get("message").get("content").asText()).isNotEmpty();
        assertThat(upstream.received()).hasSize(1);
    }

    @Test
    void aCacheHitStillNeedsAnAllowedModelAndAKey() {
        TestHub h = hub(CACHE, Map.of());
        String body = chat("");
        post(h, body, USE);
        assertThat(h.send("POST", "/v1/chat/completions", body, null, USE).status()).isEqualTo(401);
    }

    @Test
    void aKeyWithCacheTrueOptsEveryCallInWithoutTheHeader() throws Exception {
        TestHub h = hub(CACHE, Map.of());
        TestHub.Response created = h.send("POST", "/v1/keys", "{\"name\":\"cached\",\"scopes\":[\"read\"],\"cache\":true}",
                TestHub.ADMIN_KEY, Map.of());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("cache").asBoolean()).isTrue();
        String key = created.json().path("key").asText();
        String id = created.json().path("id").asText();
        String body = chat("");
        TestHub.Response first = h.send("POST", "/v1/chat/completions", body, key, Map.of());
        TestHub.Response second = h.send("POST", "/v1/chat/completions", body, key, Map.of());
        assertThat(first.header("x-modelhub-cache")).isEqualTo("miss");
        assertThat(second.header("x-modelhub-cache")).isEqualTo("hit");
        assertThat(second.json().path("choices").path(0).path("message").path("content").asText())
                .isEqualTo(first.json().path("choices").path(0).path("message").path("content").asText());

        // Turned off again: the key's calls no longer touch the cache unless they ask for it.
        TestHub.Response patched = h.send("PATCH", "/v1/keys/" + id, "{\"cache\":false}", TestHub.ADMIN_KEY, Map.of());
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(patched.json().path("cache").asBoolean()).isFalse();
        assertThat(h.send("POST", "/v1/chat/completions", body, key, Map.of()).header("x-modelhub-cache")).isNull();
        // A key without the field is not opted in, and the field must be a boolean.
        assertThat(h.send("POST", "/v1/chat/completions", body, TestHub.ADMIN_KEY, Map.of()).header("x-modelhub-cache")).isNull();
        TestHub.Response bad = h.send("POST", "/v1/keys", "{\"name\":\"x\",\"cache\":\"yes\"}", TestHub.ADMIN_KEY, Map.of());
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("error").path("param").asText()).isEqualTo("cache");
    }
}
