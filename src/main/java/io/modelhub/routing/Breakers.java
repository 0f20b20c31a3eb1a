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
 * (400, 422...) has answered, which counts as success.
 */
public final class Breakers implements CallListener {
    private final HubConfig.Breaker config;
    private final int windowCalls;
    private final LongSupplier nanoClock;
    private final Map<String, Entry> byKey = new ConcurrentHashMap<>();

    private record Entry(String providerId, CircuitBreaker breaker) {}

    public Breakers(HubConfig.Breaker config, int windowCalls, LongSupplier nanoClock) {
        this.config = config;
        this.windowCalls = windowCalls;
        this.nanoClock = nanoClock;
    }

    public CircuitBreaker of(Offering offering) {
        return byKey.computeIfAbsent(offering.key(),
                k -> new Entry(offering.providerId(), new CircuitBreaker(config, windowCalls, nanoClock))).breaker();
    }

    /** The state of every breaker created so far, by offering key ({@code provider|model}), sorted. */
    public Map<String, CircuitBreaker.State> states() {
        Map<String, CircuitBreaker.State> out = new TreeMap<>();
        byKey.forEach((k, e) -> out.put(k, e.breaker().state()));
        return out;
    }

    /** The states of one provider's breakers. */
    Iterable<CircuitBreaker.State> statesOf(String providerId) {
        return byKey.values().stream().filter(e -> e.providerId().equals(providerId)).map(e -> e.breaker().state()).toList();
    }

    @Override
    public void succeeded(Offering offering, long firstEventNanos, long completionTokens, long generationNanos) {
        of(offering).success();
    }

    @Override
    public void failed(Offering offering, UpstreamException e) {
        if (e.retryable()) {
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
