package io.modelhub.routing;

import io.modelhub.catalog.OfferingStats;
import java.util.Arrays;

/**
 * The last N calls of one offering: latency to the first token, tokens per second and success.
 * Recording a call only stores it; the summary (two medians, which need a sort) is recomputed when it
 * is read and has changed, at most every {@link #REFRESH_NANOS} once the window is full, so that a busy
 * offering does not sort its window on every call.
 */
final class StatsWindow {
    private final double[] latencyMs;
    private final double[] tokensPerSecond;
    private final boolean[] ok;
    private int next;
    private int count;
    private static final long REFRESH_NANOS = 50_000_000L;

    private volatile OfferingStats summary = OfferingStats.NONE;
    private volatile boolean dirty;
    private long computedAtNanos;

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
        if (dirty) {
            synchronized (this) {
                long now = System.nanoTime();
                if (dirty && (count < ok.length || computedAtNanos == 0 || now - computedAtNanos >= REFRESH_NANOS)) {
                    recompute();
                    computedAtNanos = now;
                    dirty = false;
                }
            }
        }
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
        dirty = true;
    }

    private void recompute() {
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
