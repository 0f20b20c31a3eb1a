package io.modelhub.usage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelhub.config.HubConfig;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stores usage records off the request path: requests put records on a bounded queue and one writer
 * thread drains it, inserting batches in one transaction each.
 *
 * <p>Nothing is dropped. When the queue is full the request waits up to {@link #OVERFLOW_WAIT_MS} for
 * space, and failing that writes its record itself, synchronously; each such event is counted
 * ({@code modelhub_usage_queue_full_total}) and logged (one warning per ten seconds at most). Records that
 * arrive after {@link #close()} are also written synchronously. A batch the database refuses is retried
 * record by record, so that one bad record cannot sink the others; a record the database refuses on its
 * own is logged with its id and counted ({@code modelhub_usage_records_failed_total}).
 */
public final class UsageWriter implements UsageListener, AutoCloseable {
    /** How long a request waits for queue space before it writes its record itself. */
    static final long OVERFLOW_WAIT_MS = 20;
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long IDLE_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long FILL_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final System.Logger log = System.getLogger("io.modelhub.usage");
    private final UsageStore store;
    private final ArrayBlockingQueue<UsageRecord> queue;
    private final int batchSize;
    private final long flushIntervalNanos;
    private final Thread thread;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong drained = new AtomicLong();
    /** Callers between their check of {@code closed} and their offer; close() waits for them. */
    private final AtomicLong offering = new AtomicLong();
    private final AtomicLong fullSinceWarning = new AtomicLong();
    private final AtomicLong lastWarningNanos = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private final Counter writtenBatched;
    private final Counter writtenDirect;
    private final Counter full;
    private final Counter failed;
    private volatile boolean flushNow;
    private volatile boolean closed;

    public UsageWriter(UsageStore store, HubConfig.Usage config, MeterRegistry meters) {
        this.store = store;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.batchSize = config.batchSize();
        this.flushIntervalNanos = config.flushInterval().toNanos();
        Gauge.builder("modelhub.usage.queue.depth", queue, ArrayBlockingQueue::size)
                .description("Usage records waiting to be written").register(meters);
        this.writtenBatched = Counter.builder("modelhub.usage.records.written").tag("path", "batch")
                .description("Usage records stored").register(meters);
        this.writtenDirect = Counter.builder("modelhub.usage.records.written").tag("path", "direct")
                .description("Usage records stored").register(meters);
        this.full = Counter.builder("modelhub.usage.queue.full")
                .description("Times a request found the usage queue full and had to wait or write its record itself").register(meters);
        this.failed = Counter.builder("modelhub.usage.records.failed")
                .description("Usage records the database refused (each one is logged with its id)").register(meters);
        this.thread = Thread.ofPlatform().name("modelhub-usage-writer").daemon(false).unstarted(this::run);
        this.thread.start();
    }

    @Override
    public void onUsage(UsageRecord record) {
        offering.incrementAndGet();
        try {
            if (enqueue(record)) {
                return;
            }
        } finally {
            offering.decrementAndGet();
        }
        if (writeAlone(record)) {
            writtenDirect.increment();
        }
    }

    private boolean enqueue(UsageRecord record) {
        if (closed) {
            return false;
        }
        if (queue.offer(record)) {
            queued.incrementAndGet();
            return true;
        }
        full.increment();
        warnFull();
        try {
            if (queue.offer(record, OVERFLOW_WAIT_MS, TimeUnit.MILLISECONDS)) {
                queued.incrementAndGet();
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private void warnFull() {
        fullSinceWarning.incrementAndGet();
        long now = System.nanoTime();
        long last = lastWarningNanos.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarningNanos.compareAndSet(last, now)) {
            log.log(System.Logger.Level.WARNING, "usage queue full (" + queue.remainingCapacity() + " free of "
                    + (queue.size() + queue.remainingCapacity()) + "): " + fullSinceWarning.getAndSet(0)
                    + " record(s) since the last warning waited or were written on the request thread;"
                    + " raise usage.queue_capacity or usage.batch_size if this persists");
        }
    }

    /**
     * Blocks until every record queued before this call is written (or refused and logged). For tests,
     * benchmarks and shutdown; the request path never calls it.
     */
    public void flush() {
        long target = queued.get();
        flushNow = true;
        LockSupport.unpark(thread);
        while (drained.get() < target && thread.isAlive()) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Records waiting in the queue. */
    public int depth() {
        return queue.size();
    }

    /**
     * Stops the writer thread after it has written everything queued. Records that arrive later are
     * written synchronously by their caller, so the store must stay open until the server has stopped.
     */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // A caller that saw the writer open may still be offering; what it queued is written here.
        while (offering.get() > 0) {
            Thread.onSpinWait();
        }
        List<UsageRecord> rest = new ArrayList<>();
        queue.drainTo(rest);
        if (!rest.isEmpty()) {
            write(rest);
            drained.addAndGet(rest.size());
        }
    }

    /*
     * The writer never waits on the queue itself: a consumer blocked in poll() makes every producer's
     * offer a futex wake-up of this thread, one per request. It sleeps in short slices instead and
     * takes whatever has accumulated; flush() and close() wake it early.
     */
    private void run() {
        List<UsageRecord> batch = new ArrayList<>(batchSize);
        while (true) {
            queue.drainTo(batch, batchSize);
            if (batch.isEmpty()) {
                flushNow = false;
                if (closed && queue.isEmpty()) {
                    return;
                }
                LockSupport.parkNanos(IDLE_SLICE_NANOS);
                continue;
            }
            fill(batch);
            write(batch);
            drained.addAndGet(batch.size());
            batch.clear();
        }
    }

    /** Adds queued records to the batch until it is full or its first record has waited the flush interval. */
    private void fill(List<UsageRecord> batch) {
        long deadline = System.nanoTime() + flushIntervalNanos;
        while (batch.size() < batchSize) {
            queue.drainTo(batch, batchSize - batch.size());
            long left = deadline - System.nanoTime();
            if (batch.size() >= batchSize || left <= 0 || flushNow || closed) {
                return;
            }
            LockSupport.parkNanos(Math.min(left, FILL_SLICE_NANOS));
        }
    }

    private void write(List<UsageRecord> batch) {
        long backoffMs = 100;
        while (true) {
            try {
                store.insert(batch);
                writtenBatched.increment(batch.size());
                return;
            } catch (SQLException | RuntimeException e) {
                // Find out whether some records are at fault (keep the others) or the database is (wait and retry).
                List<UsageRecord> refused = new ArrayList<>();
                for (UsageRecord r : batch) {
                    if (tryInsert(r) == null) {
                        writtenBatched.increment();
                    } else {
                        refused.add(r);
                    }
                }
                if (refused.size() < batch.size() || closed) {
                    for (UsageRecord r : refused) {
                        if (writeAlone(r)) {
                            writtenBatched.increment();
                        }
                    }
                    return;
                }
                log.log(System.Logger.Level.WARNING, "usage store unavailable, retrying " + batch.size()
                        + " record(s) in " + backoffMs + " ms: " + e.getMessage());
                sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 5_000);
            }
        }
    }

    private Exception tryInsert(UsageRecord r) {
        try {
            store.insert(List.of(r));
            return null;
        } catch (SQLException | RuntimeException e) {
            return e;
        }
    }

    /** Inserts one record on the calling thread; false (logged, counted) if the database refuses it. */
    private boolean writeAlone(UsageRecord r) {
        Exception e = tryInsert(r);
        if (e == null) {
            return true;
        }
        failed.increment();
        log.log(System.Logger.Level.ERROR, "usage record " + r.id() + " (request " + r.requestId() + ", key "
                + r.keyId() + ", model " + r.model() + ", " + r.promptTokens() + "+" + r.completionTokens()
                + " tokens, $" + r.costUsd() + ") could not be stored: " + e.getMessage());
        return false;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
