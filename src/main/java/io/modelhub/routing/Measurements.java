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
    private final Map<String, StatsWindow> byKey = new ConcurrentHashMap<>();
    private final Map<String, String> providerOf = new ConcurrentHashMap<>();

    public Measurements(int windowCalls) {
        this.windowCalls = windowCalls;
    }

    /** The offering's stats; {@link OfferingStats#NONE} when it has not been called yet. */
    public OfferingStats of(Offering offering) {
        StatsWindow w = byKey.get(offering.key());
        return w == null ? OfferingStats.NONE : w.summary();
    }

    /** The lowest success rate among the provider's offerings with at least {@code minCalls} calls; 1 if none. */
    double lowestSuccessRate(String providerId, int minCalls) {
        double lowest = 1.0;
        for (Map.Entry<String, StatsWindow> e : byKey.entrySet()) {
            OfferingStats s = e.getValue().summary();
            if (providerId.equals(providerOf.get(e.getKey())) && s.calls() >= minCalls) {
                lowest = Math.min(lowest, s.successRate());
            }
        }
        return lowest;
    }

    private StatsWindow window(Offering offering) {
        return byKey.computeIfAbsent(offering.key(), k -> {
            providerOf.put(k, offering.providerId());
            return new StatsWindow(windowCalls);
        });
    }

    @Override
    public void succeeded(Offering offering, long firstEventNanos, long completionTokens, long generationNanos) {
        double tps = completionTokens > 0 && generationNanos > 0 ? completionTokens * 1e9 / generationNanos : Double.NaN;
        window(offering).success(firstEventNanos / 1e6, tps);
    }

    @Override
    public void failed(Offering offering, UpstreamException e) {
        if (e.retryable()) {
            window(offering).failure();
        }
    }

    @Override
    public void abandoned(Offering offering) {
        // the client left: says nothing about the upstream
    }
}
