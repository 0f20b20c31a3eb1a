package io.modelhub.routing;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.api.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A request's own say in choosing the provider: the OpenRouter-style body field {@code provider}
 * ({@code order}, {@code only}, {@code ignore}, {@code sort}, {@code allow_fallbacks}), or else the
 * header {@code x-modelhub-provider}: one provider id or a comma-separated list, meaning "only these,
 * in this order". Null lists mean "no constraint"; a null sort means "the configured policy".
 */
record Steering(List<String> order, List<String> only, List<String> ignore, Policy sort, boolean allowFallbacks) {
    static final Steering NONE = new Steering(null, null, null, null, true);
    private static final Set<String> SORTS = Set.of("price", "latency", "throughput");

    /** Parses the body field, else the header; ids are checked against {@code known}. */
    static Steering of(JsonNode field, String header, Predicate<String> known) {
        if (field != null && !field.isNull()) {
            return fromBody(field, known);
        }
        if (header != null && !header.isBlank()) {
            List<String> ids = new ArrayList<>();
            for (String part : header.split(",")) {
                String id = part.trim().toLowerCase(Locale.ROOT);
                if (!id.isEmpty()) {
                    requireKnown(id, known, "x-modelhub-provider");
                    ids.add(id);
                }
            }
            return ids.isEmpty() ? NONE : new Steering(ids, ids, null, null, true);
        }
        return NONE;
    }

    private static Steering fromBody(JsonNode field, Predicate<String> known) {
        if (!field.isObject()) {
            throw ApiException.badRequest("Invalid type for 'provider': expected an object such as {\"order\": [\"together\"]}.",
                    "provider", "invalid_type");
        }
        Policy sort = null;
        JsonNode s = field.get("sort");
        if (s != null && !s.isNull()) {
            if (!s.isTextual() || !SORTS.contains(s.asText())) {
                throw ApiException.badRequest("Invalid value for 'provider.sort': expected 'price', 'latency' or 'throughput'.",
                        "provider.sort", "invalid_value");
            }
            sort = Policy.of(s.asText());
        }
        boolean allowFallbacks = true;
        JsonNode af = field.get("allow_fallbacks");
        if (af != null && !af.isNull()) {
            if (!af.isBoolean()) {
                throw ApiException.badRequest("Invalid type for 'provider.allow_fallbacks': expected a boolean.",
                        "provider.allow_fallbacks", "invalid_type");
            }
            allowFallbacks = af.booleanValue();
        }
        // Other OpenRouter fields (data_collection, quantizations...) have no meaning here and are ignored.
        return new Steering(ids(field, "order", known), ids(field, "only", known), ids(field, "ignore", known), sort, allowFallbacks);
    }

    private static List<String> ids(JsonNode field, String name, Predicate<String> known) {
        JsonNode v = field.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        String param = "provider." + name;
        if (!v.isArray()) {
            throw ApiException.badRequest("Invalid type for '" + param + "': expected an array of provider ids.", param, "invalid_type");
        }
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw ApiException.badRequest("Invalid type for '" + param + "': expected an array of provider ids.", param, "invalid_type");
            }
            String id = e.asText().trim().toLowerCase(Locale.ROOT);
            requireKnown(id, known, param);
            out.add(id);
        }
        return out;
    }

    private static void requireKnown(String id, Predicate<String> known, String param) {
        if (!known.test(id)) {
            throw ApiException.badRequest("Unknown provider '" + id + "' in '" + param + "'. GET /v1/providers lists the providers.",
                    param, "unknown_provider");
        }
    }
}
