package io.modelhub.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.providers.ChatCall;
import io.modelhub.providers.ChatShape;
import io.modelhub.providers.UpstreamException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * An OpenAI chat completion request as a Bedrock Converse request: {@code system} blocks, {@code messages}
 * with {@code text}, {@code image} (bytes only: Bedrock cannot fetch URLs), {@code toolUse} and
 * {@code toolResult} blocks, {@code inferenceConfig}, {@code toolConfig}, and {@code top_k} in
 * {@code additionalModelRequestFields}.
 */
final class ConverseRequest {
    private ConverseRequest() {}

    static ObjectNode of(ChatCall call, ChatShape shape, String providerId) throws UpstreamException {
        JsonNode in = call.body();
        ChatShape.requireOneChoice(providerId, in, "bedrock");
        ObjectNode out = shape.json().createObjectNode();
        ArrayNode messages = out.putArray("messages");
        ArrayNode system = shape.json().createArrayNode();
        ObjectNode turn = null;
        for (JsonNode m : in.path("messages")) {
            switch (m.path("role").asText()) {
                case "system", "developer" -> system.addObject().put("text", ChatShape.text(m.get("content")));
                case "assistant" -> {
                    String text = ChatShape.text(m.get("content"));
                    if (!text.isEmpty()) {
                        turn = append(messages, turn, "assistant", shape.json().createObjectNode().put("text", text));
                    }
                    for (JsonNode tc : m.path("tool_calls")) {
                        ObjectNode block = shape.json().createObjectNode();
                        ObjectNode use = block.putObject("toolUse");
                        use.put("toolUseId", tc.path("id").asText());
                        use.put("name", tc.path("function").path("name").asText());
                        use.set("input", shape.arguments(providerId, tc.path("function").path("arguments").asText("")));
                        turn = append(messages, turn, "assistant", block);
                    }
                }
                case "tool" -> {
                    ObjectNode block = shape.json().createObjectNode();
                    ObjectNode result = block.putObject("toolResult");
                    result.put("toolUseId", m.path("tool_call_id").asText());
                    result.putArray("content").addObject().put("text", ChatShape.text(m.get("content")));
                    turn = append(messages, turn, "user", block);
                }
                default -> {
                    for (JsonNode block : userBlocks(m.get("content"), shape, providerId)) {
                        turn = append(messages, turn, "user", (ObjectNode) block);
                    }
                }
            }
        }
        if (!system.isEmpty()) {
            out.set("system", system);
        }
        ObjectNode inference = shape.json().createObjectNode();
        Integer max = ChatShape.maxTokens(in);
        if (max == null) {
            max = call.offering().maxOutputTokens();
        }
        if (max != null) {
            inference.put("maxTokens", max);
        }
        if (in.path("temperature").isNumber()) {
            inference.set("temperature", in.get("temperature"));
        }
        if (in.path("top_p").isNumber()) {
            inference.set("topP", in.get("top_p"));
        }
        List<String> stops = ChatShape.stops(in.get("stop"));
        if (!stops.isEmpty()) {
            ArrayNode s = inference.putArray("stopSequences");
            stops.forEach(s::add);
        }
        if (!inference.isEmpty()) {
            out.set("inferenceConfig", inference);
        }
        if (in.path("top_k").isNumber()) {
            out.putObject("additionalModelRequestFields").set("top_k", in.get("top_k"));
        }
        JsonNode choice = in.get("tool_choice");
        boolean none = choice != null && choice.isTextual() && "none".equals(choice.asText());
        if (in.path("tools").isArray() && !in.path("tools").isEmpty() && !none) {
            ObjectNode config = out.putObject("toolConfig");
            ArrayNode tools = config.putArray("tools");
            for (JsonNode t : in.path("tools")) {
                JsonNode f = t.path("function");
                ObjectNode spec = tools.addObject().putObject("toolSpec");
                spec.put("name", f.path("name").asText());
                if (f.hasNonNull("description")) {
                    spec.put("description", f.path("description").asText());
                }
                JsonNode params = f.get("parameters");
                spec.putObject("inputSchema").set("json", params != null && params.isObject() ? params : shape.json().createObjectNode().put("type", "object"));
            }
            if (choice != null && !choice.isNull()) {
                ObjectNode c = config.putObject("toolChoice");
                if (choice.isTextual()) {
                    c.putObject("required".equals(choice.asText()) ? "any" : "auto");
                } else {
                    c.putObject("tool").put("name", choice.path("function").path("name").asText());
                }
            }
        }
        return out;
    }

    private static ArrayNode userBlocks(JsonNode content, ChatShape shape, String providerId) throws UpstreamException {
        ArrayNode blocks = shape.json().createArrayNode();
        if (content == null || content.isNull()) {
            return blocks;
        }
        if (content.isTextual()) {
            blocks.addObject().put("text", content.asText());
            return blocks;
        }
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            if ("image_url".equals(type)) {
                String url = part.path("image_url").isTextual() ? part.path("image_url").asText() : part.path("image_url").path("url").asText();
                ChatShape.Image image = ChatShape.image(url);
                if (image == null || image.url() != null) {
                    throw rejected(providerId, "Bedrock takes images only as data: URLs (base64), not as links to fetch");
                }
                String format = image.mediaType().toLowerCase(Locale.ROOT).replace("image/", "").replace("jpg", "jpeg");
                ObjectNode img = blocks.addObject().putObject("image");
                img.put("format", format);
                img.putObject("source").put("bytes", image.base64());
            } else if (part.has("text")) {
                blocks.addObject().put("text", part.path("text").asText());
            }
        }
        return blocks;
    }

    private static UpstreamException rejected(String providerId, String why) {
        return UpstreamException.status(providerId, 400, why, null,
                ("{\"message\":\"" + why + "\"}").getBytes(StandardCharsets.UTF_8));
    }

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
