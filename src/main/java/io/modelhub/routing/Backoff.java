package io.modelhub.routing;

import io.modelhub.config.HubConfig;
import io.modelhub.providers.UpstreamException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before trying the same offering again within one request. Moving on to another
 * offering never waits; only a second try of the same one does, so that a struggling upstream is not
 * hammered. An upstream's Retry-After is honoured when it is short enough; when it is longer, that
 * offering is given up for this request.
 */
final class Backoff {
    private final HubConfig.Backoff config;

    Backoff(HubConfig.Backoff config) {
        this.config = config;
    }

    /**
     * The wait before try number {@code tries + 1} of an offering that just failed with {@code e}, or
     * null when it should not be tried again for this request.
     */
    Duration next(int tries, UpstreamException e) {
        if (!e.retryable() || e.kind() == UpstreamException.Kind.BUSY) {
            // A full connection limit: the call already waited its queue timeout; another offering may have room.
            return null;
        }
        Duration retryAfter = e.retryAfter();
        if (retryAfter != null && retryAfter.compareTo(config.retryAfterMax()) > 0) {
            return null;
        }
        long ceiling = Math.min(config.max().toNanos(), config.base().toNanos() << Math.min(tries - 1, 20));
        // "Equal jitter": half fixed, half random, so that retries from many requests spread out.
        long wait = ceiling / 2 + (ceiling > 1 ? ThreadLocalRandom.current().nextLong(ceiling / 2 + 1) : 0);
        if (retryAfter != null && retryAfter.toNanos() > wait) {
            wait = retryAfter.toNanos();
        }
        return Duration.ofNanos(wait);
    }
}
