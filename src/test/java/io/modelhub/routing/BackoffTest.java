package io.modelhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.config.HubConfig;
import io.modelhub.providers.UpstreamException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(new HubConfig.Backoff(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(3)));

    private static UpstreamException status(int status, Duration retryAfter) {
        return UpstreamException.status("p", status, "HTTP " + status, retryAfter, null);
    }

    @Test
    void waitsAreJitteredAndGrowUpToTheCeiling() {
        for (int i = 0; i < 50; i++) {
            assertThat(backoff.next(1, status(500, null))).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
            assertThat(backoff.next(2, status(500, null))).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
            assertThat(backoff.next(9, status(500, null))).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
        }
    }

    @Test
    void aShortRetryAfterIsHonoured() {
        assertThat(backoff.next(1, status(429, Duration.ofSeconds(2)))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aRetryAfterBeyondTheCapMeansDoNotRetryThisOffering() {
        assertThat(backoff.next(1, status(429, Duration.ofSeconds(4)))).isNull();
    }

    @Test
    void aFailureThatWouldFailAgainIsNotRetried() {
        assertThat(backoff.next(1, status(404, null))).isNull();
    }
}
