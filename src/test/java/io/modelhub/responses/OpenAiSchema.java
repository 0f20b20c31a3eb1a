package io.modelhub.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A small JSON-schema check over the part of OpenAI's OpenAPI document the Responses tests need
 * ({@code openai-openapi/responses-subset.json}): {@code $ref}, {@code allOf}, {@code anyOf},
 * {@code oneOf} (exactly one must match), {@code type} (with OpenAPI 3.1 {@code null}), {@code enum},
 * {@code required}, {@code properties}, {@code additionalProperties}, {@code items}, string lengths and
 * number bounds. Formats and patterns are not checked.
 */
final class OpenAiSchema {
    private static final JsonNode SCHEMAS = load();

    private OpenAiSchema() {}

    private static JsonNode load() {
        try (InputStream in = OpenAiSchema.class.getClassLoader().getResourceAsStream("openai-openapi/responses-subset.json")) {
            return new ObjectMapper().readTree(in).path("components").path("schemas");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts that {@code value} is valid against the named component schema. */
    static void assertValid(JsonNode value, String schemaName) {
        List<String> errors = validate(value, schemaName);
        assertThat(errors).as("%s against %s", value, schemaName).isEmpty();
    }

    /** Asserts that a stream event is valid against the schema of its {@code type}. */
    static void assertValidEvent(JsonNode event) {
        assertValid(event, EVENTS.getOrDefault(event.path("type").asText(), "(no schema for " + event.path("type").asText() + ")"));
    }

    static final Map<String, String> EVENTS = Map.ofEntries(
            Map.entry("response.created", "ResponseCreatedEvent"),
            Map.entry("response.in_progress", "ResponseInProgressEvent"),
            Map.entry("response.completed", "ResponseCompletedEvent"),
            Map.entry("response.failed", "ResponseFailedEvent"),
            Map.entry("response.incomplete", "ResponseIncompleteEvent"),
            Map.entry("error", "ResponseErrorEvent"),
            Map.entry("response.output_item.added", "ResponseOutputItemAddedEvent"),
            Map.entry("response.output_item.done", "ResponseOutputItemDoneEvent"),
            Map.entry("response.content_part.added", "ResponseContentPartAddedEvent"),
            Map.entry("response.content_part.done", "ResponseContentPartDoneEvent"),
            Map.entry("response.output_text.delta", "ResponseTextDeltaEvent"),
            Map.entry("response.output_text.done", "ResponseTextDoneEvent"),
            Map.entry("response.function_call_arguments.delta", "ResponseFunctionCallArgumentsDeltaEvent"),
            Map.entry("response.function_call_arguments.done", "ResponseFunctionCallArgumentsDoneEvent"));

    static List<String> validate(JsonNode value, String schemaName) {
        JsonNode schema = SCHEMAS.get(schemaName);
        if (schema == null) {
            return List.of("no schema " + schemaName);
        }
        List<String> errors = new ArrayList<>();
        check(value, schema, "$", errors);
        return errors;
    }

    private static void check(JsonNode v, JsonNode s, String at, List<String> errors) {
        if (s.has("$ref")) {
            String name = s.get("$ref").asText().substring("#/components/schemas/".length());
            check(v, SCHEMAS.get(name), at, errors);
        }
        for (JsonNode sub : s.path("allOf")) {
            check(v, sub, at, errors);
        }
        if (s.has("anyOf") && matching(v, s.get("anyOf"), at) == 0) {
            errors.add(at + ": matches none of anyOf " + describe(v, s.get("anyOf"), at));
        }
        if (s.has("oneOf")) {
            int n = matching(v, s.get("oneOf"), at);
            if (n != 1) {
                errors.add(at + ": matches " + n + " of oneOf (expected exactly 1) " + (n == 0 ? describe(v, s.get("oneOf"), at) : ""));
            }
        }
        if (s.has("type") && !typeOk(v, s.get("type"))) {
            errors.add(at + ": expected type " + s.get("type") + ", got " + v.getNodeType());
            return;
        }
        if (s.has("enum")) {
            boolean found = false;
            for (JsonNode e : s.get("enum")) {
                found |= e.equals(v) || (e.isNumber() && v.isNumber() && e.asDouble() == v.asDouble());
            }
            if (!found) {
                errors.add(at + ": " + v + " not in enum " + s.get("enum"));
            }
        }
        if (v.isTextual()) {
            if (s.has("minLength") && v.asText().length() < s.get("minLength").asInt()) {
                errors.add(at + ": shorter than " + s.get("minLength"));
            }
            if (s.has("maxLength") && v.asText().length() > s.get("maxLength").asInt()) {
                errors.add(at + ": longer than " + s.get("maxLength"));
            }
        }
        if (v.isNumber()) {
            if (s.has("minimum") && v.asDouble() < s.get("minimum").asDouble()) {
                errors.add(at + ": below " + s.get("minimum"));
            }
            if (s.has("maximum") && v.asDouble() > s.get("maximum").asDouble()) {
                errors.add(at + ": above " + s.get("maximum"));
            }
        }
        if (v.isObject()) {
            for (JsonNode r : s.path("required")) {
                if (!v.has(r.asText())) {
                    errors.add(at + ": missing required property " + r.asText());
                }
            }
            JsonNode props = s.path("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (props.has(f.getKey())) {
                    check(f.getValue(), props.get(f.getKey()), at + "." + f.getKey(), errors);
                } else if (s.has("additionalProperties")) {
                    JsonNode extra = s.get("additionalProperties");
                    if (extra.isBoolean() && !extra.asBoolean()) {
                        errors.add(at + ": unexpected property " + f.getKey());
                    } else if (extra.isObject()) {
                        check(f.getValue(), extra, at + "." + f.getKey(), errors);
                    }
                }
            }
        }
        if (v.isArray() && s.has("items")) {
            for (int i = 0; i < v.size(); i++) {
                check(v.get(i), s.get("items"), at + "[" + i + "]", errors);
            }
        }
        if (v.isArray() && s.has("minItems") && v.size() < s.get("minItems").asInt()) {
            errors.add(at + ": fewer than " + s.get("minItems") + " items");
        }
    }

    private static int matching(JsonNode v, JsonNode alternatives, String at) {
        int n = 0;
        for (JsonNode alt : alternatives) {
            List<String> e = new ArrayList<>();
            check(v, alt, at, e);
            if (e.isEmpty()) {
                n++;
            }
        }
        return n;
    }

    /** For a failed union: the errors of the alternative whose discriminating {@code type} matches, if any. */
    private static String describe(JsonNode v, JsonNode alternatives, String at) {
        List<String> best = null;
        for (JsonNode alt : alternatives) {
            List<String> e = new ArrayList<>();
            check(v, alt, at, e);
            if (best == null || e.size() < best.size()) {
                best = e;
            }
        }
        return String.valueOf(best);
    }

    private static boolean typeOk(JsonNode v, JsonNode type) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (typeOk(v, t)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asText()) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()));
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            case "null" -> v.isNull();
            default -> true;
        };
    }
}
