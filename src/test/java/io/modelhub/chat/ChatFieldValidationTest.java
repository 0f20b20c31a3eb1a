package io.modelhub.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UpstreamAndHub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Chat Completions fields the hub knows are checked by OpenAI's own rules (openai/openai-openapi,
 * CreateChatCompletionRequest): a wrong type or a value out of range is a 400 naming the field, and the
 * upstream is never called (so it cannot fail on it and count against the provider's health).
 */
class ChatFieldValidationTest {
    @RegisterExtension
    final UpstreamAndHub env = new UpstreamAndHub("mockai", "acme/chat-1");

    static final String USER = "{\"role\":\"user\",\"content\":\"hi\"}";

    private JsonNode refused(String body, String param, String code) {
        TestHub.Response r = env.hub().post("/v1/chat/completions", body);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        JsonNode e = r.json().path("error");
        assertThat(e.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.path("param").isNull() ? null : e.path("param").asText()).as(r.body()).isEqualTo(param);
        assertThat(e.path("code").asText()).as(r.body()).isEqualTo(code);
        assertThat(e.path("message").asText()).isNotBlank();
        assertThat(env.upstream().received()).isEmpty();
        return e;
    }

    private static String chat(String extra) {
        return "{\"model\":\"acme/chat-1\",\"messages\":[" + USER + "]" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "\"temperature\":-0.5                           | temperature               | decimal_below_min_value",
            "\"temperature\":2.5                            | temperature               | decimal_above_max_value",
            "\"temperature\":\"hot\"                        | temperature               | invalid_type",
            "\"top_p\":1.5                                  | top_p                     | decimal_above_max_value",
            "\"top_p\":-0.1                                 | top_p                     | decimal_below_min_value",
            "\"presence_penalty\":3                         | presence_penalty          | decimal_above_max_value",
            "\"max_tokens\":-1                              | max_tokens                | integer_below_min_value",
            "\"max_tokens\":0                               | max_tokens                | integer_below_min_value",
            "\"max_tokens\":1.5                             | max_tokens                | invalid_type",
            "\"max_completion_tokens\":-5                   | max_completion_tokens     | integer_below_min_value",
            "\"n\":-1                                       | n                         | integer_below_min_value",
            "\"n\":0                                        | n                         | integer_below_min_value",
            "\"n\":129                                      | n                         | integer_above_max_value",
            "\"top_logprobs\":21                            | top_logprobs              | integer_above_max_value",
            "\"stop\":42                                    | stop                      | invalid_type",
            "\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]       | stop                      | array_above_max_length",
            "\"stop\":[\"a\",7]                             | stop[1]                   | invalid_type",
            "\"tools\":{}                                   | tools                     | invalid_type",
            "\"tools\":[42]                                 | tools[0]                  | invalid_type",
            "\"tools\":[{\"type\":\"function\"}]            | tools[0].function         | missing_required_parameter",
            "\"tools\":[{\"function\":{\"name\":\"f\"}}]    | tools[0].type             | missing_required_parameter",
            "\"tools\":[{\"type\":\"wizard\",\"function\":{\"name\":\"f\"}}] | tools[0].type | invalid_value",
            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":42}}]  | tools[0].function.name | invalid_type",
            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get weather\"}}] | tools[0].function.name | invalid_value",
            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"\"}}] | tools[0].function.name | invalid_value",
            "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":\"x\"}}] | tools[0].function.parameters | invalid_type",
            "\"tool_choice\":42                             | tool_choice               | invalid_type",
            "\"tool_choice\":\"always\"                     | tool_choice               | invalid_value",
            "\"tool_choice\":{\"type\":\"function\"}        | tool_choice.function      | missing_required_parameter",
            "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":7}} | tool_choice.function.name | invalid_type",
            "\"response_format\":{\"type\":\"yaml\"}        | response_format.type      | invalid_value",
            "\"response_format\":{}                         | response_format.type      | missing_required_parameter",
            "\"response_format\":{\"type\":\"json_schema\"} | response_format.json_schema | missing_required_parameter",
            "\"response_format\":\"json\"                   | response_format           | invalid_type",
            "\"parallel_tool_calls\":\"yes\"                | parallel_tool_calls       | invalid_type",
            "\"logprobs\":1                                 | logprobs                  | invalid_type",
            "\"logit_bias\":[1]                             | logit_bias                | invalid_type",
    })
    void aKnownFieldOfTheWrongTypeOrOutOfRangeIs400NamingIt(String extra, String param, String code) {
        refused(chat(extra), param, code);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"role\":\"user\",\"content\":42}                         | messages[0].content         | invalid_type",
            "{\"role\":\"user\",\"content\":{\"text\":\"hi\"}}          | messages[0].content         | invalid_type",
            "{\"role\":\"user\",\"content\":[]}                         | messages[0].content         | empty_array",
            "{\"role\":\"user\",\"content\":[\"hi\"]}                   | messages[0].content[0]      | invalid_type",
            "{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}        | messages[0].content[0].type | missing_required_parameter",
            "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":5}]} | messages[0].content[0].text | invalid_type",
            "{\"role\":\"user\"}                                        | messages[0].content         | missing_required_parameter",
            "{\"role\":\"system\",\"content\":null}                     | messages[0].content         | missing_required_parameter",
    })
    void aMessageContentOfTheWrongShapeIs400NamingIt(String message, String param, String code) {
        refused("{\"model\":\"acme/chat-1\",\"messages\":[" + message + "]}", param, code);
    }

    @Test
    void theMessageSaysWhatWasExpectedAndWhatCame() {
        assertThat(refused(chat("\"temperature\":3"), "temperature", "decimal_above_max_value").path("message").asText())
                .isEqualTo("Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead.");
        assertThat(refused(chat("\"n\":\"two\""), "n", "invalid_type").path("message").asText())
                .isEqualTo("Invalid type for 'n': expected an integer, but got a string instead.");
    }

    @Test
    void validValuesAndUnknownFieldsPassThroughUntouched() {
        String body = "{\"model\":\"acme/chat-1\",\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"be brief\"}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/y.png\"}}]},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"42\"}],"
                + "\"temperature\":0,\"top_p\":1,\"n\":1,\"max_tokens\":10,\"stop\":[\"a\",\"b\",\"c\",\"d\"],\"seed\":-3,"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather-2\",\"parameters\":{\"type\":\"object\"}}}],"
                + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_weather-2\"}},\"parallel_tool_calls\":false,"
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"answer\",\"schema\":{\"type\":\"object\"}}},"
                + "\"my_vendor_flag\":{\"anything\":[1,2]}}";
        TestHub.Response r = env.hub().post("/v1/chat/completions", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode sent = env.upstream().last().body();
        assertThat(sent.path("my_vendor_flag").path("anything")).hasSize(2);
        assertThat(sent.path("stop")).hasSize(4);
        assertThat(env.hub().post("/v1/chat/completions", chat("\"stop\":\"END\",\"tool_choice\":\"auto\"")).status()).isEqualTo(200);
    }

    @Test
    void aBodyThatIsNotValidUtf8Is400() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        byte[] prefix = "{\"model\":\"acme/chat-1\",\"messages\":[{\"role\":\"user\",\"content\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "\"}]}".getBytes(StandardCharsets.UTF_8);
        // An overlong '/', a lone surrogate, a truncated sequence, a stray continuation byte.
        for (byte[] bad : new byte[][] {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0x80}, {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}}) {
            byte[] body = new byte[prefix.length + bad.length + suffix.length];
            System.arraycopy(prefix, 0, body, 0, prefix.length);
            System.arraycopy(bad, 0, body, prefix.length, bad.length);
            System.arraycopy(suffix, 0, body, prefix.length + bad.length, suffix.length);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(env.hub().baseUrl() + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + TestHub.ADMIN_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.body()).contains("\"code\":\"invalid_json\"").contains("UTF-8");
        }
        // Real multi-byte text (2, 3 and 4 bytes) is fine.
        assertThat(env.hub().post("/v1/chat/completions", chat("\"user\":\"é€😀\"")).status()).isEqualTo(200);
        assertThat(env.upstream().received()).hasSize(1);
    }
}
