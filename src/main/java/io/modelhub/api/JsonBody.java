package io.modelhub.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** Reads a request body that must be one JSON object, with the same 400s as chat completions. */
public final class JsonBody {
    private JsonBody() {}

    public static ObjectNode object(ObjectMapper json, byte[] bytes) {
        JsonNode root;
        try {
            root = json.readTree(bytes);
        } catch (JacksonException e) {
            throw ApiException.badRequest("We could not parse the JSON body of your request: "
                    + e.getOriginalMessage() + ". Send a JSON object.", null, "invalid_json");
        } catch (IOException e) {
            throw ApiException.badRequest("The request body could not be read.", null, "invalid_json");
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest("The request body must be a JSON object.", null, "invalid_json");
        }
        return (ObjectNode) root;
    }
}
