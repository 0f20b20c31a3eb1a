package io.modelhub.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import io.lettuce.core.RedisClient;
import io.modelhub.auth.CredentialAuthenticator;
import io.modelhub.auth.HubTokens;
import io.modelhub.auth.KeyRecord;
import io.modelhub.auth.KeyStore;
import io.modelhub.auth.Keys;
import io.modelhub.auth.KeysEndpoint;
import io.modelhub.auth.OidcVerifier;
import io.modelhub.auth.Principal;
import io.modelhub.auth.RedisRevocationBus;
import io.modelhub.auth.RevocationBus;
import io.modelhub.catalog.CatalogEndpoints;
import io.modelhub.catalog.CatalogHolder;
import io.modelhub.catalog.CatalogLoader;
import io.modelhub.catalog.Health;
import io.modelhub.catalog.LiveCatalog;
import io.modelhub.config.HubConfig;
import io.modelhub.limits.BucketSource;
import io.modelhub.limits.Budgets;
import io.modelhub.limits.KeyLimits;
import io.modelhub.limits.Limiter;
import io.modelhub.limits.RedisBucketSource;
import io.modelhub.apis.MoreApis;
import io.modelhub.cache.ResponseCache;
import io.modelhub.ops.AccessLog;
import io.modelhub.telemetry.AttemptSpans;
import io.modelhub.telemetry.Tracing;
import io.modelhub.ops.ConfigReload;
import io.modelhub.pipelines.Pipelines;
import io.modelhub.portal.Portal;
import io.modelhub.responses.Responses;
import io.modelhub.providers.ProviderRegistry;
import io.modelhub.routing.Router;
import io.modelhub.api.Bodies;
import io.modelhub.chat.ChatCompletionsEndpoint;
import io.modelhub.chat.ModelCalls;
import io.modelhub.api.Errors;
import io.modelhub.auth.Guard;
import io.modelhub.api.Json;
import io.modelhub.store.Store;
import io.modelhub.usage.HubMetrics;
import io.modelhub.usage.Metering;
import io.modelhub.usage.Usage;
import io.modelhub.usage.UsageWriter;
import io.modelhub.users.Users;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One running hub: builds the shared parts from the configuration (store, catalog, router, limits, metering,
 * keys and authentication) and the areas on them, each of which registers its own routes ({@link Routes} lists
 * them); serves HTTP, and shuts down in order (stop taking requests, finish the ones in flight, flush what must
 * not be lost). The public getters are the parts tests reach into.
 */
