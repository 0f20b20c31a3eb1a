package io.modelhub.catalog;

import io.modelhub.config.HubConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Keeps the catalog in force up to date: builds it from the configuration, lists the models of every
 * provider marked {@code discover: true} at start and then periodically (each on its own virtual thread,
 * with a bounded wait), rebuilds it on reload, and hands every new snapshot to {@code onChange} (the
 * provider registry). A provider whose listing fails keeps its last list and is reported degraded.
 */
public final class LiveCatalog implements AutoCloseable {
    /** Lists one provider's models; implemented by the provider layer. */
    @FunctionalInterface
    public interface Lister {
        List<DiscoveredModel> list(ProviderInfo provider, Duration timeout) throws Exception;
    }

    /** What the last discovery of one provider found: status, times (epoch ms), error and number of models. */
    public record DiscoveryState(ProviderStatus status, long lastAttempt, long lastSuccess, String error, int models) {}

    private final System.Logger log = System.getLogger("io.modelhub.catalog");
    private final CatalogLoader loader;
    private final CatalogHolder holder;
    private final Consumer<Catalog> onChange;
    private final Lister lister;
    private final long created = System.currentTimeMillis() / 1000;
    private final Map<String, List<DiscoveredModel>> discovered = new ConcurrentHashMap<>();
    private final Map<String, DiscoveryState> states = new ConcurrentHashMap<>();
    private volatile HubConfig config;
    private volatile Thread loop;

    /** Builds the first catalog (without discovery) into {@code holder} and tells {@code onChange}. */
    public LiveCatalog(HubConfig config, CatalogLoader loader, CatalogHolder holder, Consumer<Catalog> onChange, Lister lister) {
        this.config = config;
        this.loader = loader;
        this.holder = holder;
        this.onChange = onChange;
        this.lister = lister;
        rebuild();
    }

    /**
     * Runs one discovery round, waiting for it at most the discovery timeout (plus a little), then keeps
     * discovering every {@code catalog.discovery_interval_seconds} on a virtual thread until closed.
     */
    public LiveCatalog start() {
        discoverNow();
        loop = Thread.ofVirtual().name("catalog-discovery").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    // Read each time: a reload may have changed the interval.
                    Thread.sleep(config.catalog().discoveryInterval());
                } catch (InterruptedException e) {
                    return;
                }
                discoverNow();
            }
        });
        return this;
    }

    /**
     * Lists every discovering provider in parallel and rebuilds the catalog once with what was found (if
     * anything changed). Returns when all have answered or the discovery timeout has passed; a provider
     * answering later rebuilds the catalog itself.
     */
    public void discoverNow() {
        Duration timeout = config.catalog().discoveryTimeout();
        Round round = new Round();
        List<Thread> running = new ArrayList<>();
        for (ProviderInfo p : holder.get().providers()) {
            if (p.discover()) {
                running.add(Thread.ofVirtual().name("discover-" + p.id()).start(() -> discover(p, timeout, round)));
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.MILLISECONDS.toNanos(250);
        try {
            for (Thread t : running) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            round.waiting.set(false);
            if (round.changed.get()) {
                rebuild();
            }
        }
    }

    /** One discovery round: while someone waits for it, answers are gathered and the catalog rebuilt once at the end. */
    private static final class Round {
        final AtomicBoolean waiting = new AtomicBoolean(true);
        final AtomicBoolean changed = new AtomicBoolean();
    }

    private void discover(ProviderInfo p, Duration timeout, Round round) {
        long now = System.currentTimeMillis();
        DiscoveryState before = states.get(p.id());
        boolean changed;
        try {
            List<DiscoveredModel> found = List.copyOf(lister.list(p, timeout));
            changed = !found.equals(discovered.put(p.id(), found)) || before == null || before.status() != ProviderStatus.HEALTHY;
            states.put(p.id(), new DiscoveryState(ProviderStatus.HEALTHY, now, System.currentTimeMillis(), null, found.size()));
        } catch (Exception e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            log.log(System.Logger.Level.WARNING, "discovery of provider " + p.id() + " failed, keeping its last list: " + why);
            // The list is unchanged, so the catalog needs no rebuild: the status is read live by the endpoints.
            changed = false;
            states.put(p.id(), new DiscoveryState(ProviderStatus.DEGRADED, now, before == null ? 0 : before.lastSuccess(), why,
                    discovered.getOrDefault(p.id(), List.of()).size()));
        }
        if (changed) {
            round.changed.set(true);
            if (!round.waiting.get()) {
                rebuild();
            }
        }
    }

    /**
     * Replaces the configuration (after {@code POST /v1/catalog/reload}), rebuilds the catalog and runs a
     * discovery round. The catalog is built before anything changes, so a configuration the catalog cannot
     * use throws {@link io.modelhub.config.ConfigException} and leaves everything as it was.
     */
    public Catalog reload(HubConfig next) {
        synchronized (this) {
            Catalog built = loader.load(next, Map.copyOf(discovered), created);
            config = next;
            install(built);
        }
        // Outside the lock: each provider's discovery rebuilds the catalog when it answers.
        discoverNow();
        return holder.get();
    }

    private synchronized void rebuild() {
        install(loader.load(config, Map.copyOf(discovered), created));
    }

    private void install(Catalog catalog) {
        // Lists and states of providers that left the catalog (or stopped discovering) are forgotten.
        discovered.keySet().removeIf(id -> catalog.provider(id) == null || !catalog.provider(id).discover());
        states.keySet().removeIf(id -> catalog.provider(id) == null || !catalog.provider(id).discover());
        holder.set(catalog);
        onChange.accept(catalog);
    }

    /** The last discovery of this provider, or null if it does not discover or has not been tried yet. */
    public DiscoveryState discovery(String providerId) {
        return states.get(providerId);
    }

    /** HEALTHY unless the provider's last discovery failed. */
    public ProviderStatus discoveryStatus(String providerId) {
        DiscoveryState s = states.get(providerId);
        return s == null ? ProviderStatus.HEALTHY : s.status();
    }

    /** The configuration the catalog was last built from. */
    public HubConfig config() {
        return config;
    }

    @Override
    public void close() {
        Thread t = loop;
        if (t != null) {
            t.interrupt();
        }
    }
}
