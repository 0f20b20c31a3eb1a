package io.modelhub.catalog;

/**
 * What the hub has measured of one offering over its recent calls: median latency to the first token,
 * output tokens per second, share of calls that succeeded, and how many calls that is based on.
 */
public record OfferingStats(double p50LatencyMs, double tokensPerSecond, double successRate, long calls) {
    public static final OfferingStats NONE = new OfferingStats(0, 0, 0, 0);
}
