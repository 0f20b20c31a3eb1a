package io.modelhub.apis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.testing.TestHub;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the hub writes for embeddings and legacy completions validates against OpenAI's published OpenAPI schemas. */
class OpenAiShapesTest {
    private static final OpenAiSchemas OPENAI = OpenAiSchemas.load("openai-openapi/embeddings-completions.json");
    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start("");
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void anEmbeddingsListIsACreateEmbeddingResponse() {
        TestHub.Response r = hub.post("/v1/embeddings", "{\"model\":\"sandbox/embed\",\"input\":[\"one\",\"two\"],\"dimensions\":8}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(OPENAI.violations("CreateEmbeddingResponse", r.json())).isEmpty();
    }

    @Test
    void aTextCompletionAndItsStreamedChunksAreCreateCompletionResponses() throws Exception {
        TestHub.Response r = hub.post("/v1/completions", "{\"model\":\"sandbox/chat\",\"prompt\":\"Say hi\",\"max_tokens\":20}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(OPENAI.violations("CreateCompletionResponse", r.json())).isEmpty();
        ObjectMapper json = new ObjectMapper();
        try (TestHub.StreamResponse s = hub.stream("/v1/completions", "{\"model\":\"sandbox/chat\",\"prompt\":\"Say hi\",\"stream\":true}", TestHub.ADMIN_KEY)) {
            List<String> events = s.rest();
            assertThat(events.getLast()).isEqualTo("[DONE]");
            for (String e : events.subList(0, events.size() - 1)) {
                JsonNode chunk = json.readTree(e);
                // OpenAI's schema has no null finish_reason, though its own streams send one until the last chunk.
                List<String> v = OPENAI.violations("CreateCompletionResponse", chunk).stream()
                        .filter(x -> !x.endsWith(".finish_reason: expected \"string\", got NULL")).toList();
                assertThat(v).as(e).isEmpty();
            }
        }
    }

    @Test
    void theCheckerNoticesAWrongShape() {
        JsonNode bad = hub.json().createObjectNode().put("object", "lists").put("model", 3);
        assertThat(OPENAI.violations("CreateEmbeddingResponse", bad))
                .anyMatch(v -> v.contains("'data'")).anyMatch(v -> v.contains("$.model")).anyMatch(v -> v.contains("$.object"));
    }
}
