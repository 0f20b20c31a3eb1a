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
 *
 * <p>A call is admitted only by reserving its worst-case cost first ({@link #reserve}); the reservation
 * counts against the budget until the call ends and its real cost is recorded, so concurrent calls cannot
 * all pass on the same remaining budget. With Redis, spend and reservations of budgeted keys are also kept
 * there and checked atomically, so the same holds across nodes.
 */
public final class Budgets implements UsageListener, AutoCloseable {
    private static final long FLUSH_EVERY_MS = 5_000;
    /** A reservation whose call never settled (its node died, a bug) stops counting after this long. */
    static final long HOLD_MS = 15 * 60 * 1000L;

    private final System.Logger log = System.getLogger("io.modelhub.limits");
    private final ConcurrentHashMap<String, Account> accounts = new ConcurrentHashMap<>();
    private final Consumer<Map<String, Double>> persist;
    private final Function<String, Double> storedSpend;
    private final RedisSpend shared;
    // Keys this node reserved for with Redis: their spend is added there too.
    private final java.util.Set<String> sharedKeys = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong holdIds = new java.util.concurrent.atomic.AtomicLong();
    private final String node = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "modelhub-budgets");
        t.setDaemon(true);
        return t;
    });

    /** Spend of one key as this node knows it: the stored total last seen plus what is not yet written. */
    private static final long SWEEP_EVERY_MS = 1000;

    private static final class Account {
        private double stored;
        private double pending;
        private boolean loaded;
        // Reservations of calls in flight: hold id -> {amount, expiry ms}, and their sum. The sum is kept as
        // holds come and go (a reservation must not cost O(calls in flight): thousands of streams of one key
        // would make it quadratic); holds left by calls that never ended expire in an occasional sweep.
        private final Map<String, double[]> holds = new HashMap<>();
        private double held;
        private long nextSweepMs;

        synchronized Reservation reserve(String keyId, String holdId, double amount, double budget, double storedIfUnknown) {
            long now = System.currentTimeMillis();
            if (now >= nextSweepMs) {
                sweep(now);
                nextSweepMs = now + SWEEP_EVERY_MS;
            }
            double spent = total(storedIfUnknown);
            if (spent + held + amount > budget) {
                return new Reservation(false, spent, held, null);
            }
            double heldBefore = held;
            holds.put(holdId, new double[] {amount, now + HOLD_MS});
            held += amount;
            return new Reservation(true, spent, heldBefore, new Hold(keyId, holdId, amount));
        }

        synchronized void release(String holdId) {
            double[] h = holds.remove(holdId);
            if (h != null) {
                held = holds.isEmpty() ? 0 : held - h[0];
            }
        }

        /** Drops expired holds and sums the rest afresh (which also clears any floating-point drift). */
        private void sweep(long now) {
            holds.values().removeIf(h -> h[1] <= now);
            double sum = 0;
            for (double[] h : holds.values()) {
                sum += h[0];
            }
            held = sum;
        }

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

    /** The worst-case cost of one call in flight, counted against its key's budget until {@link #release}d. */
    public record Hold(String keyId, String id, double amountUsd) {}

    /** The answer to a reservation: granted or not, with the spend and the other reservations it was checked against. */
    public record Reservation(boolean granted, double spentUsd, double heldUsd, Hold hold) {}

    /**
     * @param persist adds the given amounts to the keys' stored spend
     * @param storedSpend reads a key's stored spend (null when the key is gone)
     */
    public Budgets(Consumer<Map<String, Double>> persist, Function<String, Double> storedSpend) {
        this(persist, storedSpend, null);
    }

    /** Budgets whose checks are shared through {@code redis} by every node using it (null: this node only). */
    public Budgets(Consumer<Map<String, Double>> persist, Function<String, Double> storedSpend, io.lettuce.core.RedisClient redis) {
        this.persist = persist;
        this.storedSpend = storedSpend;
        this.shared = redis == null ? null : new RedisSpend(redis);
        scheduler.scheduleWithFixedDelay(this::flush, FLUSH_EVERY_MS, FLUSH_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onUsage(UsageRecord r) {
        if (r.keyId() != null && r.costUsd() != null && r.costUsd() > 0) {
            accounts.computeIfAbsent(r.keyId(), k -> new Account()).add(r.costUsd());
            if (shared != null && sharedKeys.contains(r.keyId())) {
                try {
                    shared.addSpend(r.keyId(), r.costUsd());
                } catch (RuntimeException e) {
                    log.log(System.Logger.Level.WARNING, "could not add key spend in Redis: " + e.getMessage());
                }
            }
        }
    }

    /**
     * Reserves {@code amountUsd} for a call of {@code keyId} unless its spend plus the reservations in flight
     * would then pass {@code budgetUsd}; a granted reservation must be {@link #release}d when the call ends
     * (after its usage is recorded).
     *
     * @param storedSpend the store's figure, used when the key has not been seen yet
     */
    public Reservation reserve(String keyId, double amountUsd, double budgetUsd, double storedSpend) {
        String holdId = node + "-" + holdIds.incrementAndGet();
        if (shared != null) {
            sharedKeys.add(keyId);
            return shared.reserve(keyId, holdId, amountUsd, budgetUsd, storedSpend, HOLD_MS);
        }
        return accounts.computeIfAbsent(keyId, k -> new Account()).reserve(keyId, holdId, amountUsd, budgetUsd, storedSpend);
    }

    /** Ends a reservation: the call's real cost has been recorded, so it no longer needs holding. */
    public void release(Hold hold) {
        if (shared != null) {
            try {
                shared.release(hold);
            } catch (RuntimeException e) {
                // It expires on its own after HOLD_MS.
                log.log(System.Logger.Level.WARNING, "could not release a budget reservation in Redis: " + e.getMessage());
            }
            return;
        }
        Account a = accounts.get(hold.keyId());
        if (a != null) {
            a.release(hold.id());
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
        if (shared != null) {
            shared.close();
        }
    }
}
