package io.modelhub.routing;

import io.modelhub.catalog.OfferingStats;
import java.util.Arrays;

/**
 * The last N calls of one offering: latency to the first token, tokens per second and success. The
 * summary is recomputed when a call is recorded, so that reading it (every routed request does) is
 * a single volatile read.
 */
final class StatsWindow {
    private final double[] latencyMs;
    private final double[] tokensPerSecond;
    private final boolean[] ok;
    private int next;
    private int count;
    private volatile OfferingStats summary = OfferingStats.NONE;

    StatsWindow(int size) {
        latencyMs = new double[size];
        tokensPerSecond = new double[size];
        ok = new boolean[size];
    }

    /** A successful call; {@code tokensPerSecond} NaN when the upstream reported no usage. */
    synchronized void success(double latency, double tps) {
        put(latency, tps, true);
    }

    synchronized void failure() {
        put(Double.NaN, Double.NaN, false);
    }

    OfferingStats summary() {
        return summary;
    }

    private void put(double latency, double tps, boolean success) {
        latencyMs[next] = latency;
        tokensPerSecond[next] = tps;
        ok[next] = success;
        next = (next + 1) % ok.length;
        if (count < ok.length) {
            count++;
        }
        int good = 0;
        for (int i = 0; i < count; i++) {
            if (ok[i]) {
                good++;
            }
        }
        summary = new OfferingStats(median(latencyMs), median(tokensPerSecond), (double) good / count, count);
    }

    private double median(double[] values) {
        double[] known = new double[count];
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (!Double.isNaN(values[i])) {
                known[n++] = values[i];
            }
        }
        if (n == 0) {
            return 0;
        }
        Arrays.sort(known, 0, n);
        return n % 2 == 1 ? known[n / 2] : (known[n / 2 - 1] + known[n / 2]) / 2;
    }
}
