package io.modelhub.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.api.ApiException;
import io.modelhub.api.ChatRequest;
import io.modelhub.api.JsonBody;

/**
 * A client's OpenAI embeddings request, checked for the shape errors OpenAI rejects: {@code input} a
 * non-empty string, an array of them, an array of token ids or an array of such arrays (at most 2048
 * items); {@code encoding_format} {@code float} or {@code base64}; {@code dimensions} a positive integer.
 * Other fields pass through untouched.
 */
final class EmbeddingsRequest {
    static final int MAX_INPUTS = 2048;

    private EmbeddingsRequest() {}

    /** The body as the router takes it (a non-streaming request over the same tree). */
    static ChatRequest parse(ObjectMapper json, byte[] bytes) {
        ObjectNode body = JsonBody.object(json, bytes);
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            throw ApiException.badRequest("You must provide a model parameter.", "model", "missing_required_parameter");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw ApiException.badRequest("Invalid type for 'model': expected a non-empty string.", "model", "invalid_type");
        }
        checkInput(body.get("input"));
        JsonNode format = body.get("encoding_format");
        if (format != null && !format.isNull() && !(format.isTextual() && (format.asText().equals("float") || format.asText().equals("base64")))) {
            throw ApiException.badRequest("Invalid value for 'encoding_format': expected 'float' or 'base64'.", "encoding_format", "invalid_value");
        }
        JsonNode dims = body.get("dimensions");
        if (dims != null && !dims.isNull() && !(dims.canConvertToExactIntegral() && dims.asLong() >= 1 && dims.asLong() <= 65536)) {
            throw ApiException.badRequest("Invalid value for 'dimensions': expected a positive integer.", "dimensions", "invalid_value");
        }
        JsonNode user = body.get("user");
        if (user != null && !user.isNull() && !user.isTextual()) {
            throw ApiException.badRequest("Invalid type for 'user': expected a string.", "user", "invalid_type");
        }
        if (body.path("stream").asBoolean(false)) {
            throw ApiException.badRequest("Unrecognized request argument supplied: stream. Embeddings are not streamed.", "stream", "unknown_parameter");
        }
        return new ChatRequest(body, model.asText(), false, false);
    }

    private static void checkInput(JsonNode input) {
        if (input == null || input.isNull()) {
            throw ApiException.badRequest("Missing required parameter: 'input'.", "input", "missing_required_parameter");
        }
        if (input.isTextual()) {
            if (input.asText().isEmpty()) {
                throw invalidInput("'input' must not be an empty string.");
            }
            return;
        }
        if (!input.isArray()) {
            throw invalidInput("'input' must be a string, an array of strings, an array of token ids or an array of token-id arrays.");
        }
        if (input.isEmpty()) {
            throw invalidInput("'input' must not be an empty array.");
        }
        if (input.size() > MAX_INPUTS) {
            throw invalidInput("'input' has " + input.size() + " items; at most " + MAX_INPUTS + " are allowed in one request.");
        }
        JsonNode first = input.get(0);
        if (first.isNumber()) {
            tokens(input, "input");
            return;
        }
        boolean strings = first.isTextual();
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            if (strings) {
                if (!item.isTextual()) {
                    throw invalidInput("'input[" + i + "]' must be a string like the other items.");
                }
                if (item.asText().isEmpty()) {
                    throw invalidInput("'input[" + i + "]' must not be an empty string.");
                }
            } else if (item.isArray()) {
                if (item.isEmpty()) {
                    throw invalidInput("'input[" + i + "]' must not be an empty token array.");
                }
                tokens(item, "input[" + i + "]");
            } else {
                throw invalidInput("'input[" + i + "]' must be a string or an array of token ids.");
            }
        }
    }

    private static void tokens(JsonNode array, String where) {
        for (int i = 0; i < array.size(); i++) {
            JsonNode t = array.get(i);
            if (!t.canConvertToExactIntegral() || t.asLong() < 0) {
                throw invalidInput("'" + where + "[" + i + "]' must be a token id (a non-negative integer).");
            }
        }
    }

    private static ApiException invalidInput(String message) {
        return ApiException.badRequest("Invalid 'input': " + message, "input", "invalid_value");
    }
}
