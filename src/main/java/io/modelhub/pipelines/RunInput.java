package io.modelhub.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.modelhub.api.ApiException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one run starts from: the value of every declared input, as text ready for templates, the
 * caller's conversation when it was called with {@code messages} (else null), and the name of the chat
 * input (the first string input, or null), which a conversational step sends as the user's message.
 */
public record RunInput(Map<String, String> values, ArrayNode conversation, String chatInput) {

    /**
     * Checks a caller's {@code inputs} against the declarations. With {@code messages}, the text of
     * the last user message fills the chat input (the first string input) unless {@code inputs} gives it.
     * Throws 400 naming {@code inputs.NAME} for an unknown, missing or wrongly typed input.
     */
    public static RunInput resolve(PipelineSpec spec, JsonNode inputs, ArrayNode messages) {
        if (inputs != null && !inputs.isNull() && !inputs.isObject()) {
            throw ApiException.badRequest("Invalid type for 'inputs': expected an object of input values.", "inputs", "invalid_type");
        }
        Map<String, PipelineSpec.Input> declared = new LinkedHashMap<>();
        spec.inputs().forEach(i -> declared.put(i.name(), i));
        if (inputs != null && inputs.isObject()) {
            for (Iterator<String> it = inputs.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!declared.containsKey(name)) {
                    throw ApiException.badRequest("Unknown input '" + name + "'. This pipeline takes: "
                            + String.join(", ", declared.keySet()) + ".", "inputs." + name, "unknown_parameter");
                }
            }
        }
        PipelineSpec.Input chatInput = spec.chatInput();
        PipelineSpec.Input chat = messages == null ? null : chatInput;
        Map<String, String> values = new LinkedHashMap<>();
        for (PipelineSpec.Input in : declared.values()) {
            JsonNode v = inputs == null ? null : inputs.get(in.name());
            if (v == null || v.isNull()) {
                if (in == chat) {
                    values.put(in.name(), lastUserText(messages));
                    continue;
                }
                v = in.defaultValue();
            }
            if (v == null) {
                if (in.required()) {
                    throw ApiException.badRequest("Missing required input '" + in.name() + "' (a " + in.type().wireName() + ").",
                            "inputs." + in.name(), "missing_required_parameter");
                }
                values.put(in.name(), "");
                continue;
            }
            if (!in.type().accepts(v)) {
                throw ApiException.badRequest("Invalid type for input '" + in.name() + "': expected a " + in.type().wireName() + ".",
                        "inputs." + in.name(), "invalid_type");
            }
            values.put(in.name(), v.isTextual() ? v.asText() : v.toString());
        }
        return new RunInput(Map.copyOf(values), messages, chatInput == null ? null : chatInput.name());
    }

    /** The text of the last user message: a string content, or the text parts of a multi-part content. */
    static String lastUserText(ArrayNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if (!"user".equals(m.path("role").asText())) {
                continue;
            }
            JsonNode content = m.path("content");
            if (content.isTextual()) {
                return content.asText();
            }
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                if ("text".equals(part.path("type").asText())) {
                    if (!sb.isEmpty()) {
                        sb.append('\n');
                    }
                    sb.append(part.path("text").asText());
                }
            }
            return sb.toString();
        }
        return "";
    }
}
