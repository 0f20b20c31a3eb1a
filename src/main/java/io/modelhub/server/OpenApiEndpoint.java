package io.modelhub.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 document, assembled once at start-up from one fragment per
 * area under {@code openapi/} on the class path (each area documents its own paths and schemas).
 */
public final class OpenApiEndpoint {
    /** The fragments, in the order their paths should appear. */
    public static final List<String> FRAGMENTS = List.of(
            "openapi/base.json", "openapi/catalog.json", "openapi/inference.json", "openapi/auth.json", "openapi/pipelines.json",
            "openapi/operations.json", "openapi/usage.json",
            "openapi/users.json",
            "openapi/portal.json", "openapi/responses.json",
            "openapi/more-apis.json");

    private final byte[] document;

    public OpenApiEndpoint(ObjectMapper json) {
        this.document = assemble(json).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public static ObjectNode assemble(ObjectMapper json) {
        ObjectNode doc = null;
        for (String name : FRAGMENTS) {
            try (InputStream in = OpenApiEndpoint.class.getClassLoader().getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("missing OpenAPI fragment " + name);
                }
                ObjectNode part = (ObjectNode) json.readTree(in);
                if (doc == null) {
                    doc = part;
                } else {
                    merge(doc, part);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return doc;
    }

    private static void merge(ObjectNode into, ObjectNode from) {
        for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = into.get(e.getKey());
            if (existing instanceof ObjectNode o && e.getValue() instanceof ObjectNode n) {
                merge(o, n);
            } else {
                into.set(e.getKey(), e.getValue());
            }
        }
    }

    public void handle(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(document);
    }
}
