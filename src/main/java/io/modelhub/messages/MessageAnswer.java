package io.modelhub.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.usage.TokenUsage;
import java.io.IOException;

/**
 * A whole OpenAI chat completion as an Anthropic message: the first choice's text as a text block,
 * each tool call as a {@code tool_use} block (its arguments parsed back into {@code input}), the stop
 * reason mapped by {@link StopReasons}, and usage as {@code input_tokens} / {@code output_tokens}.
 */
final class MessageAnswer {
    private MessageAnswer() {}

    static ObjectNode of(ObjectMapper json, byte[] completion, TokenUsage usage, String requestModel) throws IOException {
        JsonNode root = json.readTree(completion);
        JsonNode choice = root.path("choices").path(0);
        JsonNode message = choice.path("message");
        ObjectNode out = json.createObjectNode();
        out.put("id", messageId(root.path("id").asText("")));
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", requestModel);
        ArrayNode content = out.putArray("content");
        JsonNode text = message.get("content");
        if (text != null && text.isTextual() && !text.asText().isEmpty()) {
            content.addObject().put("type", "text").put("text", text.asText());
        }
        for (JsonNode call : message.path("tool_calls")) {
            ObjectNode block = content.addObject();
            block.put("type", "tool_use");
            block.put("id", toolUseId(call.path("id").asText("")));
            block.put("name", call.path("function").path("name").asText(""));
            block.set("input", input(json, call.path("function").path("arguments").asText("")));
        }
        StopReasons.Stop stop = StopReasons.of(choice);
        out.put("stop_reason", stop.reason());
        if (stop.sequence() == null) {
            out.putNull("stop_sequence");
        } else {
            out.put("stop_sequence", stop.sequence());
        }
        usage(out.putObject("usage"), usage);
        return out;
    }

    static void usage(ObjectNode u, TokenUsage usage) {
        u.put("input_tokens", usage.promptTokens());
        u.put("output_tokens", usage.completionTokens());
    }

    /** A tool call's arguments as an object; text that is not a JSON object is kept under {@code "arguments"}, not lost. */
    static JsonNode input(ObjectMapper json, String arguments) {
        if (arguments.isBlank()) {
            return json.createObjectNode();
        }
        try {
            JsonNode n = json.readTree(arguments);
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (IOException e) {
            // fall through: kept as text
        }
        ObjectNode kept = json.createObjectNode();
        kept.put("arguments", arguments);
        return kept;
    }

    /** Anthropic's ids begin {@code msg_}; the upstream's id is kept after it, so logs still match. */
    static String messageId(String upstreamId) {
        return upstreamId.startsWith("msg_") ? upstreamId : "msg_" + (upstreamId.isEmpty() ? Long.toHexString(System.nanoTime()) : upstreamId);
    }

    /** Tool call ids pass unchanged (a client sends them back in tool_result, and the upstream needs its own id then). */
    static String toolUseId(String upstreamId) {
        return upstreamId.isEmpty() ? "toolu_" + Long.toHexString(System.nanoTime()) : upstreamId;
    }
}
