package io.modelhub.apis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a JSON document against a schema of OpenAI's published OpenAPI document (the excerpt under
 * {@code src/test/resources/openai-openapi/}). Only the keywords those schemas use are understood:
 * {@code $ref}, {@code type} (one or a list), {@code required}, {@code properties}, {@code items},
 * {@code enum}, {@code anyOf}; anything else is ignored. Answers every violation with its path.
 */
final class OpenAiSchemas {
    private final JsonNode schemas;

    private OpenAiSchemas(JsonNode schemas) {
        this.schemas = schemas;
    }

    static OpenAiSchemas load(String resource) {
        try (InputStream in = OpenAiSchemas.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing " + resource);
            }
            return new OpenAiSchemas(new ObjectMapper().readTree(in).path("components").path("schemas"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The violations of {@code doc} against the named schema; empty when it conforms. */
    List<String> violations(String schemaName, JsonNode doc) {
        List<String> out = new ArrayList<>();
        check(schema(schemaName), doc, "$", out);
        return out;
    }

    private JsonNode schema(String name) {
        JsonNode s = schemas.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no schema " + name);
        }
        return s;
    }

    private void check(JsonNode schema, JsonNode doc, String at, List<String> out) {
        JsonNode ref = schema.get("$ref");
        if (ref != null) {
            String r = ref.asText();
            check(schema(r.substring(r.lastIndexOf('/') + 1)), doc, at, out);
            return;
        }
        JsonNode anyOf = schema.get("anyOf");
        if (anyOf != null) {
            for (JsonNode option : anyOf) {
                List<String> tried = new ArrayList<>();
                check(option, doc, at, tried);
                if (tried.isEmpty()) {
                    return;
                }
            }
            out.add(at + ": matches none of anyOf");
            return;
        }
        JsonNode type = schema.get("type");
        if (type != null && !typeMatches(type, doc)) {
            out.add(at + ": expected " + type + ", got " + doc.getNodeType());
            return;
        }
        JsonNode en = schema.get("enum");
        if (en != null && !doc.isNull()) {
            boolean found = false;
            for (JsonNode v : en) {
                found |= v.equals(doc);
            }
            if (!found) {
                out.add(at + ": " + doc + " is not one of " + en);
            }
        }
        if (doc.isObject()) {
            for (JsonNode req : schema.path("required")) {
                if (!doc.has(req.asText())) {
                    out.add(at + ": missing required '" + req.asText() + "'");
                }
            }
            for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
                JsonNode v = doc.get(p.getKey());
                if (v != null) {
                    check(p.getValue(), v, at + "." + p.getKey(), out);
                }
            }
        }
        if (doc.isArray() && schema.has("items")) {
            for (int i = 0; i < doc.size(); i++) {
                check(schema.get("items"), doc.get(i), at + "[" + i + "]", out);
            }
        }
    }

    private static boolean typeMatches(JsonNode type, JsonNode doc) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (typeMatches(t, doc)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asText()) {
            case "object" -> doc.isObject();
            case "array" -> doc.isArray();
            case "string" -> doc.isTextual();
            case "integer" -> doc.canConvertToExactIntegral();
            case "number" -> doc.isNumber();
            case "boolean" -> doc.isBoolean();
            case "null" -> doc.isNull();
            default -> true;
        };
    }
}
