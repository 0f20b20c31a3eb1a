package io.modelhub.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Where cached answers live: in this process, or in Redis where every node shares them. */
sealed interface AnswerStore extends AutoCloseable {
    /** The answer stored under {@code key}, or null (never stored, expired or evicted). */
    byte[] get(String key);

    /** Stores {@code answer} under {@code key} for the configured time to live. */
    void put(String key, byte[] answer);

    @Override
    void close();

    /** Caffeine: bounded by entry count, each entry expiring its time to live after it was written. */
    final class InProcess implements AnswerStore {
        private final Cache<String, byte[]> cache;

        InProcess(Duration ttl, long maxEntries) {
            this.cache = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(maxEntries).build();
        }

        @Override
        public byte[] get(String key) {
            return cache.getIfPresent(key);
        }

        @Override
        public void put(String key, byte[] answer) {
            cache.put(key, answer);
        }

        @Override
        public void close() {
            cache.invalidateAll();
        }
    }

    /**
     * Redis, shared by every node: each entry set with its time to live ({@code SET ... PX}); the entry
     * bound is left to Redis's own {@code maxmemory} policy.
     */
    final class Redis implements AnswerStore {
        private static final String PREFIX = "modelhub:cache:";
        private final StatefulRedisConnection<byte[], byte[]> connection;
        private final long ttlMs;

        Redis(RedisClient client, Duration ttl) {
            this.connection = client.connect(ByteArrayCodec.INSTANCE);
            this.ttlMs = ttl.toMillis();
        }

        @Override
        public byte[] get(String key) {
            return connection.sync().get(name(key));
        }

        @Override
        public void put(String key, byte[] answer) {
            connection.sync().set(name(key), answer, SetArgs.Builder.px(ttlMs));
        }

        private static byte[] name(String key) {
            return (PREFIX + key).getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() {
            connection.close();
        }
    }
}
