package io.modelhub.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Set;

/**
 * A value in a request body together with its path ({@code tools[0].function.name}), so that every
 * refusal is a 400 whose {@code param} names the field, worded as OpenAI words it ("Invalid type for
 * 'n': expected an integer, but got a string instead."). Absent and JSON {@code null} read as "not given".
 */
public record JsonField(String path, JsonNode node) {

    /** The whole body (its path is empty). */
    public static JsonField root(JsonNode body) {
        return new JsonField("", body);
    }

    public JsonField field(String name) {
        return new JsonField(path.isEmpty() ? name : path + "." + name, node == null ? null : node.get(name));
    }

    public JsonField item(int index) {
        return new JsonField(path + "[" + index + "]", node == null ? null : node.get(index));
    }

    /** Whether a value other than {@code null} was given. */
    public boolean present() {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    /** The value, which must be given. */
    public JsonField required() {
        if (!present()) {
            throw missing();
        }
        return this;
    }

    /** The text, or null when not given; 400 when not a string. */
    public String string() {
        if (!present()) {
            return null;
        }
        if (!node.isTextual()) {
            throw invalidType("a string");
        }
        return node.textValue();
    }

    /** The boolean, or null when not given; 400 when not a boolean. */
    public Boolean bool() {
        if (!present()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw invalidType("a boolean");
        }
        return node.booleanValue();
    }

    /** The number, or null when not given; 400 when not a number or outside {@code min..max} (null: unbounded). */
    public Double number(Double min, Double max) {
        if (!present()) {
            return null;
        }
        if (!node.isNumber()) {
            throw invalidType("a decimal");
        }
        double v = node.doubleValue();
        if (min != null && v < min) {
            throw invalidValue("decimal below minimum value. Expected a value >= " + plain(min) + ", but got " + node + " instead.",
                    "decimal_below_min_value");
        }
        if (max != null && v > max) {
            throw invalidValue("decimal above maximum value. Expected a value <= " + plain(max) + ", but got " + node + " instead.",
                    "decimal_above_max_value");
        }
        return v;
    }

    /** The integer, or null when not given; 400 when not a whole number or outside {@code min..max} (null: unbounded). */
    public Long integer(Long min, Long max) {
        if (!present()) {
            return null;
        }
        if (!node.canConvertToExactIntegral() || !node.canConvertToLong()) {
            throw invalidType("an integer");
        }
        long v = node.longValue();
        if (min != null && v < min) {
            throw invalidValue("integer below minimum value. Expected a value >= " + min + ", but got " + v + " instead.",
                    "integer_below_min_value");
        }
        if (max != null && v > max) {
            throw invalidValue("integer above maximum value. Expected a value <= " + max + ", but got " + v + " instead.",
                    "integer_above_max_value");
        }
        return v;
    }

    /** The object, or null when not given; 400 when not an object. */
    public ObjectNode object() {
        if (!present()) {
            return null;
        }
        if (!node.isObject()) {
            throw invalidType("an object");
        }
        return (ObjectNode) node;
    }

    /** The array, or null when not given; 400 when not an array. */
    public ArrayNode array() {
        if (!present()) {
            return null;
        }
        if (!node.isArray()) {
            throw invalidType("an array");
        }
        return (ArrayNode) node;
    }

    /** The text, which must be one of {@code allowed} (listed in the error in this order). */
    public String oneOf(java.util.List<String> allowed) {
        String v = string();
        if (v != null && !allowed.contains(v)) {
            throw ApiException.badRequest("Invalid value: '" + v + "'. Supported values are: " + listed(allowed) + ".", path, "invalid_value");
        }
        return v;
    }

    /** Refuses a field of this object outside {@code known} (a typo should not be ignored). */
    public void onlyFields(Set<String> known) {
        onlyFields(known, "Known here");
    }

    /** The same, the message listing the known fields after {@code intro} ("A step has"). */
    public void onlyFields(Set<String> known, String intro) {
        String f = firstUnknown(object(), known);
        if (f != null) {
            String at = path.isEmpty() ? f : path + "." + f;
            throw ApiException.badRequest("Unrecognized field '" + at + "'. " + intro + ": "
                    + String.join(", ", known.stream().sorted().toList()) + ".", at, "unknown_parameter");
        }
    }

    /** The first field of {@code object} outside {@code known}, or null (also for a non-object); shared with the config reader. */
    public static String firstUnknown(JsonNode object, Set<String> known) {
        if (object == null || !object.isObject()) {
            return null;
        }
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                return f;
            }
        }
        return null;
    }

    /** What this value is, in the words of the error messages ("a string", "an integer", "null"). */
    public String kind() {
        if (!present()) {
            return "null";
        }
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a decimal";
            case BOOLEAN -> "a boolean";
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            default -> "null";
        };
    }

    public ApiException missing() {
        return ApiException.badRequest("Missing required parameter: '" + path + "'.", path, "missing_required_parameter");
    }

    public ApiException invalidType(String expected) {
        return ApiException.badRequest("Invalid type for '" + path + "': expected " + expected + ", but got " + kind() + " instead.",
                path, "invalid_type");
    }

    /** {@code Invalid 'PATH': DETAIL} with its code. */
    public ApiException invalidValue(String detail, String code) {
        return ApiException.badRequest("Invalid '" + path + "': " + detail, path, code);
    }

    private static String listed(java.util.List<String> values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(i == values.size() - 1 ? " and " : ", ");
            }
            sb.append('\'').append(values.get(i)).append('\'');
        }
        return sb.toString();
    }

    private static String plain(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
