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
    public record Server(String host, int port, long maxBodyBytes, String publicBaseUrl, ConnectionTimeouts timeouts) {
        /** The listener with the default connection timeouts. */
        public Server(String host, int port, long maxBodyBytes, String publicBaseUrl) {
            this(host, port, maxBodyBytes, publicBaseUrl, ConnectionTimeouts.DEFAULT);
        }
    }

    /**
     * How long a client connection may take: to send a request's headers once it has begun ({@code header}),
     * to send the whole body once the headers are in ({@code body}), and to sit idle between requests ({@code idle}).
     */
    public record ConnectionTimeouts(Duration header, Duration body, Duration idle) {
        public static final ConnectionTimeouts DEFAULT =
                new ConnectionTimeouts(Duration.ofSeconds(15), Duration.ofSeconds(60), Duration.ofSeconds(75));
    }

    /** Where keys, usage and pipelines live: a JDBC URL for SQLite or PostgreSQL. */
    public record Store(String url) {}

    /** Per-provider upstream timeouts: to connect, to the first byte of an answer, and between chunks. */
    public record Timeouts(Duration connect, Duration firstByte, Duration idle) {
        public static final Timeouts DEFAULT =
                new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(30));
    }

    /**
     * How many upstream exchanges one provider may have in flight at once ({@code max}), how many calls may
     * wait for one of them ({@code queue}) and how long one waits at most ({@code queueTimeout}; null: the
     * provider's connect timeout). No block (null where this is held) means no limit.
     */
    public record Connections(int max, int queue, Duration queueTimeout) {
        /** The wait a queued call gets: {@code queueTimeout}, or the provider's connect timeout when it was not set. */
        public Duration queueTimeoutOr(Duration connectTimeout) {
            return queueTimeout != null ? queueTimeout : connectTimeout;
        }
    }

    /**
     * A provider as the config file (or the built-in catalog) declares it. Null fields mean "not said":
     * a user entry with a built-in id overrides only the fields it sets. {@code apiKeyEnv} names the
     * environment variable holding the key; {@code supportedParameters} and {@code parameterRanges}
     * apply to every offering of the provider that does not set its own. {@code responses} (kind openai)
     * says the upstream speaks the Responses API, so {@code /v1/responses} is passed through to it.
     * {@code headers} (kinds openai and azure) are sent on every request to the upstream; their values are
     * secrets (they often carry a token), never printed. {@code connections} caps the upstream exchanges in
     * flight (null: no limit).
     */
    public record ProviderConfig(
            String id, String name, String kind, String baseUrl, Secret apiKey, String apiKeyEnv,
            Boolean local, Boolean discover, Timeouts timeouts, String docs, String source, String asOf,
            List<String> supportedParameters, Map<String, Range> parameterRanges, KindSettings settings,
            Boolean responses, Map<String, Secret> headers, Connections connections) {
        /** A provider without a connection limit. */
        public ProviderConfig(
                String id, String name, String kind, String baseUrl, Secret apiKey, String apiKeyEnv,
                Boolean local, Boolean discover, Timeouts timeouts, String docs, String source, String asOf,
                List<String> supportedParameters, Map<String, Range> parameterRanges, KindSettings settings,
                Boolean responses, Map<String, Secret> headers) {
            this(id, name, kind, baseUrl, apiKey, apiKeyEnv, local, discover, timeouts, docs, source, asOf,
                    supportedParameters, parameterRanges, settings, responses, headers, null);
        }

        /** A provider without extra upstream headers. */
        public ProviderConfig(
                String id, String name, String kind, String baseUrl, Secret apiKey, String apiKeyEnv,
                Boolean local, Boolean discover, Timeouts timeouts, String docs, String source, String asOf,
                List<String> supportedParameters, Map<String, Range> parameterRanges, KindSettings settings, Boolean responses) {
            this(id, name, kind, baseUrl, apiKey, apiKeyEnv, local, discover, timeouts, docs, source, asOf,
                    supportedParameters, parameterRanges, settings, responses, null);
        }

        public ProviderConfig(
                String id, String name, String kind, String baseUrl, Secret apiKey, String apiKeyEnv,
                Boolean local, Boolean discover, Timeouts timeouts, String docs, String source, String asOf,
                List<String> supportedParameters, Map<String, Range> parameterRanges) {
            this(id, name, kind, baseUrl, apiKey, apiKeyEnv, local, discover, timeouts, docs, source, asOf,
                    supportedParameters, parameterRanges, null, null, null);
        }
    }

    /** A model as the config file declares it. Null fields mean "keep what the built-in catalog says". */
    public record ModelConfig(
            String id, String name, String ownedBy, List<String> aliases, Integer contextLength,
            List<String> capabilities, List<OfferingConfig> offerings, String source) {}

    /** One model served by one provider. */
    public record OfferingConfig(
            String provider, String upstreamModel, Integer contextLength, Integer maxOutputTokens,
            Pricing pricing, List<String> supportedParameters, Map<String, Range> parameterRanges,
            List<String> capabilities, String source, String asOf) {}

    /**
     * Prices in USD per million tokens. The cache prices (prompt tokens read from, or written to, the
     * provider's prompt cache) are null when the provider has none or they are not known: such tokens
     * are then priced as ordinary input.
     */
    public record Pricing(double inputPerMtok, double outputPerMtok, Double cacheReadPerMtok, Double cacheWritePerMtok) {
        public Pricing(double inputPerMtok, double outputPerMtok) {
            this(inputPerMtok, outputPerMtok, null, null);
        }
    }

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

    /**
     * Credentials: how long hub access tokens live by default, an optional external OIDC issuer (null when
     * none), and how long a portal session lives: ended after {@code sessionIdleMinutes} without a request,
     * and after {@code sessionMaxHours} in any case.
     */
    public record Auth(long tokenTtlSeconds, Oidc oidc, int sessionIdleMinutes, int sessionMaxHours) {
        public static final int DEFAULT_SESSION_IDLE_MINUTES = 60;
        public static final int DEFAULT_SESSION_MAX_HOURS = 12;
        public static final Auth DEFAULT = new Auth(3600, null);

        public Auth(long tokenTtlSeconds, Oidc oidc) {
            this(tokenTtlSeconds, oidc, DEFAULT_SESSION_IDLE_MINUTES, DEFAULT_SESSION_MAX_HOURS);
        }
    }

    /**
     * An external OIDC issuer whose JWTs the hub accepts; scopes are read from {@code scopesClaim}. With a
     * {@code clientId}, people also sign in to the portal through it (authorization code + PKCE); the
     * endpoints, when null, come from the issuer's discovery document, the redirect URI from the public
     * base URL (or the request's Host). {@code clientSecret} may be null (a public client).
     */
    public record Oidc(String issuer, String audience, String jwksUrl, String scopesClaim, String clientId, Secret clientSecret,
            String authorizationEndpoint, String tokenEndpoint, String redirectUri) {
        /** An issuer whose tokens are accepted, without portal sign-in. */
        public Oidc(String issuer, String audience, String jwksUrl, String scopesClaim) {
            this(issuer, audience, jwksUrl, scopesClaim, null, null, null, null, null);
        }
    }

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
