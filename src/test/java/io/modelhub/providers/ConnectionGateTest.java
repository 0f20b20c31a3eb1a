package io.modelhub.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelhub.config.HubConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The slots themselves: a full queue refuses at once, waiters are served in arrival order, a wait ends at its timeout. */
class ConnectionGateTest {
    private static ConnectionGate.Bounded gate(int max, int queue, long timeoutMs) {
        return (ConnectionGate.Bounded) ConnectionGate.of(new HubConfig.Connections(max, queue, Duration.ofMillis(timeoutMs)), Duration.ofSeconds(5));
    }

    private static void awaitQueued(ConnectionGate.Bounded g, int n) throws InterruptedException {
        for (int i = 0; i < 500 && g.queued() != n; i++) {
            Thread.sleep(2);
        }
        assertThat(g.queued()).isEqualTo(n);
    }

    @Test
    void withQueueZeroACallBeyondMaxIsRefusedAtOnce() throws Exception {
        ConnectionGate.Bounded g = gate(1, 0, 10_000);
        g.enter();
        long started = System.nanoTime();
        assertThatThrownBy(g::enter).isInstanceOf(ConnectionGate.Refused.class)
                .hasMessageContaining("connection limit for this provider is reached");
        assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(1));
        assertThat(g.refused()).isEqualTo(1);
        g.leave();
        g.enter();
        assertThat(g.inFlight()).isEqualTo(1);
    }

    @Test
    void waitersAreServedInArrivalOrderAndAFullQueueRefusesAtOnce() throws Exception {
        ConnectionGate.Bounded g = gate(1, 2, 10_000);
        g.enter();
        List<Integer> served = new CopyOnWriteArrayList<>();
        Thread first = Thread.ofVirtual().start(() -> enterThenRecord(g, served, 1));
        awaitQueued(g, 1);
        Thread second = Thread.ofVirtual().start(() -> enterThenRecord(g, served, 2));
        awaitQueued(g, 2);
        assertThatThrownBy(g::enter).isInstanceOf(ConnectionGate.Refused.class).hasMessageContaining("2 waiting");
        g.leave();
        first.join(5000);
        second.join(5000);
        assertThat(served).containsExactly(1, 2);
        assertThat(g.inFlight()).isZero();
        assertThat(g.queued()).isZero();
    }

    @Test
    void aWaitEndsAtTheQueueTimeoutWithARetryAfterOfAtLeastASecond() throws Exception {
        ConnectionGate.Bounded g = gate(1, 5, 150);
        g.enter();
        long started = System.nanoTime();
        assertThatThrownBy(g::enter).isInstanceOfSatisfying(ConnectionGate.Refused.class, r -> {
            assertThat(r.getMessage()).contains("no slot within 150 ms");
            assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        });
        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(140));
        assertThat(g.queued()).isZero();
        assertThat(g.inFlight()).isEqualTo(1);
    }

    /** Takes a slot, notes who got it, gives it back. */
    private static void enterThenRecord(ConnectionGate g, List<Integer> served, int who) {
        try {
            g.enter();
            served.add(who);
            Thread.sleep(20);
            g.leave();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
