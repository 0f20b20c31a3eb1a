package io.modelhub.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.usage.TokenUsage;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the hub's chat shape (OpenAI {@code chat.completion} and {@code chat.completion.chunk} JSON)
 * for adapters that translate another wire protocol, and reads the parts of an OpenAI request they all
 * need (message text, image URLs, tool call arguments). One place, so every kind answers alike.
 */
public final class ChatShape {
    private final ObjectMapper json;

    public ChatShape(ObjectMapper json) {
        this.json = json;
    }

    /** A whole upstream answer as a JSON object, or the protocol failure of provider {@code providerId}. */
    public JsonNode object(String providerId, byte[] body) throws UpstreamException {
        try {
            JsonNode n = json.readTree(body);
            if (n == null || !n.isObject()) {
                throw UpstreamException.protocol(providerId, "answered with something that is not a JSON object", null);
            }
            return n;
        } catch (java.io.IOException e) {
            throw UpstreamException.protocol(providerId, "answered with invalid JSON", e);
        }
    }

    /** Copies {@code in.from} to {@code out.to} when it is a number (request fields an upstream names its own way). */
    public static void copyNumber(JsonNode in, ObjectNode out, String from, String to) {
        JsonNode v = in.get(from);
        if (v != null && v.isNumber()) {
            out.set(to, v);
        }
    }

    public ObjectMapper json() {
        return json;
    }

    /** One tool call of an answer: its id, function name and arguments (a JSON text). */
    public record ToolCall(String id, String name, String arguments) {}

    /** A whole {@code chat.completion} with one choice. */
    public byte[] completion(String id, String model, long created, String text, String reasoning, List<ToolCall> toolCalls,
                             String finishReason, TokenUsage usage) throws UpstreamException {
        ObjectNode root = json.createObjectNode();
        root.put("id", id);
        root.put("object", "chat.completion");
        root.put("created", created);
        root.put("model", model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (text == null || (text.isEmpty() && !toolCalls.isEmpty())) {
            message.putNull("content");
        } else {
            message.put("content", text);
        }
        if (reasoning != null && !reasoning.isEmpty()) {
            message.put("reasoning_content", reasoning);
        }
        if (!toolCalls.isEmpty()) {
            ArrayNode calls = message.putArray("tool_calls");
            for (ToolCall tc : toolCalls) {
                ObjectNode c = calls.addObject();
                c.put("id", tc.id());
                c.put("type", "function");
                c.putObject("function").put("name", tc.name()).put("arguments", tc.arguments());
            }
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        usage(root.putObject("usage"), usage);
        return bytes(root);
    }

    /** The OpenAI usage object for these counts, cached prompt tokens in {@code prompt_tokens_details}. */
    public static void usage(ObjectNode u, TokenUsage usage) {
        u.put("prompt_tokens", usage.promptTokens());
        u.put("completion_tokens", usage.completionTokens());
        u.put("total_tokens", usage.totalTokens());
        if (usage.cacheReadTokens() > 0 || usage.cacheWriteTokens() > 0) {
            ObjectNode d = u.putObject("prompt_tokens_details");
            d.put("cached_tokens", usage.cacheReadTokens());
            if (usage.cacheWriteTokens() > 0) {
                d.put("cache_write_tokens", usage.cacheWriteTokens());
            }
        }
    }

    /** A chunk with one choice whose delta the caller fills; {@code finish} null leaves the finish reason null. */
    public ObjectNode chunk(String id, String model, long created, String finish) {
        ObjectNode c = json.createObjectNode();
        c.put("id", id);
        c.put("object", "chat.completion.chunk");
        c.put("created", created);
        c.put("model", model);
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("delta");
        choice.putNull("logprobs");
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return c;
    }

    /** The delta object of a chunk made by {@link #chunk}. */
    public static ObjectNode delta(ObjectNode chunk) {
        return (ObjectNode) chunk.get("choices").get(0).get("delta");
    }

    /** The last chunk of a stream: no choices, only the usage. */
    public ObjectNode usageChunk(String id, String model, long created, TokenUsage usage) {
        ObjectNode c = json.createObjectNode();
        c.put("id", id);
        c.put("object", "chat.completion.chunk");
        c.put("created", created);
        c.put("model", model);
        c.putArray("choices");
        usage(c.putObject("usage"), usage);
        return c;
    }

    public byte[] bytes(JsonNode node) throws UpstreamException {
        try {
            return json.writeValueAsBytes(node);
        } catch (Exception e) {
            throw UpstreamException.protocol(null, "could not encode the translated answer", e);
        }
    }

    /** The text of an OpenAI message's content: a string, or the text parts of an array joined; "" when none. */
    public static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asText()) || part.has("text")) {
                sb.append(part.path("text").asText(""));
            }
        }
        return sb.toString();
    }

    /** An image as a {@code data:} URL's media type and base64 data, or a remote URL. */
    public record Image(String mediaType, String base64, String url) {}

    /** Reads an {@code image_url} part's URL: {@code data:<type>;base64,<data>} or http(s). */
    public static Image image(String url) {
        if (url.startsWith("data:")) {
            int comma = url.indexOf(',');
            int semi = url.indexOf(';');
            if (comma > 0 && semi > 0 && semi < comma && url.substring(semi, comma).contains("base64")) {
                return new Image(url.substring(5, semi), url.substring(comma + 1), null);
            }
            return null;
        }
        return new Image(null, null, url);
    }

    /** The stop sequences of a request ({@code stop} as a string or an array), or an empty list. */
    public static List<String> stops(JsonNode stop) {
        List<String> out = new ArrayList<>();
        if (stop == null || stop.isNull()) {
            return out;
        }
        if (stop.isTextual()) {
            out.add(stop.asText());
        } else {
            stop.forEach(s -> out.add(s.asText()));
        }
        return out;
    }

    /** The request's output token limit: {@code max_completion_tokens}, else {@code max_tokens}, else null. */
    public static Integer maxTokens(JsonNode body) {
        JsonNode n = body.get("max_completion_tokens");
        if (n == null || !n.canConvertToInt()) {
            n = body.get("max_tokens");
        }
        return n != null && n.canConvertToInt() ? n.intValue() : null;
    }

    /**
     * Refuses {@code n} above 1 for a kind whose translation answers with one choice: silently
     * answering one would look like the others were lost. Seen by the client as a 400 naming {@code n}.
     */
    public static void requireOneChoice(String providerId, JsonNode body, String kind) throws UpstreamException {
        JsonNode n = body.get("n");
        if (n != null && n.isNumber() && n.asInt() > 1) {
            throw UpstreamException.status(providerId, 400, "n > 1 is not supported by the " + kind + " kind", null,
                    ("{\"error\":{\"message\":\"n must be 1 for the " + kind + " kind\",\"param\":\"n\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** Parses a tool call's arguments text into JSON (an object); invalid JSON becomes an error the client sees as 400. */
    public JsonNode arguments(String providerId, String text) throws UpstreamException {
        if (text == null || text.isBlank()) {
            return json.createObjectNode();
        }
        try {
            return json.readTree(text);
        } catch (Exception e) {
            throw UpstreamException.status(providerId, 400, "a tool call's arguments are not valid JSON", null,
                    "{\"error\":{\"message\":\"tool_calls[].function.arguments must be valid JSON\",\"type\":\"invalid_request_error\",\"param\":\"messages\"}}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
