package io.modelhub.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Blanks what a logged body must never show: fields that hold credentials (by name, at any depth), the
 * fields the configuration names, and any string that looks like a key or bearer token wherever it is.
 */
final class Redactor {
    static final String REDACTED = "[redacted]";
    private static final Set<String> CREDENTIAL_FIELDS = Set.of("api_key", "apikey", "key", "authorization",
            "password", "secret", "client_secret", "token", "access_token", "refresh_token", "id_token", "x-api-key");
    /** Hub keys ({@code mh-<id>.<secret>}), common provider keys ({@code sk-...}) and bearer values. */
    private static final Pattern CREDENTIAL_VALUE = Pattern.compile(
            "mh-[A-Za-z0-9_]+\\.[A-Za-z0-9_-]{8,}|sk-[A-Za-z0-9_-]{16,}|(?i:bearer)\\s+\\S+|eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]*");

    private final Set<String> fields;

    Redactor(List<String> configured) {
        Set<String> all = new HashSet<>(CREDENTIAL_FIELDS);
        for (String f : configured) {
            all.add(f.toLowerCase(Locale.ROOT));
        }
        this.fields = Set.copyOf(all);
    }

    /** The same tree with every secret replaced (changes {@code node} in place and returns it). */
    JsonNode redact(JsonNode node) {
        if (node instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (fields.contains(e.getKey().toLowerCase(Locale.ROOT))) {
                    e.setValue(TextNode.valueOf(REDACTED));
                } else {
                    e.setValue(redact(e.getValue()));
                }
            }
            return o;
        }
        if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                a.set(i, redact(a.get(i)));
            }
            return a;
        }
        if (node.isTextual() && CREDENTIAL_VALUE.matcher(node.asText()).find()) {
            return TextNode.valueOf(CREDENTIAL_VALUE.matcher(node.asText()).replaceAll(REDACTED));
        }
        return node;
    }
}
