package io.modelhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.catalog.Capability;
import io.modelhub.catalog.Offering;
import io.modelhub.catalog.OfferingStats;
import io.modelhub.providers.UpstreamException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MeasurementsTest {
    private static final Offering OFFERING = new Offering("m", "p", "m", null, null, null, null, Map.of(), Set.of(Capability.STREAMING), null, null);
    private static final long MS = 1_000_000L;

    @Test
    void statsAreTheMedianOfTheLastCallsOnly() {
        Measurements m = new Measurements(3);
        assertThat(m.of(OFFERING)).isEqualTo(OfferingStats.NONE);
        m.succeeded(OFFERING, 900 * MS, 10, 1000 * MS);
        m.succeeded(OFFERING, 100 * MS, 100, 1000 * MS);
        m.succeeded(OFFERING, 200 * MS, 50, 1000 * MS);
        m.succeeded(OFFERING, 300 * MS, 20, 1000 * MS);
        OfferingStats s = m.of(OFFERING);
        assertThat(s.calls()).isEqualTo(3);
        assertThat(s.p50LatencyMs()).isEqualTo(200.0);
        assertThat(s.tokensPerSecond()).isEqualTo(50.0);
        assertThat(s.successRate()).isEqualTo(1.0);
    }

    @Test
    void failuresLowerTheSuccessRateButNotTheLatency() {
        Measurements m = new Measurements(10);
        m.succeeded(OFFERING, 100 * MS, 0, 100 * MS);
        m.failed(OFFERING, UpstreamException.timeout("p", "slow"));
        OfferingStats s = m.of(OFFERING);
        assertThat(s.successRate()).isEqualTo(0.5);
        assertThat(s.p50LatencyMs()).isEqualTo(100.0);
        assertThat(s.tokensPerSecond()).as("no usage reported").isZero();
    }

    @Test
    void aRejectedRequestIsNotCounted() {
        Measurements m = new Measurements(10);
        m.failed(OFFERING, UpstreamException.status("p", 400, "bad", null, null));
        assertThat(m.of(OFFERING).calls()).isZero();
    }
}
