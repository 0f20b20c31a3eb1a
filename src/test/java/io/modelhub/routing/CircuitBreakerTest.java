package io.modelhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.config.HubConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private final AtomicLong now = new AtomicLong();
    private final CircuitBreaker breaker = new CircuitBreaker(
            new HubConfig.Breaker(3, 0.5, 10, Duration.ofSeconds(30)), 10, now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void opensAfterConsecutiveFailuresAndRefusesCallsUntilTheCoolDownIsOver() {
        breaker.failure();
        breaker.failure();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        breaker.failure();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.callable()).isFalse();
        assertThat(breaker.tryAcquire()).isFalse();
        advance(Duration.ofSeconds(29));
        assertThat(breaker.tryAcquire()).isFalse();
        assertThat(breaker.coolDownLeft()).isEqualTo(Duration.ofSeconds(1));
        advance(Duration.ofSeconds(1));
        assertThat(breaker.callable()).isTrue();
    }

    @Test
    void aSuccessInBetweenResetsTheConsecutiveCount() {
        breaker.failure();
        breaker.failure();
        breaker.success();
        breaker.failure();
        breaker.failure();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void opensWhenTheFailureRateOverEnoughCallsIsReached() {
        for (int i = 0; i < 5; i++) {
            breaker.success();
            breaker.failure();
        }
        // 5 of the last 10 failed, never 3 in a row
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void halfOpenLetsExactlyOneProbeThroughWhoseSuccessCloses() {
        tripAndCoolDown();
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
        assertThat(breaker.callable()).isFalse();
        breaker.success();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        breaker.failure();
        assertThat(breaker.state()).as("old failures are forgotten once closed").isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aFailedProbeOpensAgainForAFullCoolDown() {
        tripAndCoolDown();
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.failure();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        advance(Duration.ofSeconds(10));
        assertThat(breaker.tryAcquire()).isFalse();
    }

    @Test
    void aReleasedProbeLetsTheNextCallerProbe() {
        tripAndCoolDown();
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.release();
        assertThat(breaker.tryAcquire()).isTrue();
    }

    private void tripAndCoolDown() {
        for (int i = 0; i < 3; i++) {
            breaker.failure();
        }
        advance(Duration.ofSeconds(30));
    }
}
