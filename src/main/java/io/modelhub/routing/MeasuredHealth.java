package io.modelhub.routing;

import io.modelhub.catalog.Health;
import io.modelhub.catalog.Offering;
import io.modelhub.catalog.OfferingStats;
import io.modelhub.catalog.ProviderStatus;

/**
 * Provider status and offering stats as the router has measured them. A provider is {@code down} when
 * every offering of it that has been called has its breaker open (or probing), {@code degraded} when
 * some have, or when an offering's recent success rate is below {@link #DEGRADED_BELOW}, else
 * {@code healthy} (also when nothing has been measured yet).
 */
public final class MeasuredHealth implements Health {
    /** Success rate under which a provider is shown as degraded, once an offering has enough calls to tell. */
    static final double DEGRADED_BELOW = 0.9;
    private static final int ENOUGH_CALLS = 5;

    private final Breakers breakers;
    private final Measurements measurements;

    public MeasuredHealth(Breakers breakers, Measurements measurements) {
        this.breakers = breakers;
        this.measurements = measurements;
    }

    @Override
    public ProviderStatus status(String providerId) {
        int total = 0;
        int broken = 0;
        for (CircuitBreaker.State s : breakers.statesOf(providerId)) {
            total++;
            if (s != CircuitBreaker.State.CLOSED) {
                broken++;
            }
        }
        if (total > 0 && broken == total) {
            return ProviderStatus.DOWN;
        }
        if (broken > 0 || measurements.lowestSuccessRate(providerId, ENOUGH_CALLS) < DEGRADED_BELOW) {
            return ProviderStatus.DEGRADED;
        }
        return ProviderStatus.HEALTHY;
    }

    @Override
    public OfferingStats stats(Offering offering) {
        return measurements.of(offering);
    }
}