public final class Hub implements AutoCloseable {
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);
    private final System.Logger log = System.getLogger("io.modelhub");
    private final HubConfig config;
    private final ObjectMapper json = Json.newMapper();
    private final Errors errors = new Errors(json);
    private final Store store;
    private final CatalogHolder catalog;
    private final LiveCatalog liveCatalog;
    private volatile CatalogEndpoints catalogEndpoints;
    private final Health health;
    private final ProviderRegistry providers;
    private final Router router;
    private final Operations operations;
    private final ModelCalls modelCalls;
    private final ChatCompletionsEndpoint chat;
    private final MoreApis moreApis;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Metering metering = new Metering();
    private final Guard guard;
    private final RedisClient redis;
    private final RevocationBus revocations;
    private final Keys keys;
    private final Budgets budgets;
    private final BucketSource buckets;
    private final Limiter limiter;
    private final KeysEndpoint keysEndpoint;
    private final Pipelines pipelines;
    private final Users users;
    private final Responses responses;
    private final HubMetrics metrics = new HubMetrics();
    private final Usage usage;
    private final HttpLayer http;
    private final Portal portal = new Portal();
    private final AccessLog accessLog;
    private final Tracing tracing;
    private final ResponseCache responseCache;
    private final ConfigReload<io.modelhub.catalog.Catalog> configReload;
    private WebServer server;

    /** A hub whose catalog reload rebuilds from this same configuration (nothing to re-read). */
    public Hub(HubConfig config) {
        this(config, () -> config);
    }

    /**
     * A hub whose {@code POST /v1/catalog/reload} calls {@code reread} to read the configuration again
     * (the same file, environment and flags); it throws {@link io.modelhub.config.ConfigException} when the file is bad.
     */
    public Hub(HubConfig config, Supplier<HubConfig> reread) {
        this.config = config;
        DataDir.prepare(config.dataDir(), config.store().url());
        this.http = new HttpLayer(config.server(), errors, new io.modelhub.messages.AnthropicErrors(json, log));
        this.store = Store.open(config.store().url());
        this.providers = new ProviderRegistry(new io.modelhub.providers.ProviderKind.Context(json, config.sandbox().tokenDelay(),
                io.modelhub.providers.http.ProxyConfig.fromEnv(config.environment())));
        this.catalog = new CatalogHolder(null);
        this.router = new Router(providers, config.routing(), json);
        this.health = router.health();
        this.liveCatalog = new LiveCatalog(config, new CatalogLoader(), catalog, this::catalogChanged, (info, timeout) -> {
            var provider = providers.get(info.id());
            if (provider == null) {
                throw new IllegalStateException("provider " + info.id() + " is not running");
            }
            return provider.listModels(timeout);
        });
        this.catalogEndpoints = new CatalogEndpoints(json, catalog, liveCatalog, health, config.server(), this::reloadConfig);
        this.catalogEndpoints.view();
        this.operations = new Operations(json, () -> !draining.get() && catalog.get() != null && store.reachable());
        KeyStore keyStore = new KeyStore(store);
        String redisUrl = config.env("MODELHUB_REDIS_URL");
        this.redis = redisUrl == null || redisUrl.isBlank() ? null : RedisClient.create(redisUrl);
        this.revocations = redis == null ? new RevocationBus.Local() : new RedisRevocationBus(redis);
        this.keys = new Keys(keyStore, revocations);
        keys.bootstrap(config.env("MODELHUB_ADMIN_KEY"), config.dataDir(), System.out);
        HubTokens tokens = new HubTokens(keys, keyStore);
        this.budgets = new Budgets(keyStore::addSpend, id -> keyStore.find(id).map(KeyRecord::spentUsd).orElse(null), redis);
        this.buckets = redis == null ? new BucketSource.InProcess() : new RedisBucketSource(redis);
        this.limiter = new Limiter(config.limits(), this::limitsOf, budgets, buckets);
        metering.add(budgets);
        metering.add(limiter);
        Bodies bodies = new Bodies(config.server().maxBodyBytes());
        this.keysEndpoint = new KeysEndpoint(json, bodies, keys, tokens, budgets,
                java.time.Duration.ofSeconds(config.auth().tokenTtlSeconds()));
        this.users = new Users(config, store, keys, keysEndpoint, buckets, json, bodies);
        CredentialAuthenticator authenticator = new CredentialAuthenticator(keys, tokens,
                config.auth().oidc() == null ? null : new OidcVerifier(config.auth().oidc()), users.sessions());
        this.guard = new Guard(authenticator);
        this.modelCalls = new ModelCalls(catalog, router, limiter, metering);
        this.responseCache = ResponseCache.create(config.operations().cache(), redis, json, metrics.registry(), keyId -> {
            // The cached key record: a key with "cache": true opts every chat completion of it into the cache.
            KeyRecord k = keys.cached(keyId);
            return k != null && k.cache();
        });
        this.chat = new ChatCompletionsEndpoint(json, bodies, modelCalls, errors, responseCache);
        this.moreApis = new MoreApis(json, bodies, modelCalls, errors, log);
        // One reload for the endpoint, the file watcher and SIGHUP: the catalog is rebuilt first (it refuses a
        // configuration it cannot use, changing nothing), then routing and limits take the new settings.
        this.configReload = new ConfigReload<>(reread, next -> {
            io.modelhub.catalog.Catalog built = liveCatalog.reload(next);
            router.reconfigure(next.routing());
            limiter.reconfigure(next.limits());
            return built;
        });
        this.pipelines = new Pipelines(config, store, catalog, router, metering, json, errors, limiter);
        this.responses = new Responses(json, bodies, modelCalls, store, catalog);
        this.usage = new Usage(config, store, json, metrics);
        if (usage.writer() != null) {
            metering.add(usage.writer());
        }
        metering.add(metrics);
        this.tracing = Tracing.create(config.operations().telemetry());
        if (tracing != null) {
            router.traceAttempts(new AttemptSpans(tracing.tracer()));
            metering.add(tracing);
        }
        this.accessLog = AccessLog.open(config.operations().logging(), json);
        if (accessLog != null) {
            metering.add(accessLog);
        }
        metrics.breakerStates(this::breakerStates);
        router.observeFailures(metrics::upstreamFailed);
        metrics.connectionGates(providers::connectionGates);
    }

    /** Every new catalog snapshot: providers follow it, and its answers are prepared off the request path. */
    private void catalogChanged(io.modelhub.catalog.Catalog next) {
        providers.sync(next);
        CatalogEndpoints endpoints = catalogEndpoints;
        if (endpoints != null) {
            endpoints.view();
        }
    }

    /** Starts serving; returns once the port is bound. */
    public Hub start() {
        if (config.server().port() != 0) {
            // Say so before anything else starts: Helidon would log the failure with a stack trace and carry on.
            String busy = cannotListen();
            if (busy != null) {
                throw new HubStartException(busy, 1);
            }
        }
        liveCatalog.start();
        var builder = WebServer.builder();
        http.configure(builder);
        server = builder
                .host(config.server().host())
                .port(config.server().port())
                // A burst of new connections (thousands of streams opened at once) must wait in the accept
                // queue, not be dropped: a dropped SYN costs the client a 1 s retransmit before its first token.
                // Helidon's default is 1024; the kernel caps it at net.core.somaxconn.
                .backlog(16384)
                // Helidon leaves Nagle on by default: a streamed chunk written while the previous one is
                // unacknowledged would wait for the client's delayed ACK (up to 40 ms).
                .connectionOptions(o -> o.tcpNoDelay(true))
                // In-flight requests (long streams included) get this long to finish on shutdown.
                .shutdownGracePeriod(SHUTDOWN_GRACE)
                // close() is the one shutdown path (ModelHub.Serve's hook calls it): it must stop the server
                // before it flushes usage and closes the store, so Helidon's own hook stays off.
                .shutdownHook(false)
                .routing(r -> Routes.register(r, this))
                .build()
                .start();
        if (!server.isRunning()) {
            String why = cannotListen();
            throw new HubStartException(why == null ? "cannot listen on " + config.server().host() + ":" + config.server().port() : why, 1);
        }
        return this;
    }

    /** Why the configured address cannot be listened on (the port is taken, the host is not ours), or null when it can. */
    private String cannotListen() {
        String host = config.server().host();
        int port = config.server().port();
        try (var probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(host, port));
            return null;
        } catch (java.net.BindException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            return m.contains("in use") ? "port " + port + " is in use"
                    : "cannot listen on " + host + ":" + port + " (" + m + ")";
        } catch (java.io.IOException | RuntimeException e) {
            return "cannot listen on " + host + ":" + port + " (" + e.getMessage() + ")";
        }
    }

    /** The port actually bound (useful when the configuration asked for 0). */
    public int port() {
        return server.port();
    }

    /**
     * Stops in the order that loses nothing: the server stops taking requests and lets the ones in
     * flight finish (their usage records are queued as they end), the usage writer writes everything
     * queued, and only then do the providers and the store close.
     */
    @Override
    public void close() {
        draining.set(true);
        configReload.close();
        if (server != null) {
            server.stop();
        }
        usage.close();
        if (accessLog != null) {
            accessLog.close();
        }
        liveCatalog.close();
        responseCache.close();
        if (tracing != null) {
            tracing.close();
        }
        providers.close();
        keys.close();
        budgets.close();
        buckets.close();
        revocations.close();
        if (redis != null) {
            redis.shutdown();
        }
        store.close();
        metrics.close();
        http.close();
    }

    /** Breaker states by offering key, as the metrics show them. */
    private Map<String, String> breakerStates() {
        Map<String, String> out = new HashMap<>();
        router.breakerStates().forEach((offering, state) -> out.put(offering, state.wireName()));
        return out;
    }

    /** A caller's limits from the cached key (external callers and portal sessions get the configured defaults). */
    private KeyLimits limitsOf(Principal caller) {
        if (caller.kind() == Principal.CredentialKind.EXTERNAL_TOKEN || caller.kind() == Principal.CredentialKind.SESSION) {
            return KeyLimits.UNLIMITED;
        }
        KeyRecord k = keys.cached(caller.keyId());
        if (k == null) {
            k = keys.live(caller.keyId(), System.currentTimeMillis());
        }
        return new KeyLimits(k.rpm(), k.tpm(), k.budgetUsd(), k.spentUsd());
    }

    public Keys keys() {
        return keys;
    }

    public Store store() {
        return store;
    }

    /** The HTTP layer below routing (limits, timeouts, HTTP-layer errors). */
    HttpLayer httpLayer() {
        return http;
    }

    public HubConfig config() {
        return config;
    }

    public CatalogHolder catalog() {
        return catalog;
    }

    public Metering metering() {
        return metering;
    }

    /** The Prometheus meters; other parts register their own meters on {@code metrics().registry()}. */
    public HubMetrics metrics() {
        return metrics;
    }

    /** The background usage writer, or null when {@code usage.enabled} is false. */
    public UsageWriter usageWriter() {
        return usage.writer();
    }

    /** Re-reads and installs the configuration; throws {@link io.modelhub.config.ConfigException}, changing nothing, when it is invalid. */
    private io.modelhub.catalog.Catalog reloadConfig() {
        return configReload.reload();
    }

    /**
     * Hot reload: also re-reads {@code file} whenever it changes (null: no file to watch) and, with
     * {@code onHangup}, on {@code SIGHUP}.
     */
    public Hub reloadOnChange(java.nio.file.Path file, boolean onHangup) {
        configReload.watch(file);
        if (onHangup) {
            configReload.onHangup();
        }
        return this;
    }

    /** Tracing, or null when no OTLP endpoint is configured. */
    public Tracing tracing() {
        return tracing;
    }

    /** The access log, or null when {@code logging.access} is off. */
    AccessLog accessLog() {
        return accessLog;
    }

    /** Measured provider status and offering stats (kept by the router), as the catalog endpoints show them. */
    public Health health() {
        return health;
    }

    /** Routes chat completions; also exposes its circuit-breaker states for metrics. */
    public Router router() {
        return router;
    }

    public LiveCatalog liveCatalog() {
        return liveCatalog;
    }

    // What Routes needs: the error writer, the guard, and each area, which registers its own routes.

    Errors errors() {
        return errors;
    }

    Guard guard() {
        return guard;
    }

    System.Logger log() {
        return log;
    }

    Operations operations() {
        return operations;
    }

    CatalogEndpoints catalogEndpoints() {
        return catalogEndpoints;
    }

    ChatCompletionsEndpoint chat() {
        return chat;
    }

    KeysEndpoint keysEndpoint() {
        return keysEndpoint;
    }

    Pipelines pipelines() {
        return pipelines;
    }

    Usage usage() {
        return usage;
    }

    Users users() {
        return users;
    }

    Portal portal() {
        return portal;
    }

    /** Anthropic Messages, embeddings and legacy completions (API.md section 10). */
    MoreApis moreApis() {
        return moreApis;
    }

    /** The Responses API ({@code /v1/responses} and the stored responses). */
    Responses responses() {
        return responses;
    }
}
