package io.modelhub.usage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelhub.providers.ConnectionGate;
import io.modelhub.providers.UpstreamException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The hub's Prometheus meters. Counts every metered call as a {@link UsageListener} (calls, latency and
 * time-to-first-token histograms, tokens and cost per model and provider, failed calls per provider and
 * error type), counts failed upstream attempts the router reports, and shows circuit-breaker states read
 * from whoever owns the breakers, and the connection limits' slots in use, waiters and refusals. Meters are resolved once
 * per model and provider and cached, so a call costs a map lookup and a few additions.
 */
public final class HubMetrics implements UsageListener, AutoCloseable {
    /** Histogram buckets for inference latency: from fast cached answers to long generations. */
    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120)};
    private static final String NONE = "none";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<CallKey, CallMeters> calls = new ConcurrentHashMap<>();
    private final Map<CallKey, Counter> failures = new ConcurrentHashMap<>();
    private final Map<CallKey, Counter> upstreamErrors = new ConcurrentHashMap<>();
    private final MultiGauge breakers;
    private final MultiGauge connectionsInFlight;
    private final MultiGauge connectionsQueued;
    private final MultiGauge connectionsMax;
    private final Map<String, Counter> connectionsRefused = new ConcurrentHashMap<>();
    private volatile Supplier<Map<String, ConnectionGate.Bounded>> connectionGates = Map::of;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private volatile Supplier<Map<String, String>> breakerStates = Map::of;

    private record CallKey(String a, String b) {}

    private record CallMeters(Counter ok, Counter failed, Counter disconnected, Timer latency, Timer ttft,
                              Counter promptTokens, Counter completionTokens, Counter cost) {}

    public HubMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        gc.bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        breakers = MultiGauge.builder("modelhub.circuit.breaker.state")
                .description("1 for the state each circuit breaker is in").register(registry);
        connectionsInFlight = MultiGauge.builder("modelhub.upstream.connections.in_flight")
                .description("Upstream exchanges in flight, per provider with a connection limit").register(registry);
        connectionsQueued = MultiGauge.builder("modelhub.upstream.connections.queued")
                .description("Calls waiting for a connection slot, per provider with a connection limit").register(registry);
        connectionsMax = MultiGauge.builder("modelhub.upstream.connections.max")
                .description("The connection limit (most upstream exchanges in flight at once), per provider that has one").register(registry);
    }

    /** Tells the metrics where to read, at each scrape, the connection gates of the providers that have a limit. */
    public void connectionGates(Supplier<Map<String, ConnectionGate.Bounded>> gates) {
        this.connectionGates = gates;
    }

    /** Where other parts of the hub register their own meters. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Tells the metrics where to read circuit-breaker states at each scrape: breaker name (e.g. an
     * offering key) to state name (e.g. {@code closed}, {@code open}, {@code half_open}).
     */
    public void breakerStates(Supplier<Map<String, String>> states) {
        this.breakerStates = states;
    }

    @Override
    public void onUsage(UsageRecord r) {
        String provider = r.provider() == null ? NONE : r.provider();
        CallMeters m = calls.computeIfAbsent(new CallKey(r.model(), provider), this::callMeters);
        boolean disconnected = "client_disconnected".equals(r.errorType());
        if (disconnected) {
            m.disconnected.increment();
        } else if (r.errorType() != null) {
            m.failed.increment();
            failures.computeIfAbsent(new CallKey(provider, r.errorType()), this::failureCounter).increment();
        } else {
            m.ok.increment();
        }
        m.latency.record(r.latencyMs(), TimeUnit.MILLISECONDS);
        if (r.ttftMs() != null) {
            m.ttft.record(r.ttftMs(), TimeUnit.MILLISECONDS);
        }
        if (r.promptTokens() > 0) {
            m.promptTokens.increment(r.promptTokens());
        }
        if (r.completionTokens() > 0) {
            m.completionTokens.increment(r.completionTokens());
        }
        if (r.costUsd() != null && r.costUsd() > 0) {
            m.cost.increment(r.costUsd());
        }
    }

    private CallMeters callMeters(CallKey k) {
        Tags tags = Tags.of("model", k.a(), "provider", k.b());
        return new CallMeters(
                calls(tags, "ok"), calls(tags, "error"), calls(tags, "client_disconnected"),
                Timer.builder("modelhub.inference.duration").description("Inference calls from request to last byte")
                        .tags(tags).serviceLevelObjectives(LATENCY_BUCKETS).register(registry),
                Timer.builder("modelhub.inference.ttft").description("Streamed inference calls from request to first token")
                        .tags(tags).serviceLevelObjectives(LATENCY_BUCKETS).register(registry),
                Counter.builder("modelhub.tokens").description("Tokens metered").tags(tags).tag("type", "prompt").register(registry),
                Counter.builder("modelhub.tokens").description("Tokens metered").tags(tags).tag("type", "completion").register(registry),
                Counter.builder("modelhub.cost.usd").description("Cost of inference calls in USD at the offerings' prices")
                        .tags(tags).register(registry));
    }

    private Counter calls(Tags tags, String outcome) {
        return Counter.builder("modelhub.inference.calls").description("Inference calls by outcome")
                .tags(tags).tag("outcome", outcome).register(registry);
    }

    private Counter failureCounter(CallKey k) {
        return Counter.builder("modelhub.inference.errors")
                .description("Inference calls that ended in an error, by the provider that answered (none if none did) and API error type")
                .tag("provider", k.a()).tag("type", k.b()).register(registry);
    }

    /**
     * Counts one failed upstream attempt, also one that a fallback then made good. {@code kind} is
     * {@code connection}, {@code timeout}, {@code protocol}, or {@code http_<status>} for an error status.
     */
    public void upstreamFailed(String providerId, UpstreamException e) {
        String kind = e.kind() == UpstreamException.Kind.STATUS
                ? "http_" + e.status()
                : e.kind().name().toLowerCase(java.util.Locale.ROOT);
        upstreamErrors.computeIfAbsent(new CallKey(providerId, kind), k -> Counter.builder("modelhub.upstream.errors")
                .description("Failed upstream attempts (fallbacks included) by provider and kind")
                .tag("provider", k.a()).tag("kind", k.b()).register(registry)).increment();
        if (e.kind() == UpstreamException.Kind.BUSY) {
            // Counted here rather than in the gate: a reload replaces the gate, the count must go on.
            connectionsRefused.computeIfAbsent(providerId, id -> Counter.builder("modelhub.upstream.connections.rejected")
                    .description("Calls refused by a provider's connection limit (queue full or no slot in time), fallbacks included")
                    .tag("provider", id).register(registry)).increment();
        }
    }

    /** Unhooks the GC listeners (several hubs may live and die in one JVM, as in tests). */
    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    /** The Prometheus text exposition of every meter, breaker states read now. */
    public String scrape() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        Map<String, String> states;
        try {
            states = breakerStates.get();
        } catch (RuntimeException e) {
            states = Map.of();
        }
        states.forEach((breaker, state) -> rows.add(MultiGauge.Row.of(Tags.of("breaker", breaker, "state", state), 1)));
        breakers.register(rows, true);
        Map<String, ConnectionGate.Bounded> gates;
        try {
            gates = connectionGates.get();
        } catch (RuntimeException e) {
            gates = Map.of();
        }
        List<MultiGauge.Row<?>> inFlight = new ArrayList<>();
        List<MultiGauge.Row<?>> queued = new ArrayList<>();
        List<MultiGauge.Row<?>> max = new ArrayList<>();
        gates.forEach((provider, g) -> {
            Tags tags = Tags.of("provider", provider);
            inFlight.add(MultiGauge.Row.of(tags, g.inFlight()));
            queued.add(MultiGauge.Row.of(tags, g.queued()));
            max.add(MultiGauge.Row.of(tags, g.max()));
        });
        connectionsInFlight.register(inFlight, true);
        connectionsQueued.register(queued, true);
        connectionsMax.register(max, true);
        return registry.scrape();
    }
}
