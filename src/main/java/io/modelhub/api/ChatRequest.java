package io.modelhub.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * A client's chat completion request, parsed once and checked for the shape errors OpenAI itself
 * rejects (the known fields' types and ranges: {@link ChatFields}). The body is kept as a JSON tree so
 * unknown fields pass through untouched.
 */
public record ChatRequest(ObjectNode body, String model, boolean stream, boolean includeUsage) {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    public static ChatRequest parse(ObjectMapper json, byte[] bytes) {
        return of(JsonBodies.object(json, bytes, false), true);
    }

    /** Checks a request body; {@code modelRequired} is false where the endpoint supplies the model. */
    public static ChatRequest of(ObjectNode body, boolean modelRequired) {
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            if (modelRequired) {
                throw ApiException.badRequest("You must provide a model parameter.", "model", "missing_required_parameter");
            }
        } else if (!model.isTextual() || model.asText().isBlank()) {
            throw ApiException.badRequest("Invalid type for 'model': expected a non-empty string.", "model", "invalid_type");
        }
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw ApiException.badRequest("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
        }
        if (!messages.isArray()) {
            throw ApiException.badRequest("Invalid type for 'messages': expected an array of message objects.", "messages", "invalid_type");
        }
        if (messages.isEmpty()) {
            throw ApiException.badRequest("Invalid 'messages': empty array. Expected an array with at least one message.", "messages", "empty_array");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            if (!m.isObject()) {
                throw ApiException.badRequest("Invalid type for 'messages[" + i + "]': expected an object.", "messages[" + i + "]", "invalid_type");
            }
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual()) {
                throw ApiException.badRequest("Missing required parameter: 'messages[" + i + "].role'.", "messages[" + i + "].role", "missing_required_parameter");
            }
            if (!ROLES.contains(role.asText())) {
                throw ApiException.badRequest("Invalid value: '" + role.asText() + "'. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool' and 'function'.",
                        "messages[" + i + "].role", "invalid_value");
            }
            ChatFields.content(new JsonField("messages", messages).item(i), role.asText());
        }
        boolean stream = bool(body, "stream");
        boolean includeUsage = false;
        JsonNode options = body.get("stream_options");
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw ApiException.badRequest("Invalid type for 'stream_options': expected an object.", "stream_options", "invalid_type");
            }
            includeUsage = bool((ObjectNode) options, "include_usage");
        }
        ChatFields.check(body);
        return new ChatRequest(body, model == null || model.isNull() ? null : model.asText(), stream, includeUsage);
    }

    /** The request's bound on output tokens ({@code max_completion_tokens}, else {@code max_tokens}), or null. */
    public Long maxOutputTokens() {
        JsonNode v = body.get("max_completion_tokens");
        if (v == null || v.isNull()) {
            v = body.get("max_tokens");
        }
        return v == null || v.isNull() ? null : v.longValue();
    }

    private static boolean bool(ObjectNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw ApiException.badRequest("Invalid type for '" + field + "': expected a boolean.", field, "invalid_type");
        }
        return v.booleanValue();
    }
}
