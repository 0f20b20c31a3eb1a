package io.modelhub.embeddings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UsageRows;
import io.modelhub.usage.UsageRecord;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Embeddings sent to OpenAI-compatible upstreams: what they receive, fallback to the next provider, metering on input tokens. */
class EmbeddingsRoutingTest {
    private MockUpstream first;
    private MockUpstream second;
    private TestHub hub;

    @BeforeEach
    void start() {
        first = new MockUpstream();
        second = new MockUpstream();
        hub = TestHub.start("""
                routing: {backoff: {base_ms: 1, max_ms: 5}}
                providers:
                  - {id: alpha, kind: openai, base_url: %s, api_key: secret-alpha, timeouts: {connect_ms: 1000, first_byte_ms: 2000, idle_ms: 1000}}
                  - {id: beta, kind: openai, base_url: %s, api_key: secret-beta, timeouts: {connect_ms: 1000, first_byte_ms: 2000, idle_ms: 1000}}
                models:
                  - id: acme/embed-1
                    capabilities: [embeddings]
                    offerings:
                      - {provider: alpha, upstream_model: alpha-embed, pricing: {input_per_mtok: 1.0, output_per_mtok: 0}}
                      - {provider: beta, upstream_model: beta-embed, pricing: {input_per_mtok: 2.0, output_per_mtok: 0}}
                """.formatted(first.baseUrl(), second.baseUrl()));
    }

    @AfterEach
    void stop() {
        hub.close();
        first.close();
        second.close();
    }

    @Test
    void theUpstreamReceivesTheRequestForItsModelWithItsOwnKey() {
        TestHub.Response r = hub.post("/v1/embeddings",
                "{\"model\":\"acme/embed-1\",\"input\":[\"a\",\"b\"],\"encoding_format\":\"float\",\"dimensions\":3,\"user\":\"u1\",\"provider\":{\"order\":[\"alpha\"]}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("data")).hasSize(2);
        assertThat(r.header("x-modelhub-provider")).isEqualTo("alpha");
        MockUpstream.Received got = first.last();
        assertThat(got.path()).isEqualTo("/v1/embeddings");
        assertThat(got.authorization()).isEqualTo("Bearer secret-alpha");
        JsonNode body = got.body();
        assertThat(body.path("model").asText()).isEqualTo("alpha-embed");
        assertThat(body.path("input")).hasSize(2);
        assertThat(body.path("encoding_format").asText()).isEqualTo("float");
        assertThat(body.path("dimensions").asInt()).isEqualTo(3);
        assertThat(body.path("user").asText()).isEqualTo("u1");
        assertThat(body.has("provider")).isFalse();
        assertThat(body.has("stream_options")).isFalse();
    }

    @Test
    void aFailingProviderFallsBackToTheNextAndTheCallIsMeteredOnInputTokens() {
        UsageRows rows = UsageRows.attach(hub);
        first.always(new MockUpstream.Fail(503, null));
        TestHub.Response r = hub.post("/v1/embeddings", "{\"model\":\"acme/embed-1\",\"input\":\"hello\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("x-modelhub-provider")).isEqualTo("beta");
        assertThat(Integer.parseInt(r.header("x-modelhub-attempts"))).isGreaterThan(1);
        assertThat(second.last().body().path("model").asText()).isEqualTo("beta-embed");
        List<UsageRecord> records = rows.flush().records();
        assertThat(records).hasSize(1);
        UsageRecord u = records.getFirst();
        assertThat(u.model()).isEqualTo("acme/embed-1");
        assertThat(u.provider()).isEqualTo("beta");
        assertThat(u.promptTokens()).isEqualTo(3);
        assertThat(u.completionTokens()).isZero();
        assertThat(u.costUsd()).isEqualTo(3 * 2.0 / 1_000_000);
    }

    @Test
    void everyProviderFailingIs502NamingThem() {
        first.always(new MockUpstream.Fail(500, null));
        second.always(new MockUpstream.Fail(500, null));
        TestHub.Response r = hub.post("/v1/embeddings", "{\"model\":\"acme/embed-1\",\"input\":\"hello\"}");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("upstream_error");
        assertThat(r.json().path("error").path("message").asText()).contains("alpha").contains("beta");
    }
}
