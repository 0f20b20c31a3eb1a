package io.modelhub.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.api.JsonField;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A position in the parsed configuration file that knows its own path, so that every error can say
 * "modelhub.yaml: providers[2].timeouts.connect_ms: must be a whole number".
 */
public final class ConfigNode {
    private final String file;
    private final String path;
    private final JsonNode node;

    ConfigNode(String file, String path, JsonNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    public boolean isMissing() {
        return node == null || node.isMissingNode() || node.isNull();
    }

    /** Whether this is a scalar (string, number, boolean). */
    public boolean isValue() {
        return node != null && node.isValueNode();
    }

    /** The scalar as text. */
    public String text() {
        return node.asText();
    }

    public boolean has(String field) {
        return !child(field).isMissing();
    }

    public ConfigNode child(String field) {
        JsonNode c = node == null ? null : node.get(field);
        return new ConfigNode(file, path.isEmpty() ? field : path + "." + field, c);
    }

    /** Fails when the object has a field outside {@code known}: a typo should not be silently ignored. */
    public ConfigNode onlyFields(Set<String> known) {
        if (isMissing()) {
            return this;
        }
        if (!node.isObject()) {
            throw error("must be a mapping");
        }
        String f = JsonField.firstUnknown(node, known);
        if (f != null) {
            throw child(f).error("unknown field (known here: " + String.join(", ", known.stream().sorted().toList()) + ")");
        }
        return this;
    }

    public String string(String field, String fallback) {
        ConfigNode c = child(field);
        if (c.isMissing()) {
            return fallback;
        }
        if (!c.node.isValueNode()) {
            throw c.error("must be a string");
        }
        String v = c.node.asText();
        return v.isEmpty() ? fallback : v;
    }

    public String requiredString(String field) {
        String v = string(field, null);
        if (v == null) {
            throw child(field).error("is required");
        }
        return v;
    }

    public boolean bool(String field, boolean fallback) {
        ConfigNode c = child(field);
        if (c.isMissing()) {
            return fallback;
        }
        if (c.node.isBoolean()) {
            return c.node.booleanValue();
        }
        if (c.node.isTextual() && (c.node.asText().equals("true") || c.node.asText().equals("false"))) {
            return Boolean.parseBoolean(c.node.asText());
        }
        throw c.error("must be true or false");
    }

    public Integer integer(String field, Integer fallback) {
        Long v = longValue(field, fallback == null ? null : fallback.longValue());
        if (v == null) {
            return null;
        }
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw child(field).error("is too large");
        }
        return v.intValue();
    }

    public Long longValue(String field, Long fallback) {
        ConfigNode c = child(field);
        if (c.isMissing()) {
            return fallback;
        }
        if (c.node.canConvertToExactIntegral()) {
            return c.node.longValue();
        }
        if (c.node.isTextual()) {
            try {
                return Long.parseLong(c.node.asText().trim());
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw c.error("must be a whole number (was '" + c.node.asText() + "')");
    }

    public Double number(String field, Double fallback) {
        ConfigNode c = child(field);
        if (c.isMissing()) {
            return fallback;
        }
        if (c.node.isNumber()) {
            return c.node.doubleValue();
        }
        if (c.node.isTextual()) {
            try {
                return Double.parseDouble(c.node.asText().trim());
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw c.error("must be a number (was '" + c.node.asText() + "')");
    }

    public Duration millis(String field, Duration fallback) {
        Long ms = longValue(field, null);
        if (ms == null) {
            return fallback;
        }
        if (ms < 0) {
            throw child(field).error("must not be negative");
        }
        return Duration.ofMillis(ms);
    }

    public List<String> strings(String field) {
        ConfigNode c = child(field);
        if (c.isMissing()) {
            return null;
        }
        if (!c.node.isArray()) {
            throw c.error("must be a list");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < c.node.size(); i++) {
            JsonNode e = c.node.get(i);
            if (!e.isValueNode() || e.isNull()) {
                throw new ConfigNode(file, c.path + "[" + i + "]", e).error("must be a string");
            }
            out.add(e.asText());
        }
        return List.copyOf(out);
    }

    public <T> List<T> list(String field, Function<ConfigNode, T> each) {
        ConfigNode c = child(field);
        if (c.isMissing()) {
            return List.of();
        }
        if (!c.node.isArray()) {
            throw c.error("must be a list");
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < c.node.size(); i++) {
            out.add(each.apply(new ConfigNode(file, c.path + "[" + i + "]", c.node.get(i))));
        }
        return List.copyOf(out);
    }

    public <T> Map<String, T> map(String field, Function<ConfigNode, T> each) {
        ConfigNode c = child(field);
        if (c.isMissing()) {
            return null;
        }
        if (!c.node.isObject()) {
            throw c.error("must be a mapping");
        }
        Map<String, T> out = new LinkedHashMap<>();
        for (Iterator<String> it = c.node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            out.put(k, each.apply(c.child(k)));
        }
        return Map.copyOf(out);
    }

    public ConfigException error(String what) {
        return new ConfigException(file + ": " + (path.isEmpty() ? "(top level)" : path) + ": " + what);
    }

    public String path() {
        return path;
    }
}
