package io.modelhub.apis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.server.OpenApiEndpoint;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Messages, embeddings and completions paths are in /openapi.json, and every reference they make resolves. */
class MoreApisOpenApiTest {
    @Test
    void everyPathIsDocumentedAndItsReferencesResolve() {
        JsonNode doc = OpenApiEndpoint.assemble(new ObjectMapper());
        for (String path : List.of("/v1/messages", "/v1/messages/count_tokens", "/v1/embeddings", "/v1/completions")) {
            assertThat(doc.path("paths").path(path).path("post").path("operationId").asText()).as(path).isNotBlank();
        }
        List<String> refs = new ArrayList<>();
        collect(doc, refs);
        for (String ref : refs) {
            JsonNode target = doc;
            for (String part : ref.substring(2).split("/")) {
                target = target.path(part);
            }
            assertThat(target.isMissingNode()).as(ref).isFalse();
        }
    }

    private static void collect(JsonNode n, List<String> refs) {
        if (n.isObject()) {
            JsonNode ref = n.get("$ref");
            if (ref != null && ref.isTextual()) {
                refs.add(ref.asText());
            }
            n.forEach(child -> collect(child, refs));
        } else if (n.isArray()) {
            n.forEach(child -> collect(child, refs));
        }
    }
}
