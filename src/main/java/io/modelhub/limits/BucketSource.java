package io.modelhub.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import java.time.Duration;

/**
 * Where the token buckets live: in this process by default, in Redis when several nodes must share them.
 * A bucket holds {@code perMinute} tokens and refills them evenly over a minute.
 */
public interface BucketSource extends AutoCloseable {
    /** The bucket named {@code name} with this capacity; a changed capacity starts a fresh bucket. */
    Bucket bucket(String name, long perMinute);

    @Override
    default void close() {}

    /** Buckets in this process's memory; idle ones are dropped after ten minutes (they would be full again anyway). */
    final class InProcess implements BucketSource {
        private record Entry(long perMinute, Bucket bucket) {}

        // Read on every request: the cache's upkeep runs on the reading thread (Runnable::run) instead of being
        // handed to the common pool, which wakes a thread of it each time.
        private final Cache<String, Entry> buckets = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10))
                .executor(Runnable::run).build();

        @Override
        public Bucket bucket(String name, long perMinute) {
            Entry e = buckets.getIfPresent(name);
            if (e == null || e.perMinute() != perMinute) {
                e = buckets.asMap().compute(name, (k, old) -> old != null && old.perMinute() == perMinute ? old
                        : new Entry(perMinute, Bucket.builder()
                                .addLimit(l -> l.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
                                .build()));
            }
            return e.bucket();
        }
    }
}
