package io.modelhub.providers;

import java.time.Duration;

/**
 * An upstream call that did not give a usable answer. {@link Kind} says why, which decides whether the
 * router may try another offering and which error the client finally sees.
 */
public final class UpstreamException extends Exception {
    /** Why the call failed. */
    public enum Kind {
        /** Could not connect, or the connection broke. */
        CONNECTION,
        /** No first byte, or no next chunk, within the configured time. */
        TIMEOUT,
        /** The upstream answered with a non-2xx status. */
        STATUS,
        /** The upstream answered something that is not what the protocol says (bad JSON, bad SSE). */
        PROTOCOL,
        /**
         * Nothing was sent: the hub's connection limit for the provider was reached (queue full, or no slot
         * within the queue timeout). Says nothing about the upstream's health.
         */
        BUSY
    }

    private final String providerId;
    private final Kind kind;
    private final int status;
    private final Duration retryAfter;
    private final byte[] body;

    public UpstreamException(String providerId, Kind kind, String message, int status, Duration retryAfter, byte[] body, Throwable cause) {
        super(message, cause);
        this.providerId = providerId;
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
        this.body = body;
    }

    public static UpstreamException connection(String providerId, String message, Throwable cause) {
        return new UpstreamException(providerId, Kind.CONNECTION, message, 0, null, null, cause);
    }

    public static UpstreamException timeout(String providerId, String message) {
        return new UpstreamException(providerId, Kind.TIMEOUT, message, 0, null, null, null);
    }

    public static UpstreamException protocol(String providerId, String message, Throwable cause) {
        return new UpstreamException(providerId, Kind.PROTOCOL, message, 0, null, null, cause);
    }

    /** The hub shed the call: the provider's connection limit was reached. {@code retryAfter}: when to try again. */
    public static UpstreamException busy(String providerId, String message, Duration retryAfter) {
        return new UpstreamException(providerId, Kind.BUSY, message, 0, retryAfter, null, null);
    }

    public static UpstreamException status(String providerId, int status, String message, Duration retryAfter, byte[] body) {
        return new UpstreamException(providerId, Kind.STATUS, message, status, retryAfter, body, null);
    }

    public String providerId() {
        return providerId;
    }

    public Kind kind() {
        return kind;
    }

    /** The upstream's HTTP status for {@link Kind#STATUS}, else 0. */
    public int status() {
        return status;
    }

    /** What the upstream's Retry-After asked for, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** The upstream's error body for {@link Kind#STATUS}, or null. */
    public byte[] body() {
        return body;
    }

    /**
     * Whether another offering may be tried: connection errors, timeouts, bad answers, a full connection
     * limit, 408, 429 and 5xx. Any other 4xx is the request's own fault and would fail everywhere.
     */
    public boolean retryable() {
        return switch (kind) {
            case CONNECTION, TIMEOUT, PROTOCOL, BUSY -> true;
            case STATUS -> status == 408 || status == 429 || status >= 500;
        };
    }
}
