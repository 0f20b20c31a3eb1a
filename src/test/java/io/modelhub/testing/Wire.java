package io.modelhub.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One provider wire format as {@link MockUpstream} speaks it: where requests go, which ask for a
 * stream, and the bytes of answers, stream frames and errors, written after that provider's own API
 * reference. The mock's behaviours (answer, fail, die mid-stream...) are the same for every wire.
 */
public interface Wire {
    /** The provider kind this wire is ({@code kind:} in the config). */
    String kind();

    /** The base URL to configure for a mock at {@code origin} ({@code http://127.0.0.1:port}). */
    String baseUrl(String origin);

    /** The YAML of provider {@code id} of this kind at {@code mock}, as an item of {@code providers:}. */
    default String providerYaml(String id, MockUpstream mock) {
        return """
                  - id: %s
                    kind: %s
                    base_url: %s
                    api_key: upstream-secret-%s
                    timeouts: {connect_ms: 1000, first_byte_ms: 2000, idle_ms: 1000}
                """.formatted(id, kind(), mock.baseUrl(), id);
    }

    /** Whether this request asks for a stream. */
    boolean streams(String path, JsonNode body);

    /** The model this request names. */
    String model(String path, JsonNode body);

    /** The error body this provider sends with {@code status}. */
    String error(int status);

    /** A whole answer: {@code text}, or a tool call when the request offers tools (and does not forbid them). */
    String completion(String model, String text, JsonNode body);

    default String streamContentType() {
        return "text/event-stream";
    }

    /** The frames that open a stream (before any token). */
    List<byte[]> streamStart(String model, JsonNode body);

    /** The frames of content token {@code i} (a piece of tool-call arguments when the request offers tools). */
    List<byte[]> streamToken(String model, int i, String text, JsonNode body);

    /** The frames that end a stream of {@code tokens} tokens: finish reason, usage, end marker. */
    List<byte[]> streamEnd(String model, int tokens, JsonNode body);

    /** The frames of a stream cut short after {@code tokens} tokens (0: nothing at all). */
    default List<byte[]> partialStream(String model, int tokens, JsonNode body) {
        List<byte[]> out = new ArrayList<>();
        if (tokens > 0) {
            out.addAll(streamStart(model, body));
        }
        for (int i = 0; i < tokens; i++) {
            out.addAll(streamToken(model, i, "tok" + i + " ", body));
        }
        return out;
    }

    /** A stream frame that is not what the protocol says. */
    default byte[] garbageEvent() {
        return sse("this is not json{");
    }

    /** Whether the request offers tools and lets the model call them (so the mock answers with a tool call). */
    static boolean wantsTool(JsonNode openAiStyleTools, String toolChoice) {
        return openAiStyleTools != null && openAiStyleTools.isArray() && !openAiStyleTools.isEmpty() && !"none".equals(toolChoice);
    }

    /** A JSON string literal of {@code s}. */
    static String quote(String s) {
        return "\"" + new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    /** One SSE event with only data. */
    static byte[] sse(String data) {
        return ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** One SSE event with a name and data. */
    static byte[] sse(String event, String data) {
        return ("event: " + event + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The mock's usage figures: 11 prompt tokens, one completion token per streamed token (7 for a whole answer). */
    int PROMPT_TOKENS = 11;
    int COMPLETION_TOKENS = 7;

    /** The tool call arguments the mock streams in pieces (whole: {@code {"city":"Paris"}}). */
    String[] ARGUMENT_PIECES = {"{\"city\"", ":\"Par", "is\"}"};
}
