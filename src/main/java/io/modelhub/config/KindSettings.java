package io.modelhub.config;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The settings of a provider that only its kind reads ({@code version} for anthropic, {@code region}
 * for bedrock, {@code api_version} for azure...), by their config names. Those the kind declares secret
 * (e.g. {@code aws_secret_access_key}) never show in {@code toString}, so a printed config cannot leak them.
 */
public final class KindSettings {
    public static final KindSettings NONE = new KindSettings(Map.of(), Set.of());

    private final Map<String, String> values;
    private final Set<String> secret;

    public KindSettings(Map<String, String> values, Set<String> secret) {
        this.values = Map.copyOf(values);
        this.secret = Set.copyOf(secret);
    }

    /** The value of a setting, or {@code fallback} when it is not set. */
    public String get(String name, String fallback) {
        String v = values.get(name);
        return v == null ? fallback : v;
    }

    /** A secret setting, or null when it is not set. */
    public Secret secret(String name) {
        return Secret.ofNullable(values.get(name));
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** These settings with {@code over}'s laid on top (a user's entry over a built-in one). */
    public KindSettings with(KindSettings over) {
        if (over == null || over.isEmpty()) {
            return this;
        }
        Map<String, String> merged = new java.util.HashMap<>(values);
        merged.putAll(over.values);
        Set<String> s = new java.util.HashSet<>(secret);
        s.addAll(over.secret);
        return new KindSettings(merged, s);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KindSettings k && k.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        values.forEach((k, v) -> shown.put(k, secret.contains(k) ? "[secret]" : v));
        return shown.toString();
    }
}
