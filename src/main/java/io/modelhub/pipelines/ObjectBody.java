package io.modelhub.pipelines;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.modelhub.api.Bodies;
import io.modelhub.api.JsonBodies;

/** Reads a request body that must be a JSON object (an empty body counts as {@code {}} where allowed). */
final class ObjectBody {
    private final Bodies bodies;
    private final ObjectMapper json;

    ObjectBody(Bodies bodies, ObjectMapper json) {
        this.bodies = bodies;
        this.json = json;
    }

    ObjectNode read(ServerRequest req, boolean emptyAllowed) {
        return JsonBodies.object(json, bodies.read(req), emptyAllowed);
    }
}
