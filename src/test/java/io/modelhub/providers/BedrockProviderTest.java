package io.modelhub.providers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.BedrockWire;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.Wire;
import io.modelhub.testing.WireAdapter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

/** The bedrock kind against a mock of Converse: the signed request field by field, stream exceptions, images. */
class BedrockProviderTest {
    private static String yaml(MockUpstream up) {
        return """
                providers:
                  - id: br
                    kind: bedrock
                    base_url: %s
                    region: eu-west-1
                    aws_access_key_id: AKIDEXAMPLE
                    aws_secret_access_key: wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
                    timeouts: {connect_ms: 1000, first_byte_ms: 2000, idle_ms: 1000}
                models:
                  - id: anthropic/claude-on-bedrock
                    capabilities: [streaming, tools, vision]
                    offerings:
                      - provider: br
                        upstream_model: anthropic.claude-test-v1:0
                        max_output_tokens: 1024
                        supported_parameters: [temperature, top_p, top_k, max_tokens, stop, tools, tool_choice, stream, stream_options]
                        pricing: {input_per_mtok: 3, output_per_mtok: 15, cache_read_per_mtok: 0.3, cache_write_per_mtok: 3.75}
                """.formatted(up.baseUrl());
    }

    @Test
    void requestIsAConverseRequestSignedWithSigV4() throws Exception {
        try (MockUpstream up = new MockUpstream(new BedrockWire()); TestHub hub = TestHub.start(yaml(up))) {
            TestHub.Response r = hub.post("/v1/chat/completions", """
                    {"model":"anthropic/claude-on-bedrock","temperature":0.4,"top_p":0.7,"top_k":30,"stop":["##"],
                     "messages":[{"role":"system","content":"Be brief."},
                       {"role":"user","content":[{"type":"text","text":"Look"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},
                       {"role":"assistant","tool_calls":[{"id":"tu_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Rome\\"}"}}]},
                       {"role":"tool","tool_call_id":"tu_1","content":"25 C"}],
                     "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object"}}}],
                     "tool_choice":"required"}
                    """);
            assertThat(r.status()).isEqualTo(200);
            MockUpstream.Received got = up.last();
            assertThat(got.path()).isEqualTo("/model/anthropic.claude-test-v1%3A0/converse");
            JsonNode b = got.body();
            assertThat(b.path("system").get(0).path("text").asText()).isEqualTo("Be brief.");
            JsonNode user = b.path("messages").get(0);
            assertThat(user.path("role").asText()).isEqualTo("user");
            assertThat(user.path("content").get(0).path("text").asText()).isEqualTo("Look");
            assertThat(user.path("content").get(1).path("image").path("format").asText()).isEqualTo("png");
            assertThat(user.path("content").get(1).path("image").path("source").path("bytes").asText()).isEqualTo("iVBORw0KGgo=");
            JsonNode use = b.path("messages").get(1).path("content").get(0).path("toolUse");
            assertThat(b.path("messages").get(1).path("role").asText()).isEqualTo("assistant");
            assertThat(use.path("toolUseId").asText()).isEqualTo("tu_1");
            assertThat(use.path("input").path("city").asText()).isEqualTo("Rome");
            JsonNode result = b.path("messages").get(2).path("content").get(0).path("toolResult");
            assertThat(result.path("toolUseId").asText()).isEqualTo("tu_1");
            assertThat(result.path("content").get(0).path("text").asText()).isEqualTo("25 C");
            JsonNode inference = b.path("inferenceConfig");
            assertThat(inference.path("maxTokens").asInt()).isEqualTo(1024);
            assertThat(inference.path("temperature").asDouble()).isEqualTo(0.4);
            assertThat(inference.path("topP").asDouble()).isEqualTo(0.7);
            assertThat(inference.path("stopSequences").get(0).asText()).isEqualTo("##");
            assertThat(b.path("additionalModelRequestFields").path("top_k").asInt()).isEqualTo(30);
            JsonNode spec = b.path("toolConfig").path("tools").get(0).path("toolSpec");
            assertThat(spec.path("name").asText()).isEqualTo("get_weather");
            assertThat(spec.path("inputSchema").path("json").path("type").asText()).isEqualTo("object");
            assertThat(b.path("toolConfig").path("toolChoice").has("any")).isTrue();

            String auth = got.authorization();
            assertThat(auth).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/").contains("/eu-west-1/bedrock/aws4_request");
            assertThat(auth).doesNotContain("wJalrXUtnFEMI");
            // The SDK's signer, given the same request, key and time, computes the same signature: nothing was changed after signing.
            String amzDate = got.header("x-amz-date");
            Instant at = LocalDateTime.parse(amzDate, DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")).toInstant(ZoneOffset.UTC);
            SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST)
                    .uri(URI.create(up.baseUrl() + got.path()))
                    .putHeader("Content-Type", got.header("content-type"))
                    .putHeader("Accept", got.header("accept"))
                    .build();
            byte[] raw = got.raw().getBytes(StandardCharsets.UTF_8);
            String expected = AwsV4HttpSigner.create().sign(s -> s
                    .identity(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))
                    .request(request).payload(ContentStreamProvider.fromByteArray(raw))
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "bedrock")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1")
                    .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)))
                    .request().firstMatchingHeader("Authorization").orElseThrow();
            assertThat(auth).isEqualTo(expected);

            JsonNode usage = r.json().path("usage");
            assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(11);
            assertThat(usage.path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(6);
        }
    }

    @Test
    void imageLinksAreRejectedAs400SinceBedrockTakesOnlyBytes() {
        try (MockUpstream up = new MockUpstream(new BedrockWire()); TestHub hub = TestHub.start(yaml(up))) {
            TestHub.Response r = hub.post("/v1/chat/completions", "{\"model\":\"anthropic/claude-on-bedrock\",\"messages\":[{\"role\":\"user\",\"content\":"
                    + "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}}]}]}");
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().path("error").path("message").asText()).contains("data: URLs");
            assertThat(up.received()).isEmpty();
        }
    }

    @Test
    void throttlingExceptionInsideAStreamEndsItWithAnErrorEvent() {
        Wire throttled = new WireAdapter(new BedrockWire()) {
            @Override
            public List<byte[]> streamEnd(String model, int tokens, JsonNode body) {
                return List.of(BedrockWire.exception("throttlingException", "Too many requests"));
            }
        };
        try (MockUpstream up = new MockUpstream(throttled); TestHub hub = TestHub.start(yaml(up))) {
            List<String> events;
            try (TestHub.StreamResponse s = hub.stream("/v1/chat/completions",
                    "{\"model\":\"anthropic/claude-on-bedrock\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", TestHub.ADMIN_KEY)) {
                events = s.rest();
            }
            assertThat(up.last().path()).endsWith("/converse-stream");
            assertThat(events.getLast()).contains("\"error\"").contains("throttlingException");
        }
    }

    @Test
    void bedrockWithoutARegionIsAConfigError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestHub.start("""
                providers:
                  - id: br
                    kind: bedrock
                    aws_access_key_id: AKID
                    aws_secret_access_key: s
                """).close()).hasStackTraceContaining("base_url is required for kind bedrock");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestHub.start("""
                providers:
                  - id: br
                    kind: bedrock
                    base_url: http://127.0.0.1:9
                    aws_access_key_id: AKID
                    aws_secret_access_key: s
                """).close()).hasStackTraceContaining("needs a region");
    }
}
