package io.modelhub.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration of one hub process, parsed once at start-up from the YAML file, the
 * environment and the command line (in rising order of precedence). Immutable; the hot path reads
 * only these records, never files or environment variables.
 */
public record HubConfig(
        Server server,
        Path dataDir,
        Store store,
        List<ProviderConfig> providers,
        List<ModelConfig> models,
        Routing routing,
        Sandbox sandbox,
        CatalogSettings catalog,
        Auth auth,
        Limits limits,
        Usage usage,
        Metrics metrics,
        Operations operations,
        Map<String, String> environment) {

    /** HTTP listener settings. {@code publicBaseUrl} is null when it should follow the request's Host. */
    public record Server(String host, int port, long maxBodyBytes, String publicBaseUrl) {}

    /** Where keys, usage and pipelines live: a JDBC URL for SQLite or PostgreSQL. */
    public record Store(String url) {}

    /** Per-provider upstream timeouts: to connect, to the first byte of an answer, and between chunks. */
    public record Timeouts(Duration connect, Duration firstByte, Duration idle) {
        public static final Timeouts DEFAULT =
                new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(30));
    }

    /**
     * A provider as the config file (or the built-in catalog) declares it. Null fields mean "not said":
     * a user entry with a built-in id overrides only the fields it sets. {@code apiKeyEnv} names the
     * environment variable holding the key; {@code supportedParameters} and {@code parameterRanges}
     * apply to every offering of the provider that does not set its own.
     */
    public record ProviderConfig(
            String id, String name, String kind, String baseUrl, Secret apiKey, String apiKeyEnv,
            Boolean local, Boolean discover, Timeouts timeouts, String docs, String source, String asOf,
            List<String> supportedParameters, Map<String, Range> parameterRanges) {}

    /** A model as the config file declares it. Null fields mean "keep what the built-in catalog says". */
    public record ModelConfig(
            String id, String name, String ownedBy, List<String> aliases, Integer contextLength,
            List<String> capabilities, List<OfferingConfig> offerings, String source) {}

    /** One model served by one provider. */
    public record OfferingConfig(
            String provider, String upstreamModel, Integer contextLength, Integer maxOutputTokens,
            Pricing pricing, List<String> supportedParameters, Map<String, Range> parameterRanges,
            List<String> capabilities, String source, String asOf) {}

    /** Prices in USD per million tokens. */
    public record Pricing(double inputPerMtok, double outputPerMtok) {}

    /** An inclusive numeric range an offering accepts for one parameter. */
    public record Range(Double min, Double max) {}

    /**
     * How the hub picks among a model's offerings: the policy, whether and how often it falls back,
     * how it waits before trying an offering again, when a breaker opens, and how many recent calls
     * per offering its measurements cover.
     */
    public record Routing(String policy, boolean fallbacks, int maxAttempts, Backoff backoff, Breaker breaker, int windowCalls) {
        public Routing(String policy, boolean fallbacks, int maxAttempts) {
            this(policy, fallbacks, maxAttempts, Backoff.DEFAULT, Breaker.DEFAULT, 100);
        }
    }

    /**
     * Waits before an offering is tried again within one request: jittered exponential from
     * {@code base} up to {@code max}; an upstream Retry-After is honoured up to {@code retryAfterMax},
     * beyond which that offering is not tried again for the request.
     */
    public record Backoff(Duration base, Duration max, Duration retryAfterMax) {
        public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(3));
    }

    /**
     * One circuit breaker per offering: opens after {@code consecutiveFailures} failures in a row, or when
     * at least {@code minCalls} recent calls failed at {@code failureRate} or more; after {@code openFor}
     * it lets one probe through, which closes it on success.
     */
    public record Breaker(int consecutiveFailures, double failureRate, int minCalls, Duration openFor) {
        public static final Breaker DEFAULT = new Breaker(5, 0.5, 20, Duration.ofSeconds(30));
    }

    /** Catalog discovery: how often providers marked {@code discover: true} are listed, and how long one listing may take. */
    public record CatalogSettings(Duration discoveryInterval, Duration discoveryTimeout) {
        public static final CatalogSettings DEFAULT = new CatalogSettings(Duration.ofSeconds(300), Duration.ofSeconds(5));
    }

    /** The built-in sandbox provider: deterministic answers with no network. */
    public record Sandbox(boolean enabled, Duration tokenDelay) {}

    /** Credentials: how long hub access tokens live by default, and an optional external OIDC issuer (null when none). */
    public record Auth(long tokenTtlSeconds, Oidc oidc) {
        public static final Auth DEFAULT = new Auth(3600, null);
    }

    /** An external OIDC issuer whose JWTs the hub accepts; scopes are read from {@code scopesClaim}. */
    public record Oidc(String issuer, String audience, String jwksUrl, String scopesClaim) {}

    /** Default per-key limits (a key's own values win); null means unlimited. */
    public record Limits(Integer rpm, Integer tpm) {
        public static final Limits UNLIMITED = new Limits(null, null);
    }

    /**
     * Usage metering: whether usage records are stored, and how the background writer batches them
     * (queue capacity in records, records per batch, and the longest a record waits before its batch is written).
     */
    public record Usage(boolean enabled, int queueCapacity, int batchSize, Duration flushInterval) {
        public static final Usage DEFAULT = new Usage(true, 10_000, 500, Duration.ofMillis(200));
    }

    /** {@code GET /metrics}: open to anyone by default, admin-only when {@code requireAdmin}. */
    public record Metrics(boolean requireAdmin) {}

    /** The value of an environment variable as it was at start-up, or null. */
    public String env(String name) {
        return environment.get(name);
    }
}
