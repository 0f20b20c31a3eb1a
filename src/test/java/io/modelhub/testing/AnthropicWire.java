package io.modelhub.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic Messages ({@code POST /v1/messages}): {@code message} objects with content blocks, and the
 * named SSE events {@code message_start}, {@code content_block_start}, {@code content_block_delta}
 * ({@code text_delta}, {@code input_json_delta}), {@code content_block_stop}, {@code message_delta},
 * {@code message_stop} and {@code ping}, as the Messages API reference and the TypeScript SDK describe them.
 * Its usage splits the 11 prompt tokens into 3 uncached, 2 written to the cache and 6 read from it.
 */
public final class AnthropicWire implements Wire {
    @Override
    public String kind() {
        return "anthropic";
    }

    @Override
    public String baseUrl(String origin) {
        return origin;
    }

    @Override
    public boolean streams(String path, JsonNode body) {
        return body.path("stream").asBoolean(false);
    }

    @Override
    public String model(String path, JsonNode body) {
        return body.path("model").asText();
    }

    @Override
    public String error(int status) {
        String type = switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> "api_error";
        };
        return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"mock failure " + status + "\"}}";
    }

    private static boolean tool(JsonNode body) {
        return Wire.wantsTool(body.get("tools"), body.path("tool_choice").path("type").asText(""));
    }

    private static String toolName(JsonNode body) {
        return body.path("tools").get(0).path("name").asText();
    }

    private static final String USAGE_IN = "\"input_tokens\":3,\"cache_creation_input_tokens\":2,\"cache_read_input_tokens\":6";

    @Override
    public String completion(String model, String text, JsonNode body) {
        String content = tool(body)
                ? "[{\"type\":\"tool_use\",\"id\":\"toolu_mock\",\"name\":\"" + toolName(body) + "\",\"input\":{\"city\":\"Paris\"}}]"
                : "[{\"type\":\"text\",\"text\":\"" + text + "\"}]";
        return "{\"id\":\"msg_mock\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + model + "\",\"content\":" + content
                + ",\"stop_reason\":\"" + (tool(body) ? "tool_use" : "end_turn") + "\",\"stop_sequence\":null,\"usage\":{" + USAGE_IN
                + ",\"output_tokens\":" + COMPLETION_TOKENS + "}}";
    }

    @Override
    public List<byte[]> streamStart(String model, JsonNode body) {
        String block = tool(body)
                ? "{\"type\":\"tool_use\",\"id\":\"toolu_mock\",\"name\":\"" + toolName(body) + "\",\"input\":{}}"
                : "{\"type\":\"text\",\"text\":\"\"}";
        return List.of(
                Wire.sse("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_mock\",\"type\":\"message\",\"role\":\"assistant\","
                        + "\"content\":[],\"model\":\"" + model + "\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{" + USAGE_IN + ",\"output_tokens\":1}}}"),
                Wire.sse("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":" + block + "}"),
                Wire.sse("ping", "{\"type\": \"ping\"}"));
    }

    @Override
    public List<byte[]> streamToken(String model, int i, String text, JsonNode body) {
        if (tool(body)) {
            return i < ARGUMENT_PIECES.length ? List.of(jsonDelta(ARGUMENT_PIECES[i])) : List.of();
        }
        return List.of(Wire.sse("content_block_delta",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}"));
    }

    private static byte[] jsonDelta(String piece) {
        return Wire.sse("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":"
                + Wire.quote(piece) + "}}");
    }

    @Override
    public List<byte[]> streamEnd(String model, int tokens, JsonNode body) {
        List<byte[]> out = new ArrayList<>();
        if (tool(body)) {
            for (int i = tokens; i < ARGUMENT_PIECES.length; i++) {
                out.add(jsonDelta(ARGUMENT_PIECES[i]));
            }
        }
        out.add(Wire.sse("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        out.add(Wire.sse("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + (tool(body) ? "tool_use" : "end_turn")
                + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + tokens + "}}"));
        out.add(Wire.sse("message_stop", "{\"type\":\"message_stop\"}"));
        return out;
    }
}
