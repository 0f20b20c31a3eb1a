package io.modelhub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import io.modelhub.testing.TestHub;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK against the running hub. */
class OpenAiSdkTest {
    static TestHub hub;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        hub = TestHub.start("");
        client = OpenAIOkHttpClient.builder().baseUrl(hub.baseUrl() + "/v1").apiKey(TestHub.ADMIN_KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        hub.close();
    }

    @Test
    void nonStreamingCall() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("sandbox/chat").addUserMessage("Hello from the SDK").build());
        assertThat(c.choices().getFirst().message().content()).contains("Echo: Hello from the SDK");
        assertThat(c.usage().orElseThrow().totalTokens()).isPositive();
    }

    @Test
    void streamingCall() {
        StringBuilder text = new StringBuilder();
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("sandbox/chat").addUserMessage("stream me please").build();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        }
        assertThat(text.toString()).isEqualTo("Echo: stream me please");
    }

    @Test
    void toolCall() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("sandbox/chat")
                .addUserMessage("What's the weather in Oslo?")
                .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                        .name("get_weather")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                                .build())
                        .build()).build())
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED)
                .build();
        ChatCompletion c = client.chat().completions().create(params);
        List<ChatCompletionMessageToolCall> calls = c.choices().getFirst().message().toolCalls().orElseThrow();
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst().asFunction().function().name()).isEqualTo("get_weather");
        assertThat(calls.getFirst().asFunction().function().arguments()).contains("city");
    }
}
