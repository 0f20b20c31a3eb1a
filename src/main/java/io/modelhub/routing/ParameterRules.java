package io.modelhub.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.catalog.Capability;
import io.modelhub.catalog.Offering;
import io.modelhub.config.HubConfig;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides, for one request, whether an offering can take it and which fields it must not receive:
 * an offering with a {@code supported_parameters} list gets only the always-sent fields and the listed
 * ones; {@code top_k}, a non-OpenAI extension, goes only to offerings that list it; a value outside an
 * offering's range, or a capability it lacks, rules the offering out.
 */
final class ParameterRules {
    /** Fields every offering receives whatever its list says. */
    static final Set<String> ALWAYS = Set.of("model", "messages", "stream", "stream_options");
    /** The hub's own steering field: never forwarded, never reported as dropped. */
    static final String STEERING = "provider";
    private static final String TOP_K = "top_k";

    /** Whether an offering can take the request: {@link Fit} with the fields it drops, or {@link Misfit}. */
    sealed interface Verdict {}

    record Fit(List<String> dropped) implements Verdict {}

    /** Why an offering cannot take the request: the parameter (or capability) at fault and what it allows. */
    record Misfit(String param, String code, String reason) implements Verdict {}

    private final ObjectNode body;
    private final List<String> fields = new ArrayList<>();
    private final Set<Capability> needs = EnumSet.noneOf(Capability.class);

    ParameterRules(ObjectNode body) {
        this.body = body;
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            // A null field means "default" and is simply not sent; only real values are worth naming.
            if (!ALWAYS.contains(name) && !STEERING.equals(name) && !e.getValue().isNull()) {
                fields.add(name);
            }
        }
        if (present("tools") && body.get("tools").size() > 0 || present("functions")) {
            needs.add(Capability.TOOLS);
        }
        JsonNode format = body.path("response_format").path("type");
        if ("json_object".equals(format.asText()) || "json_schema".equals(format.asText())) {
            needs.add(Capability.JSON_MODE);
        }
        if (hasImage(body.get("messages"))) {
            needs.add(Capability.VISION);
        }
    }

    Verdict judge(Offering offering) {
        for (Capability c : needs) {
            if (!offering.capabilities().contains(c)) {
                return new Misfit(paramOf(c), "capability_not_supported", "does not support " + c.wireName());
            }
        }
        List<String> dropped = List.of();
        Set<String> supported = offering.supportedParameters();
        for (String f : fields) {
            boolean drop = supported == null ? TOP_K.equals(f) : !supported.contains(f);
            if (drop) {
                if (dropped.isEmpty()) {
                    dropped = new ArrayList<>(4);
                }
                dropped.add(f);
            }
        }
        for (Map.Entry<String, HubConfig.Range> r : offering.parameterRanges().entrySet()) {
            String param = r.getKey();
            JsonNode v = body.get(param);
            if (v == null || !v.isNumber() || dropped.contains(param)) {
                continue;
            }
            double value = v.doubleValue();
            HubConfig.Range range = r.getValue();
            if ((range.min() != null && value < range.min()) || (range.max() != null && value > range.max())) {
                return new Misfit(param, "parameter_out_of_range", "accepts " + param + " " + describe(range));
            }
        }
        return new Fit(dropped);
    }

    /** Removes from an upstream body every field the offering must not receive (null-valued ones included). */
    static void strip(ObjectNode body, Offering offering) {
        Set<String> supported = offering.supportedParameters();
        if (supported == null) {
            body.remove(TOP_K);
            return;
        }
        body.properties().removeIf(e -> !ALWAYS.contains(e.getKey()) && !supported.contains(e.getKey()));
    }

    private boolean present(String field) {
        JsonNode v = body.get(field);
        return v != null && !v.isNull();
    }

    private static String paramOf(Capability c) {
        return switch (c) {
            case TOOLS -> "tools";
            case JSON_MODE -> "response_format";
            case VISION -> "messages";
            case STREAMING -> "stream";
            case EMBEDDINGS -> "input";
        };
    }

    static String describe(HubConfig.Range r) {
        if (r.min() != null && r.max() != null) {
            return "from " + number(r.min()) + " to " + number(r.max());
        }
        return r.min() != null ? "from " + number(r.min()) : "up to " + number(r.max());
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static boolean hasImage(JsonNode messages) {
        if (messages == null) {
            return false;
        }
        for (JsonNode m : messages) {
            JsonNode content = m.get("content");
            if (content != null && content.isArray()) {
                for (JsonNode part : content) {
                    if ("image_url".equals(part.path("type").asText())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
