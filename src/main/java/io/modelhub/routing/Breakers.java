package io.modelhub.routing;

import io.modelhub.catalog.Offering;
import io.modelhub.config.HubConfig;
import io.modelhub.providers.UpstreamException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * One {@link CircuitBreaker} per offering, created on first use and fed by every call's outcome. Only
 * failures that say something about the upstream count: an upstream that rejects the request itself
 * (400, 422...) has answered, which counts as success; a call the hub's connection limit refused was
 * never sent, which counts as nothing.
 */
public final class Breakers implements CallListener {
    private final HubConfig.Breaker config;
    private final int windowCalls;
    private final LongSupplier nanoClock;
    // provider id -> model id -> breaker: looking one up allocates nothing (no "provider|model" string per call).
    private final Map<String, Map<String, CircuitBreaker>> byProvider = new ConcurrentHashMap<>();

    public Breakers(HubConfig.Breaker config, int windowCalls, LongSupplier nanoClock) {
        this.config = config;
        this.windowCalls = windowCalls;
        this.nanoClock = nanoClock;
    }

    public CircuitBreaker of(Offering offering) {
        Map<String, CircuitBreaker> ofProvider = byProvider.get(offering.providerId());
        CircuitBreaker b = ofProvider == null ? null : ofProvider.get(offering.modelId());
        if (b != null) {
            return b;
        }
        return byProvider.computeIfAbsent(offering.providerId(), k -> new ConcurrentHashMap<>())
                .computeIfAbsent(offering.modelId(), k -> new CircuitBreaker(config, windowCalls, nanoClock));
    }

    /** The state of every breaker created so far, by offering key ({@link Offering#key()}), sorted. */
    public Map<String, CircuitBreaker.State> states() {
        Map<String, CircuitBreaker.State> out = new TreeMap<>();
        byProvider.forEach((provider, models) -> models.forEach((model, b) -> out.put(provider + "|" + model, b.state())));
        return out;
    }

    /** The states of one provider's breakers. */
    Iterable<CircuitBreaker.State> statesOf(String providerId) {
        Map<String, CircuitBreaker> ofProvider = byProvider.get(providerId);
        return ofProvider == null ? java.util.List.of() : ofProvider.values().stream().map(CircuitBreaker::state).toList();
    }

    @Override
    public void succeeded(Offering offering, long firstEventNanos, long completionTokens, long generationNanos) {
        of(offering).success();
    }

    @Override
    public void failed(Offering offering, UpstreamException e) {
        if (e.kind() == UpstreamException.Kind.BUSY) {
            // The hub shed the call before sending it: the upstream is not to blame (a half-open probe is given back).
            of(offering).release();
        } else if (e.retryable()) {
            of(offering).failure();
        } else {
            of(offering).success();
        }
    }

    @Override
    public void abandoned(Offering offering) {
        of(offering).release();
    }
}
