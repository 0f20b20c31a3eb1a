package io.modelhub.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK's {@code responses()} against the hub: the sandbox and a chat-only mock upstream. */
class OpenAiSdkResponsesTest {
    static MockUpstream upstream;
    static TestHub hub;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = new MockUpstream();
        hub = TestHub.start(TestHub.oneProvider("mockai", upstream, "acme/chat-1"));
        client = OpenAIOkHttpClient.builder().baseUrl(hub.baseUrl() + "/v1").apiKey(TestHub.ADMIN_KEY).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        hub.close();
        upstream.close();
    }

    static String text(Response r) {
        StringBuilder sb = new StringBuilder();
        for (ResponseOutputItem item : r.output()) {
            item.message().ifPresent(m -> m.content().forEach(c -> c.outputText().ifPresent(t -> sb.append(t.text()))));
        }
        return sb.toString();
    }

    @Test
    void createReturnsTheSandboxAnswer() {
        Response r = client.responses().create(ResponseCreateParams.builder().model("sandbox/chat").input("Hello from Java").build());
        assertThat(text(r)).isEqualTo("Echo: Hello from Java");
        assertThat(r.id()).startsWith("resp_");
        assertThat(r.usage().orElseThrow().totalTokens()).isPositive();
        assertThat(client.responses().retrieve(r.id()).id()).isEqualTo(r.id());
    }

    @Test
    void createThroughAChatOnlyUpstreamIsTranslated() {
        Response r = client.responses().create(ResponseCreateParams.builder().model("acme/chat-1").input("Hi mock").instructions("Be brief").build());
        assertThat(text(r)).isEqualTo("Hello from the mock");
        assertThat(r.usage().orElseThrow().inputTokens()).isEqualTo(11);
        assertThat(upstream.last().body().path("messages").get(0).path("content").asText()).isEqualTo("Be brief");
    }

    @Test
    void createStreamingDeliversDeltasAndACompletedEvent() {
        StringBuilder text = new StringBuilder();
        List<String> types = new ArrayList<>();
        List<Response> completed = new ArrayList<>();
        ResponseCreateParams params = ResponseCreateParams.builder().model("sandbox/chat").input("stream me from Java").build();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params)) {
            stream.stream().forEach(e -> {
                e.outputTextDelta().ifPresent(d -> text.append(d.delta()));
                e.completed().ifPresent(c -> completed.add(c.response()));
                e.created().ifPresent(c -> types.add("created"));
            });
        }
        assertThat(text.toString()).isEqualTo("Echo: stream me from Java");
        assertThat(types).containsExactly("created");
        assertThat(completed).hasSize(1);
        assertThat(text(completed.getFirst())).isEqualTo("Echo: stream me from Java");
    }

    @Test
    void createStreamingThroughAChatOnlyUpstream() {
        StringBuilder text = new StringBuilder();
        ResponseCreateParams params = ResponseCreateParams.builder().model("acme/chat-1").input("stream").build();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params)) {
            stream.stream().forEach(e -> e.outputTextDelta().ifPresent(d -> text.append(d.delta())));
        }
        assertThat(text.toString()).isEqualTo("t0 t1 t2 t3 t4 ");
    }

    @Test
    void aFunctionToolRoundTripContinuesWithPreviousResponseId() {
        FunctionTool weather = FunctionTool.builder().name("get_weather").description("The weather in a city").strict(false)
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .build())
                .build();
        Response first = client.responses().create(ResponseCreateParams.builder().model("sandbox/chat")
                .input("What is the weather in Paris?").addTool(weather).build());
        ResponseFunctionToolCall call = first.output().getFirst().functionCall().orElseThrow();
        assertThat(call.name()).isEqualTo("get_weather");

        Response second = client.responses().create(ResponseCreateParams.builder().model("sandbox/chat")
                .previousResponseId(first.id()).addTool(weather)
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                        .callId(call.callId()).output("Sunny, 21 C").build())))
                .build());
        assertThat(text(second)).isEqualTo("The tool returned: Sunny, 21 C");
        client.responses().delete(first.id());
    }
}
