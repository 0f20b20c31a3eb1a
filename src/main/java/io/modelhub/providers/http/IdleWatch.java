package io.modelhub.providers.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Enforces the idle timeout between the chunks of streams without a timed read per chunk. On a virtual
 * thread every read with a socket timeout arms and cancels a timer in the scheduler and wakes a platform
 * thread for it; with thousands of streams that was a large part of the hub's CPU per chunk (measured in
 * docs/benchmarks.md). So a stream reads without a timeout once its first chunk has come, notes the time
 * of each chunk, and this one thread closes the connection of any stream silent for longer than the
 * timeout, which ends its blocked read. The timeout is kept to within a tick (a tenth of it, 10 to 250 ms).
 */
final class IdleWatch implements AutoCloseable {
    /** A stream being watched. */
    interface Watched {
        /** {@code System.nanoTime()} of its last chunk. */
        long lastProgressNanos();

        /** Called once when it has been silent too long: must end its blocked read (close its connection). */
        void expire();
    }

    private final String name;
    private final long idleNanos;
    private final long tickMillis;
    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile Thread thread;

    IdleWatch(String name, long idleMillis) {
        this.name = name;
        this.idleNanos = idleMillis * 1_000_000L;
        this.tickMillis = Math.max(10, Math.min(250, idleMillis / 10));
    }

    void watch(Watched w) {
        watched.add(w);
        if (thread == null) {
            start();
        }
    }

    void unwatch(Watched w) {
        watched.remove(w);
    }

    private synchronized void start() {
        if (thread == null && !closed) {
            thread = Thread.ofPlatform().daemon().name("modelhub-idle-" + name).start(this::run);
        }
    }

    private void run() {
        while (!closed) {
            try {
                Thread.sleep(tickMillis);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Watched w : watched) {
                if (now - w.lastProgressNanos() > idleNanos && watched.remove(w)) {
                    w.expire();
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
