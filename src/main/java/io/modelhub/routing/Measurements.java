package io.modelhub.routing;

import io.modelhub.catalog.Offering;
import io.modelhub.catalog.OfferingStats;
import io.modelhub.providers.UpstreamException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the hub measures of each offering over its last calls (a sliding window of
 * {@code routing.window_calls}): p50 latency to the first token, p50 output tokens per second and the
 * success rate. Calls the upstream rejected as the client's fault are not counted.
 */
public final class Measurements implements CallListener {
    private final int windowCalls;
    // provider id -> model id -> window: a lookup allocates nothing.
    private final Map<String, Map<String, StatsWindow>> byProvider = new ConcurrentHashMap<>();

    public Measurements(int windowCalls) {
        this.windowCalls = windowCalls;
    }

    /** The offering's stats; {@link OfferingStats#NONE} when it has not been called yet. */
    public OfferingStats of(Offering offering) {
        Map<String, StatsWindow> ofProvider = byProvider.get(offering.providerId());
        StatsWindow w = ofProvider == null ? null : ofProvider.get(offering.modelId());
        return w == null ? OfferingStats.NONE : w.summary();
    }

    /** The lowest success rate among the provider's offerings with at least {@code minCalls} calls; 1 if none. */
    double lowestSuccessRate(String providerId, int minCalls) {
        double lowest = 1.0;
        Map<String, StatsWindow> ofProvider = byProvider.get(providerId);
        if (ofProvider != null) {
            for (StatsWindow w : ofProvider.values()) {
                OfferingStats s = w.summary();
                if (s.calls() >= minCalls) {
                    lowest = Math.min(lowest, s.successRate());
                }
            }
        }
        return lowest;
    }

    private StatsWindow window(Offering offering) {
        return byProvider.computeIfAbsent(offering.providerId(), k -> new ConcurrentHashMap<>())
                .computeIfAbsent(offering.modelId(), k -> new StatsWindow(windowCalls));
    }

    @Override
    public void succeeded(Offering offering, long firstEventNanos, long completionTokens, long generationNanos) {
        double tps = completionTokens > 0 && generationNanos > 0 ? completionTokens * 1e9 / generationNanos : Double.NaN;
        window(offering).success(firstEventNanos / 1e6, tps);
    }

    @Override
    public void failed(Offering offering, UpstreamException e) {
        // A call refused by the hub's connection limit never reached the upstream: nothing to measure.
        if (e.retryable() && e.kind() != UpstreamException.Kind.BUSY) {
            window(offering).failure();
        }
    }

    @Override
    public void abandoned(Offering offering) {
        // the client left: says nothing about the upstream
    }
}
