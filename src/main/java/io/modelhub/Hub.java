package io.modelhub;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import io.modelhub.auth.BootstrapKeyAuthenticator;
import io.modelhub.catalog.CatalogEndpoints;
import io.modelhub.catalog.CatalogHolder;
import io.modelhub.catalog.CatalogLoader;
import io.modelhub.catalog.Health;
import io.modelhub.catalog.LiveCatalog;
import io.modelhub.config.HubConfig;
import io.modelhub.pipelines.Pipelines;
import io.modelhub.providers.ProviderRegistry;
import io.modelhub.routing.Router;
import io.modelhub.server.Bodies;
import io.modelhub.server.ChatCompletionsEndpoint;
import io.modelhub.server.Errors;
import io.modelhub.server.Guard;
import io.modelhub.usage.Metering;
import io.modelhub.server.HealthEndpoint;
import io.modelhub.server.Json;
import io.modelhub.server.OpenApiEndpoint;
import io.modelhub.server.Routes;
import io.modelhub.store.Store;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One running hub: builds every part from the configuration, serves HTTP, and shuts down in order
 * (stop taking requests, finish the ones in flight, flush what must not be lost).
 */
public final class Hub implements AutoCloseable {
    private final System.Logger log = System.getLogger("io.modelhub");
    private final HubConfig config;
    private final ObjectMapper json = Json.newMapper();
    private final Errors errors = new Errors(json);
    private final Store store;
    private final CatalogHolder catalog;
    private final LiveCatalog liveCatalog;
    private volatile CatalogEndpoints catalogEndpoints;
    private final Health health = Health.UNMEASURED;
    private final ProviderRegistry providers;
    private final Router router;
    private final HealthEndpoint healthEndpoint;
    private final OpenApiEndpoint openApi;
    private final ChatCompletionsEndpoint chat;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Metering metering = new Metering();
    private final Guard guard;
    private final Pipelines pipelines;
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
        this.store = Store.open(config.store().url());
        this.providers = new ProviderRegistry(json, config.sandbox().tokenDelay());
        this.catalog = new CatalogHolder(null);
        this.liveCatalog = new LiveCatalog(config, new CatalogLoader(), catalog, this::catalogChanged, (info, timeout) -> {
            var provider = providers.get(info.id());
            if (provider == null) {
                throw new IllegalStateException("provider " + info.id() + " is not running");
            }
            return provider.listModels(timeout);
        });
        this.catalogEndpoints = new CatalogEndpoints(json, catalog, liveCatalog, health, config.server(), reread);
        this.catalogEndpoints.view();
        this.router = new Router(providers, config.routing());
        this.healthEndpoint = new HealthEndpoint(() -> !draining.get() && catalog.get() != null && store.reachable());
        this.openApi = new OpenApiEndpoint(json);
        this.guard = new Guard(new BootstrapKeyAuthenticator(config.env("MODELHUB_ADMIN_KEY")));
        this.chat = new ChatCompletionsEndpoint(json, new Bodies(config.server().maxBodyBytes()), catalog, router, errors, metering);
        this.pipelines = new Pipelines(config, store, catalog, router, metering, json, errors);
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
        liveCatalog.start();
        server = WebServer.builder()
                .host(config.server().host())
                .port(config.server().port())
                .maxPayloadSize(-1)
                .routing(r -> Routes.register(r, this))
                .build()
                .start();
        return this;
    }

    /** The port actually bound (useful when the configuration asked for 0). */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        draining.set(true);
        if (server != null) {
            server.stop();
        }
        liveCatalog.close();
        providers.close();
        store.close();
    }

    public Store store() {
        return store;
    }

    public HubConfig config() {
        return config;
    }

    public ObjectMapper json() {
        return json;
    }

    public Errors errors() {
        return errors;
    }

    public CatalogHolder catalog() {
        return catalog;
    }

    public Guard guard() {
        return guard;
    }

    public Metering metering() {
        return metering;
    }

    public HealthEndpoint healthEndpoint() {
        return healthEndpoint;
    }

    /** Measured provider status and offering stats, as the catalog endpoints show them. */
    public Health health() {
        return health;
    }

    public LiveCatalog liveCatalog() {
        return liveCatalog;
    }

    public CatalogEndpoints catalogEndpoints() {
        return catalogEndpoints;
    }

    public OpenApiEndpoint openApi() {
        return openApi;
    }

    public ChatCompletionsEndpoint chat() {
        return chat;
    }

    public Pipelines pipelines() {
        return pipelines;
    }

    public System.Logger log() {
        return log;
    }
}
