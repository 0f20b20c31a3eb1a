package io.modelhub;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import io.modelhub.auth.BootstrapKeyAuthenticator;
import io.modelhub.catalog.CatalogHolder;
import io.modelhub.catalog.CatalogLoader;
import io.modelhub.config.HubConfig;
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
    private final ProviderRegistry providers;
    private final Router router;
    private final HealthEndpoint health;
    private final OpenApiEndpoint openApi;
    private final ChatCompletionsEndpoint chat;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Metering metering = new Metering();
    private final Guard guard;
    private WebServer server;

    public Hub(HubConfig config) {
        this.config = config;
        this.store = Store.open(config.store().url());
        this.catalog = new CatalogHolder(new CatalogLoader().load(config));
        this.providers = new ProviderRegistry(json, config.sandbox().tokenDelay());
        this.providers.sync(catalog.get());
        this.router = new Router(providers, config.routing());
        this.health = new HealthEndpoint(() -> !draining.get() && catalog.get() != null && store.reachable());
        this.openApi = new OpenApiEndpoint(json);
        this.guard = new Guard(new BootstrapKeyAuthenticator(config.env("MODELHUB_ADMIN_KEY")));
        this.chat = new ChatCompletionsEndpoint(json, new Bodies(config.server().maxBodyBytes()), catalog, router, errors, metering);
    }

    /** Starts serving; returns once the port is bound. */
    public Hub start() {
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

    public HealthEndpoint health() {
        return health;
    }

    public OpenApiEndpoint openApi() {
        return openApi;
    }

    public ChatCompletionsEndpoint chat() {
        return chat;
    }

    public System.Logger log() {
        return log;
    }
}
