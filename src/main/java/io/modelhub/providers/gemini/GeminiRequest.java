package io.modelhub.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.providers.ChatCall;
import io.modelhub.providers.ChatShape;
import io.modelhub.providers.UpstreamException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An OpenAI chat completion request as a Gemini {@code GenerateContentRequest}: system and developer
 * messages become {@code systemInstruction}; turns become {@code contents} with role {@code user} or
 * {@code model}; tool calls and results become {@code functionCall} / {@code functionResponse} parts
 * (a result is matched to its call's function name by the call id); tools become
 * {@code functionDeclarations}; sampling parameters and {@code response_format} go in {@code generationConfig}.
 */
final class GeminiRequest {
    private GeminiRequest() {}

    static ObjectNode of(ChatCall call, ChatShape shape, String providerId) throws UpstreamException {
        JsonNode in = call.body();
        ChatShape.requireOneChoice(providerId, in, "gemini");
        ObjectNode out = shape.json().createObjectNode();
        ArrayNode contents = out.putArray("contents");
        StringBuilder system = new StringBuilder();
        Map<String, String> functionOfCall = new HashMap<>();
        ObjectNode turn = null;
        for (JsonNode m : in.path("messages")) {
            switch (m.path("role").asText()) {
                case "system", "developer" -> {
                    if (!system.isEmpty()) {
                        system.append("\n\n");
                    }
                    system.append(ChatShape.text(m.get("content")));
                }
                case "assistant" -> {
                    String text = ChatShape.text(m.get("content"));
                    if (!text.isEmpty()) {
                        turn = append(contents, turn, "model", shape.json().createObjectNode().put("text", text));
                    }
                    for (JsonNode tc : m.path("tool_calls")) {
                        String name = tc.path("function").path("name").asText();
                        functionOfCall.put(tc.path("id").asText(), name);
                        ObjectNode part = shape.json().createObjectNode();
                        ObjectNode fc = part.putObject("functionCall");
                        fc.put("name", name);
                        fc.set("args", shape.arguments(providerId, tc.path("function").path("arguments").asText("")));
                        turn = append(contents, turn, "model", part);
                    }
                }
                case "tool" -> {
                    String callId = m.path("tool_call_id").asText();
                    ObjectNode part = shape.json().createObjectNode();
                    ObjectNode fr = part.putObject("functionResponse");
                    fr.put("name", functionOfCall.getOrDefault(callId, m.path("name").asText(callId)));
                    String result = ChatShape.text(m.get("content"));
                    JsonNode parsed = parseObject(shape, result);
                    fr.set("response", parsed != null ? parsed : shape.json().createObjectNode().put("result", result));
                    turn = append(contents, turn, "user", part);
                }
                default -> {
                    for (JsonNode part : userParts(m.get("content"), shape)) {
                        turn = append(contents, turn, "user", (ObjectNode) part);
                    }
                }
            }
        }
        if (!system.isEmpty()) {
            out.putObject("systemInstruction").putArray("parts").addObject().put("text", system.toString());
        }
        if (in.path("tools").isArray() && !in.path("tools").isEmpty()) {
            ArrayNode decls = out.putArray("tools").addObject().putArray("functionDeclarations");
            for (JsonNode t : in.path("tools")) {
                JsonNode f = t.path("function");
                ObjectNode d = decls.addObject();
                d.put("name", f.path("name").asText());
                if (f.hasNonNull("description")) {
                    d.put("description", f.path("description").asText());
                }
                if (f.path("parameters").isObject()) {
                    d.set("parameters", f.get("parameters"));
                }
            }
            JsonNode choice = in.get("tool_choice");
            if (choice != null && !choice.isNull()) {
                ObjectNode fcc = out.putObject("toolConfig").putObject("functionCallingConfig");
                if (choice.isTextual()) {
                    fcc.put("mode", switch (choice.asText()) {
                        case "none" -> "NONE";
                        case "required" -> "ANY";
                        default -> "AUTO";
                    });
                } else {
                    fcc.put("mode", "ANY");
                    fcc.putArray("allowedFunctionNames").add(choice.path("function").path("name").asText());
                }
            }
        }
        ObjectNode gen = shape.json().createObjectNode();
        ChatShape.copyNumber(in, gen, "temperature", "temperature");
        ChatShape.copyNumber(in, gen, "top_p", "topP");
        ChatShape.copyNumber(in, gen, "top_k", "topK");
        ChatShape.copyNumber(in, gen, "presence_penalty", "presencePenalty");
        ChatShape.copyNumber(in, gen, "frequency_penalty", "frequencyPenalty");
        ChatShape.copyNumber(in, gen, "seed", "seed");
        Integer max = ChatShape.maxTokens(in);
        if (max != null) {
            gen.put("maxOutputTokens", max);
        }
        List<String> stops = ChatShape.stops(in.get("stop"));
        if (!stops.isEmpty()) {
            ArrayNode s = gen.putArray("stopSequences");
            stops.forEach(s::add);
        }
        JsonNode format = in.path("response_format");
        switch (format.path("type").asText("")) {
            case "json_object" -> gen.put("responseMimeType", "application/json");
            case "json_schema" -> {
                gen.put("responseMimeType", "application/json");
                JsonNode schema = format.path("json_schema").path("schema");
                if (schema.isObject()) {
                    gen.set("responseSchema", schema);
                }
            }
            default -> {
                // text, or none
            }
        }
        if (!gen.isEmpty()) {
            out.set("generationConfig", gen);
        }
        return out;
    }

    private static JsonNode parseObject(ChatShape shape, String text) {
        try {
            JsonNode n = shape.json().readTree(text);
            return n != null && n.isObject() ? n : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static ArrayNode userParts(JsonNode content, ChatShape shape) {
        ArrayNode parts = shape.json().createArrayNode();
        if (content == null || content.isNull()) {
            return parts;
        }
        if (content.isTextual()) {
            parts.addObject().put("text", content.asText());
            return parts;
        }
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            if ("image_url".equals(type)) {
                String url = part.path("image_url").isTextual() ? part.path("image_url").asText() : part.path("image_url").path("url").asText();
                ChatShape.Image image = ChatShape.image(url);
                if (image == null) {
                    continue;
                }
                if (image.url() != null) {
                    parts.addObject().putObject("fileData").put("mimeType", guessMime(image.url())).put("fileUri", image.url());
                } else {
                    parts.addObject().putObject("inlineData").put("mimeType", image.mediaType()).put("data", image.base64());
                }
            } else if ("file".equals(type) && part.path("file").path("file_data").isTextual()) {
                ChatShape.Image doc = ChatShape.image(part.path("file").path("file_data").asText());
                if (doc != null && doc.base64() != null) {
                    parts.addObject().putObject("inlineData").put("mimeType", doc.mediaType()).put("data", doc.base64());
                }
            } else if (part.has("text")) {
                parts.addObject().put("text", part.path("text").asText());
            }
        }
        return parts;
    }

    private static String guessMime(String url) {
        String u = url.toLowerCase(java.util.Locale.ROOT);
        if (u.endsWith(".png")) {
            return "image/png";
        }
        if (u.endsWith(".webp")) {
            return "image/webp";
        }
        if (u.endsWith(".gif")) {
            return "image/gif";
        }
        if (u.endsWith(".pdf")) {
            return "application/pdf";
        }
        return "image/jpeg";
    }

    private static ObjectNode append(ArrayNode contents, ObjectNode turn, String role, ObjectNode part) {
        if (turn == null || !role.equals(turn.path("role").asText())) {
            turn = contents.addObject();
            turn.put("role", role);
            turn.putArray("parts");
        }
        ((ArrayNode) turn.get("parts")).add(part);
        return turn;
    }

}
