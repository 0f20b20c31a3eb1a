package io.modelhub.responses;

import static io.modelhub.responses.OpenAiSchema.assertValid;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.config.ConfigException;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UsageRows;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A provider with {@code responses: true} gets the Responses request as it is, at its {@code /responses}. */
class ResponsesPassthroughTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RESPONSE = "{\"id\":\"resp_upstream1\",\"object\":\"response\",\"created_at\":1,\"status\":\"completed\",\"completed_at\":2,"
            + "\"error\":null,\"incomplete_details\":null,\"instructions\":null,\"max_output_tokens\":null,\"model\":\"gpt-x-2026\","
            + "\"output\":[{\"id\":\"msg_up\",\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
            + "\"text\":\"Native hello\",\"annotations\":[],\"logprobs\":[]}]}],\"parallel_tool_calls\":true,\"previous_response_id\":null,"
            + "\"reasoning\":null,\"store\":true,\"temperature\":1.0,\"text\":{\"format\":{\"type\":\"text\"}},\"tool_choice\":\"auto\",\"tools\":[],"
            + "\"top_p\":1.0,\"truncation\":\"disabled\",\"usage\":{\"input_tokens\":21,\"input_tokens_details\":{\"cached_tokens\":0,\"cache_write_tokens\":0},"
            + "\"output_tokens\":3,\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":24},\"metadata\":{}}";

    MockUpstream upstream;
    TestHub hub;

    @BeforeEach
    void start() {
        upstream = new MockUpstream();
        hub = TestHub.start("""
                providers:
                  - id: nativeai
                    kind: openai
                    base_url: %s
                    api_key: upstream-secret
                    responses: true
                models:
                  - id: acme/native-1
                    offerings:
                      - provider: nativeai
                        upstream_model: gpt-x
                        pricing: {input_per_mtok: 1.0, output_per_mtok: 2.0}
                """.formatted(upstream.baseUrl()));
    }

    @AfterEach
    void stop() {
        hub.close();
        upstream.close();
    }

    static JsonNode read(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new AssertionError(s, e);
        }
    }

    @Test
    void aWholeResponseComesBackWithTheHubsIdAndModelAndIsMetered() throws InterruptedException {
        UsageRows rows = UsageRows.attach(hub);
        upstream.always(new MockUpstream.Chunks(List.of(RESPONSE)));
        TestHub.Response r = hub.post("/v1/responses", "{\"model\":\"acme/native-1\",\"input\":\"hi\",\"include\":[\"reasoning.encrypted_content\"],\"provider\":{\"sort\":\"price\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertValid(r.json(), "Response");
        assertThat(upstream.last().path()).isEqualTo("/v1/responses");
        JsonNode sent = upstream.last().body();
        assertThat(sent.path("model").asText()).isEqualTo("gpt-x");
        assertThat(sent.path("include").get(0).asText()).isEqualTo("reasoning.encrypted_content");
        assertThat(sent.has("provider") || sent.has("messages")).isFalse();
        assertThat(sent.path("input")).isEqualTo(read("[{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}],\"status\":\"completed\"}]"));
        assertThat(upstream.last().authorization()).isEqualTo("Bearer upstream-secret");

        JsonNode response = r.json();
        assertThat(response.path("id").asText()).startsWith("resp_").isNotEqualTo("resp_upstream1");
        assertThat(response.path("model").asText()).isEqualTo("acme/native-1");
        assertThat(response.path("output").get(0).path("content").get(0).path("text").asText()).isEqualTo("Native hello");
        assertThat(hub.get("/v1/responses/" + response.path("id").asText()).json()).isEqualTo(response);
        for (int i = 0; i < 500 && rows.records().isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertThat(rows.records()).hasSize(1);
        assertThat(rows.records().getFirst().promptTokens()).isEqualTo(21);
        assertThat(rows.records().getFirst().completionTokens()).isEqualTo(3);
        assertThat(rows.records().getFirst().provider()).isEqualTo("nativeai");
    }

    @Test
    void aContinuationSendsTheWholeContextAsInputNotThePreviousId() {
        upstream.always(new MockUpstream.Chunks(List.of(RESPONSE)));
        String first = hub.post("/v1/responses", "{\"model\":\"acme/native-1\",\"input\":\"hi\"}").json().path("id").asText();
        TestHub.Response second = hub.post("/v1/responses", "{\"model\":\"acme/native-1\",\"previous_response_id\":\"" + first + "\",\"input\":\"again\"}");
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().path("previous_response_id").asText()).isEqualTo(first);
        JsonNode sent = upstream.last().body();
        assertThat(sent.has("previous_response_id")).isFalse();
        JsonNode input = sent.path("input");
        assertThat(input).hasSize(3);
        assertThat(input.get(1).path("role").asText()).isEqualTo("assistant");
        assertThat(input.get(1).path("content").get(0).path("text").asText()).isEqualTo("Native hello");
        assertThat(input.get(1).has("id")).isFalse();
        assertThat(input.get(2).path("content").get(0).path("text").asText()).isEqualTo("again");
    }

    @Test
    void aNativeStreamIsRelayedEventByEventWithTheHubsId() {
        String inProgress = RESPONSE.replace("\"status\":\"completed\",\"completed_at\":2", "\"status\":\"in_progress\",\"completed_at\":null");
        upstream.always(new MockUpstream.Chunks(List.of(
                "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":" + inProgress + "}",
                "{\"type\":\"response.output_text.delta\",\"sequence_number\":1,\"item_id\":\"msg_up\",\"output_index\":0,\"content_index\":0,\"delta\":\"Native \",\"logprobs\":[]}",
                "{\"type\":\"response.output_text.delta\",\"sequence_number\":2,\"item_id\":\"msg_up\",\"output_index\":0,\"content_index\":0,\"delta\":\"hello\",\"logprobs\":[]}",
                "{\"type\":\"response.completed\",\"sequence_number\":3,\"response\":" + RESPONSE + "}")));
        List<JsonNode> events = new ArrayList<>();
        try (TestHub.StreamResponse s = hub.stream("/v1/responses", "{\"model\":\"acme/native-1\",\"input\":\"hi\",\"stream\":true}", TestHub.ADMIN_KEY)) {
            assertThat(s.status()).isEqualTo(200);
            s.rest().forEach(d -> events.add(read(d)));
        }
        assertThat(upstream.last().body().path("stream").asBoolean()).isTrue();
        assertThat(upstream.last().body().has("stream_options")).isFalse();
        assertThat(events).hasSize(4);
        events.forEach(OpenAiSchema::assertValidEvent);
        String id = events.getFirst().path("response").path("id").asText();
        assertThat(id).isNotEqualTo("resp_upstream1");
        assertThat(events.getLast().path("response").path("id").asText()).isEqualTo(id);
        assertThat(events.get(1).path("delta").asText()).isEqualTo("Native ");
        assertThat(hub.get("/v1/responses/" + id).json().path("usage").path("input_tokens").asLong()).isEqualTo(21);
    }

    @Test
    void aNativeStreamThatDiesEndsWithErrorAndResponseFailed() {
        // One event, then the connection is cut.
        upstream.always(new MockUpstream.DieMidStream(1));
        List<JsonNode> events = new ArrayList<>();
        try (TestHub.StreamResponse s = hub.stream("/v1/responses", "{\"model\":\"acme/native-1\",\"input\":\"hi\",\"stream\":true}", TestHub.ADMIN_KEY)) {
            s.rest().forEach(d -> events.add(read(d)));
        }
        List<String> types = events.stream().map(e -> e.path("type").asText()).toList();
        assertThat(types.subList(types.size() - 2, types.size())).containsExactly("error", "response.failed");
        assertThat(events.getLast().path("response").path("status").asText()).isEqualTo("failed");
        OpenAiSchema.assertValidEvent(events.getLast());
    }

    @Test
    void responsesTrueIsRefusedForAKindWithoutTheResponsesApi() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestHub.start("""
                providers:
                  - id: sbx
                    kind: sandbox
                    responses: true
                """).close()).isInstanceOf(ConfigException.class).hasMessageContaining("responses");
    }

    @Test
    void theBuiltInOpenAiProviderPassesTheResponsesApiThrough() {
        try (MockUpstream openai = new MockUpstream().always(new MockUpstream.Chunks(List.of(RESPONSE)));
                TestHub builtIn = TestHub.start("providers:\n  - id: openai\n    base_url: " + openai.baseUrl() + "\n    api_key: sk-test\n")) {
            TestHub.Response r = builtIn.post("/v1/responses", "{\"model\":\"openai/gpt-4o-mini\",\"input\":\"hi\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(openai.last().path()).isEqualTo("/v1/responses");
            assertThat(r.json().path("model").asText()).isEqualTo("openai/gpt-4o-mini");
            // Chat completions to the same provider are unchanged.
            assertThat(builtIn.post("/v1/chat/completions", "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").status()).isNotEqualTo(404);
            assertThat(openai.last().path()).isEqualTo("/v1/chat/completions");
        }
    }
}
