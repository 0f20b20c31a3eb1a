package io.modelhub.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.api.ApiException;
import io.modelhub.api.ChatRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An Anthropic Messages request, checked as Anthropic checks it and translated into the hub's chat
 * request: {@code system} becomes a system message; text and image blocks become content parts;
 * {@code tool_use} blocks become the assistant's {@code tool_calls} and {@code tool_result} blocks
 * become {@code tool} messages (placed first, as OpenAI requires them right after the call); tools,
 * {@code tool_choice}, {@code stop_sequences} and {@code metadata.user_id} take their OpenAI names.
 * Thinking blocks, cache control and Anthropic-only settings (thinking, service tier...) have no chat
 * equivalent and are left out; server tools and document blocks are refused, since the answer would
 * silently lack what they ask for.
 */
record MessagesRequest(ChatRequest chat, String model, boolean stream, List<String> notForwarded) {
    private static final Set<String> KNOWN = Set.of("model", "messages", "system", "max_tokens", "stop_sequences", "stream", "temperature",
            "top_p", "top_k", "tools", "tool_choice", "metadata", "provider");

    /**
     * Parses and translates a create request; {@code requireMaxTokens} is false for count_tokens. Any other
     * top-level field (thinking, service_tier, a newer Anthropic setting...) has no chat equivalent: it is
     * not forwarded and is named in {@link #notForwarded}, as the hub names every parameter it drops.
     */
    static MessagesRequest parse(ObjectMapper json, ObjectNode body, boolean requireMaxTokens) {
        List<String> notForwarded = new ArrayList<>();
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!KNOWN.contains(f) && !body.get(f).isNull()) {
                notForwarded.add(f);
            }
        }
        String model = string(body, "model", true);
        ObjectNode chat = json.createObjectNode();
        chat.put("model", model);
        ArrayNode messages = chat.putArray("messages");
        system(body.get("system"), messages);
        JsonNode in = body.get("messages");
        if (in == null || in.isNull()) {
            throw invalid("messages: Field required");
        }
        if (!in.isArray()) {
            throw invalid("messages: Input should be a valid list");
        }
        if (in.isEmpty()) {
            throw invalid("messages: at least one message is required");
        }
        for (int i = 0; i < in.size(); i++) {
            message(json, in.get(i), "messages." + i, messages);
        }
        JsonNode maxTokens = body.get("max_tokens");
        if (maxTokens == null || maxTokens.isNull()) {
            if (requireMaxTokens) {
                throw invalid("max_tokens: Field required");
            }
        } else {
            if (!maxTokens.canConvertToExactIntegral() || maxTokens.asLong() < 1) {
                throw invalid("max_tokens: Input should be an integer greater than or equal to 1");
            }
            chat.put("max_tokens", maxTokens.asLong());
        }
        boolean stream = false;
        JsonNode s = body.get("stream");
        if (s != null && !s.isNull()) {
            if (!s.isBoolean()) {
                throw invalid("stream: Input should be a valid boolean");
            }
            stream = s.booleanValue();
        }
        if (stream) {
            chat.put("stream", true);
        }
        number(body, "temperature", 0, 1, chat);
        number(body, "top_p", 0, 1, chat);
        JsonNode topK = body.get("top_k");
        if (topK != null && !topK.isNull()) {
            if (!topK.canConvertToExactIntegral() || topK.asLong() < 0) {
                throw invalid("top_k: Input should be an integer greater than or equal to 0");
            }
            chat.put("top_k", topK.asLong());
        }
        JsonNode stops = body.get("stop_sequences");
        if (stops != null && !stops.isNull()) {
            if (!stops.isArray()) {
                throw invalid("stop_sequences: Input should be a valid list");
            }
            ArrayNode stop = json.createArrayNode();
            for (int i = 0; i < stops.size(); i++) {
                if (!stops.get(i).isTextual()) {
                    throw invalid("stop_sequences." + i + ": Input should be a valid string");
                }
                stop.add(stops.get(i).asText());
            }
            if (!stop.isEmpty()) {
                chat.set("stop", stop);
            }
        }
        JsonNode metadata = body.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            if (!metadata.isObject()) {
                throw invalid("metadata: Input should be a valid dictionary");
            }
            JsonNode user = metadata.get("user_id");
            if (user != null && !user.isNull()) {
                if (!user.isTextual()) {
                    throw invalid("metadata.user_id: Input should be a valid string");
                }
                chat.put("user", user.asText());
            }
        }
        boolean hasTools = tools(body.get("tools"), chat);
        toolChoice(body.get("tool_choice"), hasTools, chat);
        JsonNode steering = body.get("provider");
        if (steering != null) {
            chat.set("provider", steering);
        }
        return new MessagesRequest(ChatRequest.of(chat, true), model, stream, List.copyOf(notForwarded));
    }

    private static void system(JsonNode system, ArrayNode messages) {
        if (system == null || system.isNull()) {
            return;
        }
        String text;
        if (system.isTextual()) {
            text = system.asText();
        } else if (system.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < system.size(); i++) {
                JsonNode block = system.get(i);
                if (!block.isObject() || !"text".equals(block.path("type").asText()) || !block.path("text").isTextual()) {
                    throw invalid("system." + i + ": expected a text block {\"type\":\"text\",\"text\":...}");
                }
                if (!sb.isEmpty()) {
                    sb.append("\n\n");
                }
                sb.append(block.get("text").asText());
            }
            text = sb.toString();
        } else {
            throw invalid("system: Input should be a valid string or a list of text blocks");
        }
        if (!text.isEmpty()) {
            messages.addObject().put("role", "system").put("content", text);
        }
    }

    private static void message(ObjectMapper json, JsonNode m, String at, ArrayNode out) {
        if (!m.isObject()) {
            throw invalid(at + ": Input should be a valid dictionary");
        }
        String role = m.path("role").asText("");
        if (!role.equals("user") && !role.equals("assistant")) {
            throw invalid(at + ".role: Input should be 'user' or 'assistant'");
        }
        JsonNode content = m.get("content");
        if (content == null || content.isNull()) {
            throw invalid(at + ".content: Field required");
        }
        if (content.isTextual()) {
            out.addObject().put("role", role).put("content", content.asText());
            return;
        }
        if (!content.isArray()) {
            throw invalid(at + ".content: Input should be a valid string or a list of content blocks");
        }
        if (role.equals("assistant")) {
            assistant(json, content, at, out);
        } else {
            user(json, content, at, out);
        }
    }

    private static void user(ObjectMapper json, JsonNode content, String at, ArrayNode out) {
        ArrayNode parts = json.createArrayNode();
        boolean onlyText = true;
        for (int i = 0; i < content.size(); i++) {
            JsonNode b = content.get(i);
            String where = at + ".content." + i;
            switch (blockType(b, where)) {
                case "text" -> parts.addObject().put("type", "text").put("text", text(b, where));
                case "image" -> {
                    onlyText = false;
                    parts.addObject().put("type", "image_url").putObject("image_url").put("url", imageUrl(b.get("source"), where));
                }
                case "tool_result" -> {
                    int before = parts.size();
                    out.add(toolResult(json, b, where, parts));
                    onlyText &= parts.size() == before;
                }
                case "thinking", "redacted_thinking" -> {
                    // reasoning a client echoes back has no chat equivalent
                }
                default -> throw unsupported(b, where);
            }
        }
        if (parts.isEmpty()) {
            return;
        }
        ObjectNode msg = out.addObject().put("role", "user");
        if (onlyText) {
            msg.put("content", joinText(parts));
        } else {
            msg.set("content", parts);
        }
    }

    private static void assistant(ObjectMapper json, JsonNode content, String at, ArrayNode out) {
        StringBuilder text = new StringBuilder();
        ArrayNode calls = json.createArrayNode();
        for (int i = 0; i < content.size(); i++) {
            JsonNode b = content.get(i);
            String where = at + ".content." + i;
            switch (blockType(b, where)) {
                case "text" -> text.append(text(b, where));
                case "tool_use" -> {
                    String id = required(b, "id", where);
                    String name = required(b, "name", where);
                    JsonNode input = b.get("input");
                    if (input == null || !input.isObject()) {
                        throw invalid(where + ".input: Input should be a valid dictionary");
                    }
                    ObjectNode call = calls.addObject().put("id", id).put("type", "function");
                    call.putObject("function").put("name", name).put("arguments", input.toString());
                }
                case "thinking", "redacted_thinking" -> {
                    // see user()
                }
                default -> throw unsupported(b, where);
            }
        }
        ObjectNode msg = out.addObject().put("role", "assistant");
        if (text.isEmpty() && !calls.isEmpty()) {
            msg.putNull("content");
        } else {
            msg.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            msg.set("tool_calls", calls);
        }
    }

    /**
     * A tool result as a {@code tool} message. Chat tool messages hold text only, so images in the result
     * (a screenshot, an image file read) are added to {@code userParts}, the user message that follows.
     */
    private static ObjectNode toolResult(ObjectMapper json, JsonNode b, String where, ArrayNode userParts) {
        String id = required(b, "tool_use_id", where);
        JsonNode content = b.get("content");
        String text;
        if (content == null || content.isNull()) {
            text = "";
        } else if (content.isTextual()) {
            text = content.asText();
        } else if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < content.size(); i++) {
                JsonNode part = content.get(i);
                String w = where + ".content." + i;
                String type = blockType(part, w);
                if ("image".equals(type)) {
                    userParts.addObject().put("type", "image_url").putObject("image_url").put("url", imageUrl(part.get("source"), w));
                    continue;
                }
                if (!"text".equals(type)) {
                    throw invalid(w + ".type: a tool_result may hold text and image blocks, not '" + type + "'");
                }
                if (!sb.isEmpty()) {
                    sb.append('\n');
                }
                sb.append(text(part, w));
            }
            text = sb.toString();
        } else {
            throw invalid(where + ".content: Input should be a valid string or a list of text blocks");
        }
        if (b.path("is_error").asBoolean(false)) {
            text = "Error: " + text;
        }
        ObjectNode msg = json.createObjectNode();
        msg.put("role", "tool").put("tool_call_id", id).put("content", text);
        return msg;
    }

    private static String imageUrl(JsonNode source, String where) {
        if (source == null || !source.isObject()) {
            throw invalid(where + ".source: Field required");
        }
        String type = source.path("type").asText("");
        switch (type) {
            case "base64" -> {
                String media = source.path("media_type").asText("");
                if (!Set.of("image/jpeg", "image/png", "image/gif", "image/webp").contains(media)) {
                    throw invalid(where + ".source.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'");
                }
                if (!source.path("data").isTextual() || source.path("data").asText().isEmpty()) {
                    throw invalid(where + ".source.data: Field required");
                }
                return "data:" + media + ";base64," + source.get("data").asText();
            }
            case "url" -> {
                String url = source.path("url").asText("");
                if (!url.startsWith("https://") && !url.startsWith("http://")) {
                    throw invalid(where + ".source.url: expected an http(s) URL");
                }
                return url;
            }
            default -> throw invalid(where + ".source.type: Input should be 'base64' or 'url'");
        }
    }

    private static boolean tools(JsonNode tools, ObjectNode chat) {
        if (tools == null || tools.isNull()) {
            return false;
        }
        if (!tools.isArray()) {
            throw invalid("tools: Input should be a valid list");
        }
        ArrayNode out = chat.putArray("tools");
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            String where = "tools." + i;
            if (!t.isObject()) {
                throw invalid(where + ": Input should be a valid dictionary");
            }
            String type = t.path("type").asText("custom");
            if (!type.equals("custom")) {
                throw invalid(where + ".type: server tool '" + type + "' is not available through this hub; only client tools (name, input_schema) are");
            }
            String name = required(t, "name", where);
            JsonNode schema = t.get("input_schema");
            if (schema == null || !schema.isObject()) {
                throw invalid(where + ".input_schema: Field required");
            }
            ObjectNode fn = out.addObject().put("type", "function").putObject("function");
            fn.put("name", name);
            if (t.path("description").isTextual()) {
                fn.put("description", t.get("description").asText());
            }
            fn.set("parameters", schema);
        }
        if (out.isEmpty()) {
            chat.remove("tools");
            return false;
        }
        return true;
    }

    private static void toolChoice(JsonNode choice, boolean hasTools, ObjectNode chat) {
        if (choice == null || choice.isNull()) {
            return;
        }
        if (!choice.isObject()) {
            throw invalid("tool_choice: Input should be a valid dictionary");
        }
        String type = choice.path("type").asText("");
        switch (type) {
            case "auto" -> chat.put("tool_choice", "auto");
            case "any" -> chat.put("tool_choice", "required");
            case "none" -> chat.put("tool_choice", "none");
            case "tool" -> {
                String name = required(choice, "name", "tool_choice");
                chat.putObject("tool_choice").put("type", "function").putObject("function").put("name", name);
            }
            default -> throw invalid("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'");
        }
        if (!hasTools) {
            if (!type.equals("auto") && !type.equals("none")) {
                throw invalid("tool_choice: tool_choice of type '" + type + "' needs tools");
            }
            chat.remove("tool_choice");
            return;
        }
        if (choice.path("disable_parallel_tool_use").asBoolean(false) && !type.equals("none")) {
            chat.put("parallel_tool_calls", false);
        }
    }

    private static String blockType(JsonNode b, String where) {
        if (!b.isObject()) {
            throw invalid(where + ": Input should be a valid dictionary");
        }
        JsonNode type = b.get("type");
        if (type == null || !type.isTextual()) {
            throw invalid(where + ".type: Field required");
        }
        return type.asText();
    }

    private static String text(JsonNode b, String where) {
        JsonNode t = b.get("text");
        if (t == null || !t.isTextual()) {
            throw invalid(where + ".text: Field required");
        }
        return t.asText();
    }

    private static String joinText(ArrayNode parts) {
        if (parts.size() == 1) {
            return parts.get(0).get("text").asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode p : parts) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(p.get("text").asText());
        }
        return sb.toString();
    }

    private static String required(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw invalid(where + "." + field + ": Field required");
        }
        return v.asText();
    }

    private static String string(JsonNode node, String field, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw invalid(field + ": Field required");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw invalid(field + ": Input should be a valid string");
        }
        return v.asText();
    }

    private static void number(JsonNode body, String field, double min, double max, ObjectNode chat) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return;
        }
        if (!v.isNumber()) {
            throw invalid(field + ": Input should be a valid number");
        }
        if (v.asDouble() < min || v.asDouble() > max) {
            throw invalid(field + ": Input should be between " + (int) min + " and " + (int) max);
        }
        chat.set(field, v);
    }

    private static ApiException unsupported(JsonNode b, String where) {
        return invalid(where + ".type: content block type '" + b.path("type").asText() + "' is not supported by this hub "
                + "(supported: text, image, tool_use, tool_result)");
    }

    static ApiException invalid(String message) {
        return ApiException.badRequest(message, null, "invalid_request");
    }
}
