package io.modelhub.pipelines;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.modelhub.api.ApiException;
import io.modelhub.api.Bodies;
import java.io.IOException;

/** Reads a request body that must be a JSON object (an empty body counts as {@code {}} where allowed). */
final class ObjectBody {
    private final Bodies bodies;
    private final ObjectMapper json;

    ObjectBody(Bodies bodies, ObjectMapper json) {
        this.bodies = bodies;
        this.json = json;
    }

    ObjectNode read(ServerRequest req, boolean emptyAllowed) {
        byte[] bytes = bodies.read(req);
        if (bytes.length == 0 && emptyAllowed) {
            return json.createObjectNode();
        }
        JsonNode root;
        try {
            root = json.readTree(bytes);
        } catch (JacksonException e) {
            throw ApiException.badRequest("We could not parse the JSON body of your request: " + e.getOriginalMessage()
                    + ". Send a JSON object.", null, "invalid_json");
        } catch (IOException e) {
            throw ApiException.badRequest("The request body could not be read.", null, "invalid_json");
        }
        if (root == null || root.isMissingNode()) {
            if (emptyAllowed) {
                return json.createObjectNode();
            }
            throw ApiException.badRequest("The request body must be a JSON object.", null, "invalid_json");
        }
        if (!root.isObject()) {
            throw ApiException.badRequest("The request body must be a JSON object.", null, "invalid_json");
        }
        return (ObjectNode) root;
    }
}
