package io.modelhub.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.TestHub;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed {@code /v1/responses} request answers 400 in OpenAI's shape naming the parameter, and the hub keeps serving. */
class ResponsesBadInputTest {
    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start("");
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static Stream<Arguments> badRequests() {
        String m = "\"model\":\"sandbox/chat\",";
        return Stream.of(
                Arguments.of("{\"input\":\"hi\"}", "model", "missing_required_parameter"),
                Arguments.of("{\"model\":42,\"input\":\"hi\"}", "model", "invalid_type"),
                Arguments.of("{" + m + "\"temperature\":0.2}", "input", "missing_required_parameter"),
                Arguments.of("{" + m + "\"input\":42}", "input", "invalid_type"),
                Arguments.of("{" + m + "\"input\":[]}", "input", "empty_array"),
                Arguments.of("{" + m + "\"input\":[\"hi\"]}", "input[0]", "invalid_type"),
                Arguments.of("{" + m + "\"input\":[{\"content\":\"hi\"}]}", "input[0].type", "missing_required_parameter"),
                Arguments.of("{" + m + "\"input\":[{\"type\":\"file_search_call\"}]}", "input[0].type", "invalid_value"),
                Arguments.of("{" + m + "\"input\":[{\"role\":\"robot\",\"content\":\"hi\"}]}", "input[0].role", "invalid_value"),
                Arguments.of("{" + m + "\"input\":[{\"role\":\"user\"}]}", "input[0].content", "missing_required_parameter"),
                Arguments.of("{" + m + "\"input\":[{\"role\":\"user\",\"content\":7}]}", "input[0].content", "invalid_type"),
                Arguments.of("{" + m + "\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\"}]}]}", "input[0].content[0].type", "invalid_value"),
                Arguments.of("{" + m + "\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\"}]}]}", "input[0].content[0].text", "missing_required_parameter"),
                Arguments.of("{" + m + "\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"output_text\",\"text\":\"x\"}]}]}", "input[0].content[0].type", "invalid_value"),
                Arguments.of("{" + m + "\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"file_id\":\"file_1\"}]}]}", "input[0].content[0].image_url", "missing_required_parameter"),
                Arguments.of("{" + m + "\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"image_url\":\"http://x/y.png\",\"detail\":\"huge\"}]}]}", "input[0].content[0].detail", "invalid_value"),
                Arguments.of("{" + m + "\"input\":[{\"type\":\"function_call\",\"name\":\"f\",\"arguments\":\"{}\"}]}", "input[0].call_id", "missing_required_parameter"),
                Arguments.of("{" + m + "\"input\":[{\"type\":\"function_call\",\"call_id\":\"c\",\"arguments\":\"{}\"}]}", "input[0].name", "missing_required_parameter"),
                Arguments.of("{" + m + "\"input\":[{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":\"f\",\"arguments\":{}}]}", "input[0].arguments", "invalid_type"),
                Arguments.of("{" + m + "\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"c\"}]}", "input[0].output", "missing_required_parameter"),
                Arguments.of("{" + m + "\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":5}]}", "input[0].output", "invalid_type"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"instructions\":[1]}", "instructions", "invalid_type"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"tools\":{}}", "tools", "invalid_type"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"tools\":[\"f\"]}", "tools[0]", "invalid_type"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}", "tools[0].type", "unsupported_value"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"tools\":[{\"type\":\"function\"}]}", "tools[0].name", "missing_required_parameter"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"parameters\":\"x\"}]}", "tools[0].parameters", "invalid_type"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"strict\":\"yes\"}]}", "tools[0].strict", "invalid_type"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"tool_choice\":\"sometimes\"}", "tool_choice", "invalid_value"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"tool_choice\":3}", "tool_choice", "invalid_type"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"tool_choice\":{\"type\":\"file_search\"}}", "tool_choice.type", "unsupported_value"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"tool_choice\":{\"type\":\"function\"}}", "tool_choice.name", "missing_required_parameter"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"parallel_tool_calls\":\"yes\"}", "parallel_tool_calls", "invalid_type"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"text\":\"json\"}", "text", "invalid_type"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"text\":{\"format\":\"json\"}}", "text.format", "invalid_type"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"xml\"}}}", "text.format.type", "invalid_value"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"json_schema\",\"schema\":{}}}}", "text.format.name", "missing_required_parameter"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"bad name!\",\"schema\":{}}}}", "text.format.name", "invalid_value"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"n\"}}}", "text.format.schema", "missing_required_parameter"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"n\",\"schema\":[]}}}", "text.format.schema", "invalid_type"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"max_output_tokens\":0}", "max_output_tokens", "invalid_type"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"max_output_tokens\":\"ten\"}", "max_output_tokens", "invalid_type"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"temperature\":\"hot\"}", "temperature", "invalid_type"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"top_p\":\"most\"}", "top_p", "invalid_type"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"metadata\":[]}", "metadata", "invalid_type"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"metadata\":{\"n\":1}}", "metadata.n", "invalid_type"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"metadata\":{\"k\":\"" + "v".repeat(513) + "\"}}", "metadata.k", "invalid_value"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"store\":\"no\"}", "store", "invalid_type"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"stream\":1}", "stream", "invalid_type"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"previous_response_id\":7}", "previous_response_id", "invalid_type"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"previous_response_id\":\"resp_nope\"}", "previous_response_id", "previous_response_not_found"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"background\":true}", "background", "unsupported_parameter"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"conversation\":\"conv_1\"}", "conversation", "unsupported_parameter"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"reasoning\":\"high\"}", "reasoning", "invalid_type"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"messages\":[]}", "messages", "unknown_parameter"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"temperature\":7}", "temperature", "invalid_value"),
                Arguments.of("{" + m + "\"input\":\"hi\",\"top_p\":-0.5}", "top_p", "invalid_value"));
    }

    @ParameterizedTest(name = "{1} ({2})")
    @MethodSource("badRequests")
    void aMalformedRequestIs400NamingTheParameter(String body, String param, String code) {
        TestHub.Response r = hub.post("/v1/responses", body);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        JsonNode error = r.json().path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo(param);
        if (code != null) {
            assertThat(error.path("code").asText()).isEqualTo(code);
        }
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(hub.post("/v1/responses", "{\"model\":\"sandbox/chat\",\"input\":\"still here?\"}").status()).isEqualTo(200);
    }

    @Test
    void aBodyThatIsNotJsonIs400() {
        TestHub.Response r = hub.post("/v1/responses", "{not json");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("invalid_json");
        assertThat(hub.post("/v1/responses", "[1,2]").json().path("error").path("code").asText()).isEqualTo("invalid_json");
    }

    @Test
    void anUnknownModelIs404NamingTheModel() {
        TestHub.Response r = hub.post("/v1/responses", "{\"model\":\"nobody/nothing\",\"input\":\"hi\"}");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().path("error").path("param").asText()).isEqualTo("model");
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("model_not_found");
    }

    @Test
    void badInputItemsQueryParametersAre400() {
        String id = hub.post("/v1/responses", "{\"model\":\"sandbox/chat\",\"input\":\"hi\"}").json().path("id").asText();
        for (String[] c : new String[][] {{"limit=0", "limit"}, {"limit=101", "limit"}, {"limit=many", "limit"}, {"order=up", "order"}, {"after=msg_nope", "after"}}) {
            TestHub.Response r = hub.get("/v1/responses/" + id + "/input_items?" + c[0]);
            assertThat(r.status()).as(c[0]).isEqualTo(400);
            assertThat(r.json().path("error").path("param").asText()).isEqualTo(c[1]);
        }
        assertThat(hub.get("/v1/responses/resp_unknown/input_items").status()).isEqualTo(404);
    }
}
