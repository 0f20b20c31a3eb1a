package io.modelhub.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Responses request in the hub's chat shape, for upstreams that speak chat completions: the context
 * items become messages (consecutive function calls one assistant message with several tool calls),
 * {@code instructions} a leading system message, function tools chat tools, {@code text.format} the
 * {@code response_format}, {@code max_output_tokens} {@code max_tokens} (the field every OpenAI-compatible
 * upstream takes).
 */
final class ChatTranslation {
    private ChatTranslation() {}

    /** The chat body for {@code request} whose whole context (earlier turns and this input) is {@code context}. */
    static ObjectNode toChat(ResponsesRequest request, ArrayNode context, ObjectMapper json) {
        ObjectNode body = request.body();
        ObjectNode chat = json.createObjectNode();
        chat.put("model", request.model());
        ArrayNode messages = chat.putArray("messages");
        if (request.instructions() != null) {
            ObjectNode system = messages.addObject();
            system.put("role", "system");
            system.put("content", request.instructions());
        }
        ObjectNode lastAssistant = null;
        for (JsonNode item : context) {
            switch (item.path("type").asText()) {
                case "message" -> {
                    ObjectNode m = message(item, json);
                    messages.add(m);
                    lastAssistant = "assistant".equals(item.path("role").asText()) ? m : null;
                }
                case "function_call" -> {
                    if (lastAssistant == null) {
                        lastAssistant = messages.addObject();
                        lastAssistant.put("role", "assistant");
                        lastAssistant.putNull("content");
                    }
                    ArrayNode calls = lastAssistant.has("tool_calls") ? (ArrayNode) lastAssistant.get("tool_calls") : lastAssistant.putArray("tool_calls");
                    ObjectNode call = calls.addObject();
                    call.put("id", item.path("call_id").asText());
                    call.put("type", "function");
                    ObjectNode fn = call.putObject("function");
                    fn.put("name", item.path("name").asText());
                    fn.put("arguments", item.path("arguments").asText());
                }
                case "function_call_output" -> {
                    ObjectNode m = messages.addObject();
                    m.put("role", "tool");
                    m.put("tool_call_id", item.path("call_id").asText());
                    JsonNode output = item.get("output");
                    m.put("content", output.isTextual() ? output.asText() : joinedText(output));
                    lastAssistant = null;
                }
                default -> { } // reasoning items: nothing a chat upstream takes
            }
        }
        copy(body, chat, "temperature");
        copy(body, chat, "top_p");
        copy(body, chat, "user");
        copy(body, chat, "provider");
        if (body.hasNonNull("max_output_tokens")) {
            chat.set("max_tokens", body.get("max_output_tokens"));
        }
        if (body.path("reasoning").hasNonNull("effort")) {
            chat.set("reasoning_effort", body.path("reasoning").get("effort"));
        }
        JsonNode tools = body.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode out = chat.putArray("tools");
            for (JsonNode t : tools) {
                ObjectNode tool = out.addObject();
                tool.put("type", "function");
                ObjectNode fn = tool.putObject("function");
                fn.put("name", t.path("name").asText());
                copy(t, fn, "description");
                copy(t, fn, "parameters");
                copy(t, fn, "strict");
            }
            copy(body, chat, "parallel_tool_calls");
            JsonNode choice = body.get("tool_choice");
            if (choice != null && choice.isObject()) {
                ObjectNode c = chat.putObject("tool_choice");
                c.put("type", "function");
                c.putObject("function").put("name", choice.path("name").asText());
            } else {
                copy(body, chat, "tool_choice");
            }
        }
        JsonNode format = body.path("text").path("format");
        switch (format.path("type").asText("text")) {
            case "json_object" -> chat.putObject("response_format").put("type", "json_object");
            case "json_schema" -> {
                ObjectNode rf = chat.putObject("response_format");
                rf.put("type", "json_schema");
                ObjectNode schema = rf.putObject("json_schema");
                schema.put("name", format.path("name").asText());
                copy(format, schema, "description");
                copy(format, schema, "schema");
                copy(format, schema, "strict");
            }
            default -> { }
        }
        if (request.stream()) {
            chat.put("stream", true);
        }
        return chat;
    }

    private static ObjectNode message(JsonNode item, ObjectMapper json) {
        String role = item.path("role").asText();
        ObjectNode m = json.createObjectNode();
        m.put("role", role);
        JsonNode content = item.path("content");
        if ("assistant".equals(role)) {
            StringBuilder text = new StringBuilder();
            String refusal = null;
            for (JsonNode p : content) {
                if ("refusal".equals(p.path("type").asText())) {
                    refusal = p.path("refusal").asText();
                } else {
                    text.append(p.path("text").asText());
                }
            }
            m.put("content", text.toString());
            if (refusal != null) {
                m.put("refusal", refusal);
            }
            return m;
        }
        if (content.size() == 1 && "input_text".equals(content.get(0).path("type").asText())) {
            m.put("content", content.get(0).path("text").asText());
            return m;
        }
        ArrayNode parts = m.putArray("content");
        for (JsonNode p : content) {
            ObjectNode part = parts.addObject();
            if ("input_image".equals(p.path("type").asText())) {
                part.put("type", "image_url");
                ObjectNode url = part.putObject("image_url");
                url.put("url", p.path("image_url").asText());
                String detail = p.path("detail").asText("auto");
                url.put("detail", "original".equals(detail) ? "high" : detail);
            } else {
                part.put("type", "text");
                part.put("text", p.path("text").asText());
            }
        }
        return m;
    }

    /** The text of content parts, joined (a tool output or a text-only message). */
    private static String joinedText(JsonNode parts) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode p : parts) {
            if (p.has("text")) {
                if (!sb.isEmpty()) {
                    sb.append('\n');
                }
                sb.append(p.path("text").asText());
            }
        }
        return sb.toString();
    }

    private static void copy(JsonNode from, ObjectNode to, String field) {
        JsonNode v = from.get(field);
        if (v != null && !v.isNull()) {
            to.set(field, v);
        }
    }
}
