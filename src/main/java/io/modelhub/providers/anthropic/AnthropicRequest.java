package io.modelhub.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.providers.ChatCall;
import io.modelhub.providers.ChatShape;
import io.modelhub.providers.UpstreamException;
import java.util.List;

/**
 * An OpenAI chat completion request as an Anthropic Messages request: system and developer messages
 * become {@code system}; tool results become {@code tool_result} blocks in a user turn (consecutive
 * ones in the same turn); assistant tool calls become {@code tool_use} blocks; images become base64 or
 * URL {@code image} blocks; {@code max_tokens} is always sent (the request's, else the offering's
 * limit, else {@value #DEFAULT_MAX_TOKENS}).
 */
final class AnthropicRequest {
    static final int DEFAULT_MAX_TOKENS = 4096;

    private AnthropicRequest() {}

    static ObjectNode of(ChatCall call, ChatShape shape, String providerId) throws UpstreamException {
        JsonNode in = call.body();
        ChatShape.requireOneChoice(providerId, in, "anthropic");
        ObjectNode out = shape.json().createObjectNode();
        out.put("model", call.offering().upstreamModel());
        Integer max = ChatShape.maxTokens(in);
        if (max == null) {
            max = call.offering().maxOutputTokens();
        }
        out.put("max_tokens", max == null ? DEFAULT_MAX_TOKENS : max);

        StringBuilder system = new StringBuilder();
        ArrayNode messages = out.putArray("messages");
        ObjectNode turn = null;
        for (JsonNode m : in.path("messages")) {
            String role = m.path("role").asText();
            switch (role) {
                case "system", "developer" -> {
                    if (!system.isEmpty()) {
                        system.append("\n\n");
                    }
                    system.append(ChatShape.text(m.get("content")));
                }
                case "tool" -> {
                    ObjectNode block = shape.json().createObjectNode();
                    block.put("type", "tool_result");
                    block.put("tool_use_id", m.path("tool_call_id").asText());
                    block.put("content", ChatShape.text(m.get("content")));
                    turn = append(messages, turn, "user", block);
                }
                case "assistant" -> {
                    String text = ChatShape.text(m.get("content"));
                    if (!text.isEmpty()) {
                        turn = append(messages, turn, "assistant", shape.json().createObjectNode().put("type", "text").put("text", text));
                    }
                    for (JsonNode tc : m.path("tool_calls")) {
                        ObjectNode block = shape.json().createObjectNode();
                        block.put("type", "tool_use");
                        block.put("id", tc.path("id").asText());
                        block.put("name", tc.path("function").path("name").asText());
                        block.set("input", shape.arguments(providerId, tc.path("function").path("arguments").asText("")));
                        turn = append(messages, turn, "assistant", block);
                    }
                }
                default -> {
                    for (JsonNode block : userBlocks(m.get("content"), shape)) {
                        turn = append(messages, turn, "user", (ObjectNode) block);
                    }
                }
            }
        }
        if (!system.isEmpty()) {
            out.put("system", system.toString());
        }
        ChatShape.copyNumber(in, out, "temperature", "temperature");
        ChatShape.copyNumber(in, out, "top_p", "top_p");
        ChatShape.copyNumber(in, out, "top_k", "top_k");
        List<String> stops = ChatShape.stops(in.get("stop"));
        if (!stops.isEmpty()) {
            ArrayNode s = out.putArray("stop_sequences");
            stops.forEach(s::add);
        }
        if (in.path("user").isTextual()) {
            out.putObject("metadata").put("user_id", in.path("user").asText());
        }
        if (in.path("tools").isArray() && !in.path("tools").isEmpty()) {
            ArrayNode tools = out.putArray("tools");
            for (JsonNode t : in.path("tools")) {
                JsonNode f = t.path("function");
                ObjectNode tool = tools.addObject();
                tool.put("name", f.path("name").asText());
                if (f.hasNonNull("description")) {
                    tool.put("description", f.path("description").asText());
                }
                JsonNode params = f.get("parameters");
                tool.set("input_schema", params != null && params.isObject() ? params : shape.json().createObjectNode().put("type", "object"));
            }
            ObjectNode choice = toolChoice(in.get("tool_choice"), shape);
            if (choice != null) {
                if (in.path("parallel_tool_calls").isBoolean() && !in.path("parallel_tool_calls").asBoolean() && !"none".equals(choice.path("type").asText())) {
                    choice.put("disable_parallel_tool_use", true);
                }
                out.set("tool_choice", choice);
            } else if (in.path("parallel_tool_calls").isBoolean() && !in.path("parallel_tool_calls").asBoolean()) {
                out.putObject("tool_choice").put("type", "auto").put("disable_parallel_tool_use", true);
            }
        }
        if (call.stream()) {
            out.put("stream", true);
        }
        return out;
    }

    private static ObjectNode toolChoice(JsonNode c, ChatShape shape) {
        if (c == null || c.isNull()) {
            return null;
        }
        ObjectNode out = shape.json().createObjectNode();
        if (c.isTextual()) {
            switch (c.asText()) {
                case "none" -> out.put("type", "none");
                case "required" -> out.put("type", "any");
                default -> out.put("type", "auto");
            }
            return out;
        }
        out.put("type", "tool");
        out.put("name", c.path("function").path("name").asText());
        return out;
    }

    /** A user message's content as Anthropic blocks: text and images. */
    private static ArrayNode userBlocks(JsonNode content, ChatShape shape) {
        ArrayNode blocks = shape.json().createArrayNode();
        if (content == null || content.isNull()) {
            return blocks;
        }
        if (content.isTextual()) {
            blocks.addObject().put("type", "text").put("text", content.asText());
            return blocks;
        }
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            if ("image_url".equals(type)) {
                String url = part.path("image_url").isTextual() ? part.path("image_url").asText() : part.path("image_url").path("url").asText();
                ChatShape.Image image = ChatShape.image(url);
                if (image == null) {
                    continue;
                }
                ObjectNode block = blocks.addObject().put("type", "image");
                ObjectNode source = block.putObject("source");
                if (image.url() != null) {
                    source.put("type", "url").put("url", image.url());
                } else {
                    source.put("type", "base64").put("media_type", image.mediaType()).put("data", image.base64());
                }
            } else if ("file".equals(type) && part.path("file").path("file_data").isTextual()) {
                ChatShape.Image doc = ChatShape.image(part.path("file").path("file_data").asText());
                if (doc != null && doc.base64() != null) {
                    blocks.addObject().put("type", "document").putObject("source")
                            .put("type", "base64").put("media_type", doc.mediaType()).put("data", doc.base64());
                }
            } else if (part.has("text")) {
                blocks.addObject().put("type", "text").put("text", part.path("text").asText());
            }
        }
        return blocks;
    }

    /** Adds a block to the current turn when it has this role, else starts a new turn. */
    private static ObjectNode append(ArrayNode messages, ObjectNode turn, String role, ObjectNode block) {
        if (turn == null || !role.equals(turn.path("role").asText())) {
            turn = messages.addObject();
            turn.put("role", role);
            turn.putArray("content");
        }
        ((ArrayNode) turn.get("content")).add(block);
        return turn;
    }

}
