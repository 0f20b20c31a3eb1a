package io.modelhub.limits;

import io.modelhub.usage.UsageListener;
import io.modelhub.usage.UsageRecord;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Spend per key: added up in memory as usage records arrive (the hot path never touches the store), written
 * to the store as increments every few seconds and on shutdown, and re-read from the store after each write so
 * that what other nodes spent counts too.
 */
public final class Budgets implements UsageListener, AutoCloseable {
    private static final long FLUSH_EVERY_MS = 5_000;

    private final System.Logger log = System.getLogger("io.modelhub.limits");
    private final ConcurrentHashMap<String, Account> accounts = new ConcurrentHashMap<>();
    private final Consumer<Map<String, Double>> persist;
    private final Function<String, Double> storedSpend;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "modelhub-budgets");
        t.setDaemon(true);
        return t;
    });

    /** Spend of one key as this node knows it: the stored total last seen plus what is not yet written. */
    private static final class Account {
        private double stored;
        private double pending;
        private boolean loaded;

        synchronized void add(double usd) {
            pending += usd;
        }

        synchronized double total(double storedIfUnknown) {
            if (!loaded) {
                stored = storedIfUnknown;
                loaded = true;
            }
            return stored + pending;
        }

        /** Moves the pending amount into the stored total and answers it, for writing. */
        synchronized double drain() {
            double d = pending;
            pending = 0;
            stored += d;
            return d;
        }

        synchronized void undrain(double d) {
            pending += d;
            stored -= d;
        }

        synchronized void storedIs(double value) {
            stored = value;
            loaded = true;
        }
    }

    /**
     * @param persist adds the given amounts to the keys' stored spend
     * @param storedSpend reads a key's stored spend (null when the key is gone)
     */
    public Budgets(Consumer<Map<String, Double>> persist, Function<String, Double> storedSpend) {
        this.persist = persist;
        this.storedSpend = storedSpend;
        scheduler.scheduleWithFixedDelay(this::flush, FLUSH_EVERY_MS, FLUSH_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onUsage(UsageRecord r) {
        if (r.keyId() != null && r.costUsd() != null && r.costUsd() > 0) {
            accounts.computeIfAbsent(r.keyId(), k -> new Account()).add(r.costUsd());
        }
    }

    /** What the key has spent so far; {@code stored} is the store's figure, used when this node has not seen the key yet. */
    public double spent(String keyId, double stored) {
        Account a = accounts.get(keyId);
        return a == null ? stored : a.total(stored);
    }

    /** Writes pending spend to the store and refreshes the totals from it. */
    public void flush() {
        Map<String, Double> deltas = new HashMap<>();
        accounts.forEach((id, a) -> {
            double d = a.drain();
            if (d != 0) {
                deltas.put(id, d);
            }
        });
        if (deltas.isEmpty()) {
            return;
        }
        try {
            persist.accept(deltas);
            for (String id : deltas.keySet()) {
                Double stored = storedSpend.apply(id);
                if (stored != null) {
                    accounts.get(id).storedIs(stored);
                }
            }
        } catch (RuntimeException e) {
            // Put the amounts back so the next flush retries them.
            deltas.forEach((id, d) -> accounts.get(id).undrain(d));
            log.log(System.Logger.Level.WARNING, "could not write key spend to the store: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        flush();
    }
}
