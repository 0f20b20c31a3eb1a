package io.modelhub.routing;

import io.modelhub.catalog.Offering;
import io.modelhub.catalog.OfferingStats;
import io.modelhub.config.HubConfig;
import java.util.Locale;

/**
 * How offerings are ranked: by a score, lower is better. Sorting is stable, so ties keep their
 * configuration order. Offerings never measured score best under {@code latency} and
 * {@code throughput}, so that each one gets measured instead of never being tried.
 */
enum Policy {
    PRIORITY, PRICE, LATENCY, THROUGHPUT;

    static Policy of(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** Whether this policy reorders at all ({@code priority} keeps the configuration order). */
    boolean ranks() {
        return this != PRIORITY;
    }

    double score(Offering offering, OfferingStats stats) {
        return switch (this) {
            case PRIORITY -> 0;
            // No pricing means the price is not known (a local server's is 0): such offerings rank after every priced one.
            case PRICE -> price(offering.pricing());
            case LATENCY -> stats.p50LatencyMs() > 0 ? stats.p50LatencyMs() : Double.NEGATIVE_INFINITY;
            case THROUGHPUT -> stats.tokensPerSecond() > 0 ? -stats.tokensPerSecond() : Double.NEGATIVE_INFINITY;
        };
    }

    private static double price(HubConfig.Pricing p) {
        return p == null ? Double.MAX_VALUE : p.inputPerMtok() + p.outputPerMtok();
    }
}
