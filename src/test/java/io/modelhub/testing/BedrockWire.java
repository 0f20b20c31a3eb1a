package io.modelhub.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;

/**
 * AWS Bedrock Converse ({@code POST /model/{modelId}/converse}) and ConverseStream
 * ({@code /converse-stream}, {@code application/vnd.amazon.eventstream}): the stream's messages are
 * framed by the AWS SDK's own event-stream encoder, so the hub's decoder is checked against it.
 * Usage splits the 11 prompt tokens into 3 uncached input tokens, 2 cache writes and 6 cache reads.
 */
public final class BedrockWire implements Wire {
    @Override
    public String kind() {
        return "bedrock";
    }

    @Override
    public String baseUrl(String origin) {
        return origin;
    }

    @Override
    public String providerYaml(String id, MockUpstream mock) {
        return """
                  - id: %s
                    kind: bedrock
                    base_url: %s
                    region: us-east-1
                    aws_access_key_id: AKIDMOCK%s
                    aws_secret_access_key: mock-secret-%s
                    timeouts: {connect_ms: 1000, first_byte_ms: 2000, idle_ms: 1000}
                """.formatted(id, mock.baseUrl(), id.toUpperCase(java.util.Locale.ROOT), id);
    }

    @Override
    public boolean streams(String path, JsonNode body) {
        return path.endsWith("/converse-stream");
    }

    @Override
    public String model(String path, JsonNode body) {
        String rest = path.substring("/model/".length());
        return URLDecoder.decode(rest.substring(0, rest.lastIndexOf('/')), StandardCharsets.UTF_8);
    }

    @Override
    public String error(int status) {
        return "{\"message\":\"mock failure " + status + "\"}";
    }

    @Override
    public String streamContentType() {
        return "application/vnd.amazon.eventstream";
    }

    private static boolean tool(JsonNode body) {
        return body.path("toolConfig").path("tools").isArray() && !body.path("toolConfig").path("tools").isEmpty();
    }

    private static String toolName(JsonNode body) {
        return body.path("toolConfig").path("tools").get(0).path("toolSpec").path("name").asText();
    }

    private static String usage(int output) {
        return "{\"inputTokens\":3,\"outputTokens\":" + output + ",\"totalTokens\":" + (PROMPT_TOKENS + output)
                + ",\"cacheReadInputTokens\":6,\"cacheWriteInputTokens\":2}";
    }

    @Override
    public String completion(String model, String text, JsonNode body) {
        String content = tool(body)
                ? "[{\"toolUse\":{\"toolUseId\":\"tooluse_mock\",\"name\":\"" + toolName(body) + "\",\"input\":{\"city\":\"Paris\"}}}]"
                : "[{\"text\":\"" + text + "\"}]";
        return "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":" + content + "}},\"stopReason\":\""
                + (tool(body) ? "tool_use" : "end_turn") + "\",\"usage\":" + usage(COMPLETION_TOKENS) + ",\"metrics\":{\"latencyMs\":12}}";
    }

    /** One event message, encoded by the AWS SDK. */
    static byte[] event(String type, String json) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":event-type", HeaderValue.fromString(type));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        headers.put(":message-type", HeaderValue.fromString("event"));
        return encode(new Message(headers, json.getBytes(StandardCharsets.UTF_8)));
    }

    /** One exception message, as ConverseStream sends a failure after it has started. */
    public static byte[] exception(String type, String message) {
        Map<String, HeaderValue> headers = new LinkedHashMap<>();
        headers.put(":exception-type", HeaderValue.fromString(type));
        headers.put(":content-type", HeaderValue.fromString("application/json"));
        headers.put(":message-type", HeaderValue.fromString("exception"));
        return encode(new Message(headers, ("{\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] encode(Message m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.encode(out);
        return out.toByteArray();
    }

    @Override
    public List<byte[]> streamStart(String model, JsonNode body) {
        List<byte[]> out = new ArrayList<>();
        out.add(event("messageStart", "{\"role\":\"assistant\",\"p\":\"abcdefgh\"}"));
        if (tool(body)) {
            out.add(event("contentBlockStart", "{\"contentBlockIndex\":0,\"start\":{\"toolUse\":{\"toolUseId\":\"tooluse_mock\",\"name\":\""
                    + toolName(body) + "\"}}}"));
        }
        return out;
    }

    @Override
    public List<byte[]> streamToken(String model, int i, String text, JsonNode body) {
        if (tool(body)) {
            return i < ARGUMENT_PIECES.length ? List.of(toolDelta(ARGUMENT_PIECES[i])) : List.of();
        }
        return List.of(event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"" + text + "\"}}"));
    }

    private static byte[] toolDelta(String piece) {
        return event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"toolUse\":{\"input\":" + Wire.quote(piece) + "}}}");
    }

    @Override
    public List<byte[]> streamEnd(String model, int tokens, JsonNode body) {
        List<byte[]> out = new ArrayList<>();
        if (tool(body)) {
            for (int i = tokens; i < ARGUMENT_PIECES.length; i++) {
                out.add(toolDelta(ARGUMENT_PIECES[i]));
            }
        }
        out.add(event("contentBlockStop", "{\"contentBlockIndex\":0}"));
        out.add(event("messageStop", "{\"stopReason\":\"" + (tool(body) ? "tool_use" : "end_turn") + "\"}"));
        out.add(event("metadata", "{\"usage\":" + usage(tokens) + ",\"metrics\":{\"latencyMs\":20}}"));
        return out;
    }

    @Override
    public byte[] garbageEvent() {
        byte[] frame = event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"x\"}}");
        frame[frame.length - 1] ^= 0x5a; // a damaged message checksum
        return frame;
    }
}
