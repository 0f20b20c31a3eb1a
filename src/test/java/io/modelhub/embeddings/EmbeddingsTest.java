package io.modelhub.embeddings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.AuthCalls;
import io.modelhub.testing.TestHub;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/embeddings} against the sandbox's deterministic model, and every bad input. */
class EmbeddingsTest {
    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start("");
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static JsonNode embed(String body) {
        TestHub.Response r = hub.post("/v1/embeddings", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("x-modelhub-provider")).isEqualTo("sandbox");
        return r.json();
    }

    private static double[] vector(JsonNode item) {
        JsonNode e = item.path("embedding");
        if (e.isTextual()) {
            ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(e.asText())).order(ByteOrder.LITTLE_ENDIAN);
            double[] out = new double[b.remaining() / 4];
            for (int i = 0; i < out.length; i++) {
                out[i] = b.getFloat();
            }
            return out;
        }
        double[] out = new double[e.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) e.get(i).asDouble();
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void sameTextGivesTheSameNormalisedVector() {
        JsonNode a = embed("{\"model\":\"sandbox/embed\",\"input\":\"The quick brown fox\"}");
        JsonNode b = embed("{\"model\":\"sandbox/embed\",\"input\":\"The quick brown fox\"}");
        assertThat(a.path("object").asText()).isEqualTo("list");
        assertThat(a.path("model").asText()).isEqualTo("sandbox/embed");
        JsonNode item = a.path("data").get(0);
        assertThat(item.path("object").asText()).isEqualTo("embedding");
        assertThat(item.path("index").asInt()).isZero();
        double[] v = vector(item);
        assertThat(v).hasSize(256);
        assertThat(dot(v, v)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(vector(b.path("data").get(0))).containsExactly(v);
        assertThat(a.path("usage").path("prompt_tokens").asInt()).isEqualTo(4);
        assertThat(a.path("usage").path("total_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void textsSharingWordsAreCloserThanUnrelatedOnes() {
        JsonNode r = embed("{\"model\":\"sandbox/embed\",\"input\":[\"cats chase mice\",\"cats chase birds\",\"quarterly tax filing\"]}");
        assertThat(r.path("data")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(r.path("data").get(i).path("index").asInt()).isEqualTo(i);
        }
        double[] a = vector(r.path("data").get(0));
        double[] b = vector(r.path("data").get(1));
        double[] c = vector(r.path("data").get(2));
        assertThat(dot(a, b)).isGreaterThan(dot(a, c));
    }

    @Test
    void dimensionsAndBase64AreHonoured() {
        JsonNode floats = embed("{\"model\":\"sandbox/embed\",\"input\":\"hello world\",\"dimensions\":64}");
        JsonNode packed = embed("{\"model\":\"sandbox/embed\",\"input\":\"hello world\",\"dimensions\":64,\"encoding_format\":\"base64\"}");
        assertThat(packed.path("data").get(0).path("embedding").isTextual()).isTrue();
        double[] f = vector(floats.path("data").get(0));
        assertThat(f).hasSize(64);
        assertThat(vector(packed.path("data").get(0))).containsExactly(f);
    }

    @Test
    void tokenArraysAreEmbeddedToo() {
        JsonNode one = embed("{\"model\":\"sandbox/embed\",\"input\":[101,2023,2003]}");
        assertThat(one.path("data")).hasSize(1);
        assertThat(one.path("usage").path("prompt_tokens").asInt()).isEqualTo(3);
        JsonNode two = embed("{\"model\":\"sandbox/embed\",\"input\":[[101,2023],[7]]}");
        assertThat(two.path("data")).hasSize(2);
        assertThat(vector(two.path("data").get(0))).isNotEqualTo(vector(two.path("data").get(1)));
    }

    @Test
    void embeddingModelsAreListedByCapability() {
        JsonNode models = hub.get("/v1/models?capability=embeddings").json().path("data");
        assertThat(models).hasSize(1);
        assertThat(models.get(0).path("id").asText()).isEqualTo("sandbox/embed");
        assertThat(models.get(0).path("capabilities").get(0).asText()).isEqualTo("embeddings");
    }

    @Test
    void wellKnownEmbeddingModelsAreBuiltInWithTheirPrices() {
        try (TestHub withKeys = TestHub.start("", java.util.Map.of("OPENAI_API_KEY", "sk-test", "MISTRAL_API_KEY", "m-test"))) {
            JsonNode models = withKeys.get("/v1/models?capability=embeddings").json().path("data");
            java.util.List<String> ids = new java.util.ArrayList<>();
            models.forEach(m -> ids.add(m.path("id").asText()));
            assertThat(ids).contains("sandbox/embed", "openai/text-embedding-3-small", "openai/text-embedding-3-large", "mistralai/mistral-embed");
            JsonNode small = withKeys.get("/v1/models/openai/text-embedding-3-small/providers/openai").json();
            assertThat(small.path("pricing").path("input_per_mtok").asDouble()).isEqualTo(0.02);
            assertThat(small.path("upstream_model").asText()).isEqualTo("text-embedding-3-small");
            assertThat(ids).doesNotContain("openai/gpt-4o");
        }
    }

    @Test
    void badInputIsA400NamingTheParameterAndTheHubKeepsServing() {
        bad("{\"input\":\"x\"}", "model", "missing_required_parameter");
        bad("{\"model\":\"sandbox/embed\"}", "input", "missing_required_parameter");
        bad("{\"model\":\"sandbox/embed\",\"input\":\"\"}", "input", "invalid_value");
        bad("{\"model\":\"sandbox/embed\",\"input\":[]}", "input", "invalid_value");
        bad("{\"model\":\"sandbox/embed\",\"input\":[\"a\",2]}", "input", "invalid_value");
        bad("{\"model\":\"sandbox/embed\",\"input\":[[1],[]]}", "input", "invalid_value");
        bad("{\"model\":\"sandbox/embed\",\"input\":[1,-2]}", "input", "invalid_value");
        bad("{\"model\":\"sandbox/embed\",\"input\":{\"text\":\"x\"}}", "input", "invalid_value");
        bad("{\"model\":\"sandbox/embed\",\"input\":[" + "\"a\",".repeat(2048) + "\"a\"]}", "input", "invalid_value");
        bad("{\"model\":\"sandbox/embed\",\"input\":\"x\",\"encoding_format\":\"int8\"}", "encoding_format", "invalid_value");
        bad("{\"model\":\"sandbox/embed\",\"input\":\"x\",\"dimensions\":0}", "dimensions", "invalid_value");
        bad("{\"model\":\"sandbox/embed\",\"input\":\"x\",\"dimensions\":1.5}", "dimensions", "invalid_value");
        bad("{\"model\":\"sandbox/chat\",\"input\":\"x\"}", "model", "model_not_supported");
        bad("{\"model\":\"sandbox/embed\",\"input\":\"x\",\"stream\":true}", "stream", "unknown_parameter");
        TestHub.Response notJson = hub.post("/v1/embeddings", "{oops");
        AuthCalls.assertError(notJson, 400, "invalid_request_error", "invalid_json");
        AuthCalls.assertError(hub.post("/v1/embeddings", "{\"model\":\"acme/none\",\"input\":\"x\"}"), 404, "not_found_error", "model_not_found");
        AuthCalls.assertError(hub.send("POST", "/v1/embeddings", "{\"model\":\"sandbox/embed\",\"input\":\"x\"}", null, java.util.Map.of()),
                401, "authentication_error", "missing_credential");
        embed("{\"model\":\"sandbox/embed\",\"input\":\"still serving\"}");
    }

    @Test
    void anEmbeddingModelIsRefusedOnChatCompletions() {
        TestHub.Response r = hub.post("/v1/chat/completions", "{\"model\":\"sandbox/embed\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        AuthCalls.assertError(r, 400, "invalid_request_error", "model_not_supported");
    }

    private static void bad(String body, String param, String code) {
        TestHub.Response r = hub.post("/v1/embeddings", body);
        AuthCalls.assertError(r, 400, "invalid_request_error", code);
        assertThat(r.json().path("error").path("param").asText()).as(r.body()).isEqualTo(param);
    }
}
