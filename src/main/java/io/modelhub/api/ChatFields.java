package io.modelhub.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * OpenAI's own rules for the Chat Completions fields the hub knows (types and ranges as in the
 * {@code CreateChatCompletionRequest} schema of openai/openai-openapi), so a request an upstream would
 * refuse is refused here with a 400 naming the field, instead of failing upstream (a 502 counted against the
 * provider). Fields the hub does not know pass through unchecked. It runs on every request: field lookups only.
 */
final class ChatFields {
    private static final List<String> TOOL_TYPES = List.of("function", "custom");
    private static final List<String> TOOL_CHOICES = List.of("none", "auto", "required");
    private static final List<String> TOOL_CHOICE_TYPES = List.of("function", "allowed_tools", "custom");
    private static final List<String> FORMAT_TYPES = List.of("text", "json_object", "json_schema");
    private static final int MAX_STOP = 4;
    private static final int MAX_NAME = 64;

    private ChatFields() {}

    /** Checks the sampling, output, tool and format fields of a request body. */
    static void check(ObjectNode body) {
        JsonField root = JsonField.root(body);
        root.field("temperature").number(0.0, 2.0);
        root.field("top_p").number(0.0, 1.0);
        root.field("presence_penalty").number(-2.0, 2.0);
        root.field("frequency_penalty").number(-2.0, 2.0);
        // Extensions some providers take (vLLM, Together): typed, their ranges are the provider's.
        root.field("top_k").number(null, null);
        root.field("min_p").number(null, null);
        root.field("repetition_penalty").number(null, null);
        root.field("n").integer(1L, 128L);
        root.field("max_tokens").integer(1L, null);
        root.field("max_completion_tokens").integer(1L, null);
        root.field("seed").integer(null, null);
        root.field("top_logprobs").integer(0L, 20L);
        root.field("logprobs").bool();
        root.field("parallel_tool_calls").bool();
        root.field("logit_bias").object();
        stop(root.field("stop"));
        tools(root.field("tools"));
        toolChoice(root.field("tool_choice"));
        responseFormat(root.field("response_format"));
    }

    /** A message's content: a string, or a non-empty array of parts each with a {@code type}; null only where OpenAI allows it. */
    static void content(JsonField message, String role) {
        JsonField content = message.field("content");
        if (!content.present()) {
            if (role.equals("assistant") || role.equals("function")) {
                return;
            }
            throw content.missing();
        }
        if (content.node().isTextual()) {
            return;
        }
        if (!content.node().isArray()) {
            throw content.invalidType("one of a string or array of objects");
        }
        if (content.node().isEmpty()) {
            throw content.invalidValue("empty array. Expected an array with minimum length 1, but got an empty array instead.",
                    "empty_array");
        }
        for (int i = 0; i < content.node().size(); i++) {
            JsonField part = content.item(i);
            if (!part.node().isObject()) {
                throw part.invalidType("an object");
            }
            String type = part.field("type").required().string();
            if (type.equals("text")) {
                part.field("text").required().string();
            }
        }
    }

    private static void stop(JsonField stop) {
        if (!stop.present() || stop.node().isTextual()) {
            return;
        }
        if (!stop.node().isArray()) {
            throw stop.invalidType("one of a string or array of strings");
        }
        int size = stop.node().size();
        if (size > MAX_STOP) {
            throw stop.invalidValue("array too long. Expected an array with maximum length " + MAX_STOP
                    + ", but got an array with length " + size + " instead.", "array_above_max_length");
        }
        if (size == 0) {
            throw stop.invalidValue("empty array. Expected an array with minimum length 1, but got an empty array instead.", "empty_array");
        }
        for (int i = 0; i < size; i++) {
            stop.item(i).required().string();
        }
    }

    private static void tools(JsonField tools) {
        ArrayNode list = tools.array();
        if (list == null) {
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonField tool = tools.item(i);
            if (!tool.node().isObject()) {
                throw tool.invalidType("an object");
            }
            String type = tool.field("type").required().oneOf(TOOL_TYPES);
            JsonField spec = tool.field(type).required();
            spec.object();
            name(spec.field("name").required());
            if (type.equals("function")) {
                spec.field("parameters").object();
                spec.field("strict").bool();
            }
        }
    }

    /** A function name as OpenAI takes it: 1 to 64 of a-z, A-Z, 0-9, '_' and '-'. */
    private static void name(JsonField name) {
        String v = name.string();
        if (v.length() > MAX_NAME) {
            throw name.invalidValue("string too long. Expected a string with maximum length " + MAX_NAME
                    + ", but got a string with length " + v.length() + " instead.", "string_above_max_length");
        }
        boolean ok = !v.isEmpty();
        for (int i = 0; ok && i < v.length(); i++) {
            char c = v.charAt(i);
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        }
        if (!ok) {
            throw name.invalidValue("string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{1,64}$'.",
                    "invalid_value");
        }
    }

    private static void toolChoice(JsonField choice) {
        if (!choice.present()) {
            return;
        }
        if (choice.node().isTextual()) {
            choice.oneOf(TOOL_CHOICES);
            return;
        }
        if (!choice.node().isObject()) {
            throw choice.invalidType("one of a string or object");
        }
        String type = choice.field("type").required().oneOf(TOOL_CHOICE_TYPES);
        JsonField spec = choice.field(type).required();
        spec.object();
        if (type.equals("allowed_tools")) {
            spec.field("mode").required().oneOf(List.of("auto", "required"));
            spec.field("tools").required().array();
        } else {
            name(spec.field("name").required());
        }
    }

    private static void responseFormat(JsonField format) {
        if (format.object() == null) {
            return;
        }
        String type = format.field("type").required().oneOf(FORMAT_TYPES);
        if (type.equals("json_schema")) {
            JsonField schema = format.field("json_schema").required();
            schema.object();
            name(schema.field("name").required());
            schema.field("schema").object();
            schema.field("strict").bool();
        }
    }
}
