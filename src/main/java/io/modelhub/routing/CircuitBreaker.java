package io.modelhub.routing;

import io.modelhub.config.HubConfig;
import java.util.function.LongSupplier;

/**
 * The circuit breaker of one offering. Closed, it lets every call through and counts failures; it opens
 * after too many failures in a row or too high a failure rate over its recent calls; open, it refuses
 * calls until a cool-down has passed, then lets exactly one probe through (half-open) whose success
 * closes it and whose failure opens it again. Thread-safe; every method is a few field reads.
 */
public final class CircuitBreaker {
    /** Where the breaker stands; {@link #ordinal()} is the value a gauge exports (0 closed, 1 open, 2 half-open). */
    public enum State {
        CLOSED("closed"), OPEN("open"), HALF_OPEN("half_open");

        private final String wireName;

        State(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    private final HubConfig.Breaker config;
    private final LongSupplier nanoClock;
    private final boolean[] recent;
    private int next;
    private int count;
    private int failures;
    private int consecutive;
    private State state = State.CLOSED;
    private long openedAt;
    private boolean probing;

    public CircuitBreaker(HubConfig.Breaker config, int windowCalls, LongSupplier nanoClock) {
        this.config = config;
        this.nanoClock = nanoClock;
        this.recent = new boolean[Math.max(windowCalls, config.minCalls())];
    }

    /** Whether a call could be let through now, without claiming the half-open probe. */
    public synchronized boolean callable() {
        return switch (state) {
            case CLOSED -> true;
            case OPEN -> coolDownOver();
            case HALF_OPEN -> !probing;
        };
    }

    /**
     * Claims the right to make one call: always when closed; when the cool-down is over, the single
     * probe (the breaker goes half-open); otherwise false. A claimed call must end in
     * {@link #success}, {@link #failure} or {@link #release}.
     */
    public synchronized boolean tryAcquire() {
        switch (state) {
            case CLOSED -> {
                return true;
            }
            case OPEN -> {
                if (!coolDownOver()) {
                    return false;
                }
                state = State.HALF_OPEN;
                probing = true;
                return true;
            }
            default -> {
                if (probing) {
                    return false;
                }
                probing = true;
                return true;
            }
        }
    }

    public synchronized void success() {
        consecutive = 0;
        if (state != State.CLOSED) {
            // A recovered upstream starts with a clean slate: its old failures must not reopen it at once.
            state = State.CLOSED;
            probing = false;
            next = 0;
            count = 0;
            failures = 0;
        }
        push(false);
    }

    public synchronized void failure() {
        consecutive++;
        push(true);
        if (state == State.HALF_OPEN) {
            open();
        } else if (state == State.CLOSED
                && (consecutive >= config.consecutiveFailures()
                        || (count >= config.minCalls() && failures >= config.failureRate() * count))) {
            open();
        }
    }

    /** A claimed call ended without telling anything about the upstream (e.g. the client went away). */
    public synchronized void release() {
        probing = false;
    }

    /** How long until an open breaker will let a probe through; zero when it is not open or already may. */
    public synchronized java.time.Duration coolDownLeft() {
        if (state != State.OPEN) {
            return java.time.Duration.ZERO;
        }
        long left = config.openFor().toNanos() - (nanoClock.getAsLong() - openedAt);
        return left <= 0 ? java.time.Duration.ZERO : java.time.Duration.ofNanos(left);
    }

    public synchronized State state() {
        return state;
    }

    private void open() {
        state = State.OPEN;
        openedAt = nanoClock.getAsLong();
        probing = false;
    }

    private boolean coolDownOver() {
        return nanoClock.getAsLong() - openedAt >= config.openFor().toNanos();
    }

    private void push(boolean failed) {
        int size = recent.length;
        if (count == size) {
            if (recent[next]) {
                failures--;
            }
        } else {
            count++;
        }
        recent[next] = failed;
        if (failed) {
            failures++;
        }
        next = (next + 1) % size;
    }
}
