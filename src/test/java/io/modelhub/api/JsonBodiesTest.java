package io.modelhub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one body reader: strict UTF-8, JSON, an object; errors name the field path. */
class JsonBodiesTest {
    final ObjectMapper json = Json.newMapper();

    private ApiException refused(String body, boolean emptyAllowed) {
        return catchThrowableOfType(ApiException.class, () -> JsonBodies.object(json, body.getBytes(StandardCharsets.UTF_8), emptyAllowed));
    }

    @Test
    void anEmptyBodyIsAnEmptyObjectOnlyWhereAllowed() {
        assertThat(JsonBodies.object(json, new byte[0], true)).isEmpty();
        assertThat(refused("", false).code()).isEqualTo("invalid_json");
        assertThat(refused("  ", false).getMessage()).contains("empty");
    }

    @Test
    void somethingOtherThanAnObjectIsRefused() {
        for (String body : new String[] {"[1]", "42", "\"x\"", "null"}) {
            ApiException e = refused(body, true);
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("invalid_json");
            assertThat(e.getMessage()).isEqualTo("The request body must be a JSON object.");
        }
        assertThat(refused("{\"a\":", true).getMessage()).startsWith("We could not parse the JSON body of your request");
    }

    @Test
    void utf8IsCheckedStrictly() {
        assertThat(JsonBodies.firstInvalidUtf8("aé€😀".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
        assertThat(JsonBodies.firstInvalidUtf8(new byte[] {'a', (byte) 0xC1, (byte) 0xBF})).isEqualTo(1);
        assertThat(JsonBodies.firstInvalidUtf8(new byte[] {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0x80})).isEqualTo(0);
        assertThat(JsonBodies.firstInvalidUtf8(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80})).isEqualTo(0);
        assertThat(JsonBodies.firstInvalidUtf8(new byte[] {'a', 'b', (byte) 0xE2})).isEqualTo(2);
    }

    @Test
    void fieldErrorsNameTheFullPath() {
        ObjectNode body = JsonBodies.object(json, "{\"a\":{\"b\":[1,\"x\"]},\"typo\":1}".getBytes(StandardCharsets.UTF_8), false);
        JsonField root = JsonField.root(body);
        ApiException e = catchThrowableOfType(ApiException.class, () -> root.field("a").field("b").item(1).integer(null, null));
        assertThat(e.param()).isEqualTo("a.b[1]");
        assertThat(e.getMessage()).isEqualTo("Invalid type for 'a.b[1]': expected an integer, but got a string instead.");
        ApiException unknown = catchThrowableOfType(ApiException.class, () -> root.onlyFields(Set.of("a")));
        assertThat(unknown.param()).isEqualTo("typo");
        assertThat(unknown.code()).isEqualTo("unknown_parameter");
        assertThat(root.field("a").field("missing").present()).isFalse();
        assertThat(catchThrowableOfType(ApiException.class, () -> root.field("zz").required()).code()).isEqualTo("missing_required_parameter");
    }
}
