package io.modelhub.providers;

import io.modelhub.config.HubConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The slots of one provider's upstream exchanges in flight ({@code connections} in its configuration). An
 * exchange {@link #enter}s before it sends and {@link #leave}s exactly once when it ends; a call that finds
 * every slot taken waits in a bounded, fair queue for a bounded time, or is refused at once when the queue
 * is full. Without a limit the gate is {@link #UNLIMITED}, which does nothing at all.
 */
public sealed interface ConnectionGate permits ConnectionGate.Unlimited, ConnectionGate.Bounded {
    /** The gate of a provider without {@code connections}: every call passes, nothing is counted. */
    ConnectionGate UNLIMITED = new Unlimited();

    /** The gate {@code connections} asks for ({@link #UNLIMITED} when null); queued calls wait up to the connect timeout unless it says otherwise. */
    static ConnectionGate of(HubConfig.Connections connections, Duration connectTimeout) {
        return connections == null ? UNLIMITED
                : new Bounded(connections.max(), connections.queue(), connections.queueTimeoutOr(connectTimeout));
    }

    /** Takes a slot, waiting for one if need be; throws {@link Refused} when none can be had. */
    void enter() throws IOException;

    /** Gives back the slot {@link #enter} took; called once per successful {@code enter}. */
    void leave();

    /** No call was sent: every slot was taken and the queue was full, or the wait ran out. */
    final class Refused extends IOException {
        private final Duration retryAfter;

        Refused(String message, Duration retryAfter) {
            super(message);
            this.retryAfter = retryAfter;
        }

        /** When trying again may find a slot: a hint, the queue timeout rounded up to whole seconds, at least 1. */
        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /** No limit: nothing to take, nothing to give back. */
    final class Unlimited implements ConnectionGate {
        private Unlimited() {}

        @Override
        public void enter() {
            // no limit
        }

        @Override
        public void leave() {
            // no limit
        }
    }

    /**
     * At most {@code max} exchanges in flight, at most {@code queue} calls waiting. A fair semaphore serves
     * waiters in arrival order; the waiter count is checked before waiting, so a full queue refuses at once.
     */
    final class Bounded implements ConnectionGate {
        private final int max;
        private final int queue;
        private final long timeoutNanos;
        private final Duration retryAfter;
        private final Semaphore slots;
        private final AtomicInteger waiting = new AtomicInteger();
        private final LongAdder refused = new LongAdder();

        Bounded(int max, int queue, Duration queueTimeout) {
            this.max = max;
            this.queue = queue;
            this.timeoutNanos = queueTimeout.toNanos();
            this.retryAfter = Duration.ofSeconds(Math.max(1, (queueTimeout.toMillis() + 999) / 1000));
            this.slots = new Semaphore(max, true);
        }

        @Override
        public void enter() throws IOException {
            try {
                // The timed form with no wait, not tryAcquire(): that one would jump ahead of the queued calls.
                if (slots.tryAcquire(0, TimeUnit.NANOSECONDS)) {
                    return;
                }
                if (waiting.incrementAndGet() > queue) {
                    waiting.decrementAndGet();
                    // A slot may have been given back since the first look; with queue 0 that is the only chance.
                    if (slots.tryAcquire(0, TimeUnit.NANOSECONDS)) {
                        return;
                    }
                    refused.increment();
                    throw new Refused("the hub's connection limit for this provider is reached (" + max + " in flight, "
                            + queue + " waiting)", retryAfter);
                }
                try {
                    if (!slots.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS)) {
                        refused.increment();
                        throw new Refused("the hub's connection limit for this provider is reached (" + max
                                + " in flight; no slot within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms)", retryAfter);
                    }
                } finally {
                    waiting.decrementAndGet();
                }
            } catch (InterruptedException e) {
                // Not the upstream's fault either: refused like a wait that ran out, so no breaker counts it.
                Thread.currentThread().interrupt();
                throw new Refused("interrupted while waiting for a connection slot of this provider", retryAfter);
            }
        }

        @Override
        public void leave() {
            slots.release();
        }

        /** The most exchanges in flight at once. */
        public int max() {
            return max;
        }

        /** Exchanges in flight now. */
        public int inFlight() {
            return max - slots.availablePermits();
        }

        /** Calls waiting for a slot now. */
        public int queued() {
            return waiting.get();
        }

        /** Calls refused since this gate was made. */
        public long refused() {
            return refused.sum();
        }
    }
}
