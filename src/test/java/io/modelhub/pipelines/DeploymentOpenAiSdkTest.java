package io.modelhub.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.modelhub.testing.TestHub;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK, pointed at a deployment's endpoint as its base URL. */
class DeploymentOpenAiSdkTest {
    static TestHub hub;
    static String endpoint;
    static String deploymentId;

    @BeforeAll
    static void start() {
        hub = TestHub.start("sandbox: {enabled: true}\n");
        String id = hub.post("/v1/pipelines", """
                {"model":"sandbox/chat","inputs":{"question":{"type":"string"}},
                 "steps":[{"id":"draft","prompt":"Draft: {{input.question}}"},
                          {"id":"final","prompt":"Improve: {{steps.draft.output}}"}]}""").json().path("id").asText();
        var d = hub.post("/v1/pipelines/" + id + "/deploy", "{}").json();
        endpoint = d.path("endpoint").asText();
        deploymentId = d.path("deployment_id").asText();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static OpenAIClient client() {
        return OpenAIOkHttpClient.builder().baseUrl(endpoint).apiKey(TestHub.ADMIN_KEY).maxRetries(0).build();
    }

    private static ChatCompletionCreateParams params(String said) {
        return ChatCompletionCreateParams.builder().model("any-model").addUserMessage(said).build();
    }

    @Test
    void sdkGetsTheLastStepsAnswer() {
        ChatCompletion c = client().chat().completions().create(params("why?"));
        assertThat(c.choices().getFirst().message().content()).contains("Echo: Improve: Echo: Draft: why?");
    }

    @Test
    void sdkStreamsTheLastStepsAnswer() {
        StringBuilder text = new StringBuilder();
        int chunks = 0;
        try (StreamResponse<ChatCompletionChunk> s = client().chat().completions().createStreaming(params("stream me"))) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) s.stream()::iterator) {
                chunks++;
                chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
            }
        }
        assertThat(chunks).isGreaterThan(3);
        assertThat(text.toString()).isEqualTo("Echo: Improve: Echo: Draft: stream me");
    }

    @Test
    void sdkSeesARetiredDeploymentAsNotFound() {
        String id = hub.post("/v1/pipelines", "{\"model\":\"sandbox/chat\"}").json().path("id").asText();
        var d = hub.post("/v1/pipelines/" + id + "/deploy", "{}").json();
        OpenAIClient c = OpenAIOkHttpClient.builder().baseUrl(d.path("endpoint").asText()).apiKey(TestHub.ADMIN_KEY).maxRetries(0).build();
        assertThat(c.chat().completions().create(params("hello")).choices().getFirst().message().content()).contains("Echo: hello");
        hub.send("DELETE", "/v1/deployments/" + d.path("deployment_id").asText(), null, TestHub.ADMIN_KEY, Map.of());
        assertThatThrownBy(() -> c.chat().completions().create(params("hello"))).isInstanceOf(NotFoundException.class);
    }
}
