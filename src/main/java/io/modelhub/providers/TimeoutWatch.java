package io.modelhub.providers;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Enforces "no next chunk within N ms" on open upstream streams. A blocking read cannot be given a
 * new deadline per chunk, so one daemon thread looks over the open streams a few times a second and
 * closes those that have gone quiet for too long; their reader then fails and reports a timeout.
 */
public final class TimeoutWatch implements AutoCloseable {
    /** A stream being watched: its deadline moves forward each time it shows life. */
    public static final class Watched {
        private final Runnable onExpiry;
        private volatile long deadlineNanos;
        private volatile boolean expired;

        Watched(Runnable onExpiry, long deadlineNanos) {
            this.onExpiry = onExpiry;
            this.deadlineNanos = deadlineNanos;
        }

        /** Moves the deadline to now + {@code nanos}. */
        public void extend(long nanos) {
            deadlineNanos = System.nanoTime() + nanos;
        }

        public boolean expired() {
            return expired;
        }
    }

    private final Set<Watched> open = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;

    public TimeoutWatch() {
        thread = Thread.ofPlatform().daemon().name("modelhub-timeouts").start(this::loop);
    }

    /** Starts watching; {@code onExpiry} runs (on the watch thread) if the deadline passes. */
    public Watched watch(long timeoutNanos, Runnable onExpiry) {
        Watched w = new Watched(onExpiry, System.nanoTime() + timeoutNanos);
        open.add(w);
        return w;
    }

    public void unwatch(Watched w) {
        open.remove(w);
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Watched w : open) {
                if (now - w.deadlineNanos > 0) {
                    w.expired = true;
                    open.remove(w);
                    try {
                        w.onExpiry.run();
                    } catch (RuntimeException ignored) {
                        // closing an already broken stream may fail; the reader sees the failure either way
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
