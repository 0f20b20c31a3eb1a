package io.modelhub.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.api.ApiException;
import io.modelhub.api.JsonBodies;
import io.modelhub.api.JsonField;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads and checks the JSON bodies of the keys and tokens API (and the users API, which shares the object
 * reader and the name rule); every refusal is a 400 naming the field.
 */
public final class KeyRequests {
    private final ObjectMapper json;

    public KeyRequests(ObjectMapper json) {
        this.json = json;
    }

    /** The body as a JSON object with no field outside {@code known}; an empty body counts as {@code {}}. */
    public ObjectNode object(byte[] body, Set<String> known) {
        ObjectNode o = JsonBodies.object(json, body, true);
        JsonField.root(o).onlyFields(known);
        return o;
    }

    public static String name(JsonNode v) {
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw invalid("name", "'name' must be a non-empty string.");
        }
        if (v.asText().length() > 200) {
            throw invalid("name", "'name' must be at most 200 characters.");
        }
        return v.asText().trim();
    }

    static List<Scope> scopes(JsonNode v, String field) {
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw invalid(field, "'" + field + "' must be a non-empty list of scopes: read, write, admin.");
        }
        Set<Scope> out = new java.util.TreeSet<>();
        for (JsonNode n : v) {
            Scope s = n.isTextual() ? Scope.fromWire(n.asText()) : null;
            if (s == null) {
                throw invalid(field, "Unknown scope " + n + " in '" + field + "': known scopes are read, write, admin.");
            }
            out.add(s);
        }
        return new ArrayList<>(out);
    }

    /** An ISO-8601 time in the future (a date means its start in UTC); null for JSON null. */
    static Long expiresAt(JsonNode v, long nowMs) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw invalid("expires_at", "'expires_at' must be an ISO-8601 time such as 2027-01-31T00:00:00Z.");
        }
        String text = v.asText().trim();
        long at;
        try {
            at = OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                at = Instant.parse(text).toEpochMilli();
            } catch (DateTimeParseException e2) {
                try {
                    at = LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
                } catch (DateTimeParseException e3) {
                    throw invalid("expires_at", "'expires_at' must be an ISO-8601 time such as 2027-01-31T00:00:00Z (was '" + text + "').");
                }
            }
        }
        if (at <= nowMs) {
            throw invalid("expires_at", "'expires_at' must be in the future.");
        }
        return at;
    }

    static Set<String> models(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw invalid("allowed_models", "'allowed_models' must be a list of model ids.");
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode n : v) {
            if (!n.isTextual() || n.asText().isBlank() || n.asText().contains("\n")) {
                throw invalid("allowed_models", "'allowed_models' must be a list of model ids (strings).");
            }
            out.add(n.asText());
        }
        return out;
    }

    static Integer positiveInt(JsonNode v, String field) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToExactIntegral() || !v.canConvertToInt() || v.intValue() < 1) {
            throw invalid(field, "'" + field + "' must be a whole number of at least 1 (or null for no limit).");
        }
        return v.intValue();
    }

    /** An optional boolean field: absent or null is false. */
    static boolean flag(JsonNode v, String field) {
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw invalid(field, "'" + field + "' must be true or false.");
        }
        return v.booleanValue();
    }

    static Double budget(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || v.doubleValue() < 0 || !Double.isFinite(v.doubleValue())) {
            throw invalid("budget_usd", "'budget_usd' must be a number of at least 0 (or null for no budget).");
        }
        return v.doubleValue();
    }

    public static ApiException invalid(String field, String message) {
        return ApiException.badRequest(message, field, "invalid_value");
    }
}
