package io.modelhub.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Running the hub in production: the access log, the response cache and tracing
 * ({@code logging:}, {@code cache:} and {@code telemetry:} in the config file).
 */
public record Operations(Logging logging, Cache cache, Telemetry telemetry) {
    public static final Operations DEFAULT = new Operations(Logging.OFF, Cache.OFF, Telemetry.OFF);

    /**
     * The access log: {@code access} is {@code off}, {@code stdout} or a file path; {@code bodies} adds the
     * request body (redacted: credentials always, and every field named in {@code redactFields}).
     */
    public record Logging(String access, boolean bodies, List<String> redactFields) {
        public static final Logging OFF = new Logging("off", false, List.of());

        public boolean enabled() {
            return !"off".equals(access);
        }
    }

    /**
     * The response cache: off unless enabled; entries live {@code ttl} and at most {@code maxEntries} are kept
     * (in process). Requests opt in with a header, or all requests of the listed {@code keys} (key ids) and
     * {@code models} (model ids) do.
     */
    public record Cache(boolean enabled, Duration ttl, long maxEntries, Set<String> keys, Set<String> models) {
        public static final Cache OFF = new Cache(false, Duration.ofSeconds(300), 10_000, Set.of(), Set.of());
    }

    /**
     * OpenTelemetry tracing: off unless an OTLP endpoint is configured (here or in
     * {@code OTEL_EXPORTER_OTLP_ENDPOINT}); {@code serviceName} names this hub in the traces.
     */
    public record Telemetry(String otlpEndpoint, String serviceName) {
        public static final Telemetry OFF = new Telemetry(null, "modelhub");

        public boolean enabled() {
            return otlpEndpoint != null;
        }
    }

    static Operations parse(ConfigNode root, java.util.Map<String, String> env) {
        ConfigNode l = root.child("logging").onlyFields(Set.of("access", "bodies", "redact_fields"));
        String access = l.string("access", "off").trim();
        if (access.isEmpty()) {
            throw l.child("access").error("must be off, stdout or a file path");
        }
        List<String> redact = l.strings("redact_fields");
        Logging logging = new Logging(access, l.bool("bodies", false), redact == null ? List.of() : redact);

        ConfigNode c = root.child("cache").onlyFields(Set.of("enabled", "ttl_seconds", "max_entries", "keys", "models"));
        Long ttl = c.longValue("ttl_seconds", Cache.OFF.ttl().toSeconds());
        if (ttl < 1) {
            throw c.child("ttl_seconds").error("must be at least 1");
        }
        Long max = c.longValue("max_entries", Cache.OFF.maxEntries());
        if (max < 1) {
            throw c.child("max_entries").error("must be at least 1");
        }
        List<String> keys = c.strings("keys");
        List<String> models = c.strings("models");
        Cache cache = new Cache(c.bool("enabled", false), Duration.ofSeconds(ttl), max,
                keys == null ? Set.of() : Set.copyOf(keys), models == null ? Set.of() : Set.copyOf(models));

        ConfigNode t = root.child("telemetry").onlyFields(Set.of("otlp_endpoint", "service_name"));
        String endpoint = t.string("otlp_endpoint", null);
        if (endpoint == null || endpoint.isBlank()) {
            endpoint = env.get("OTEL_EXPORTER_OTLP_ENDPOINT");
        }
        if (endpoint != null && endpoint.isBlank()) {
            endpoint = null;
        }
        if (endpoint != null && !endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
            throw t.child("otlp_endpoint").error("must be an http:// or https:// URL (was '" + endpoint + "')");
        }
        String service = t.string("service_name", env.getOrDefault("OTEL_SERVICE_NAME", "modelhub"));
        return new Operations(logging, cache, new Telemetry(endpoint, service));
    }
}
