package io.modelhub.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Buckets kept in Redis (compare-and-swap, through Bucket4j's Lettuce integration), so every node sharing the
 * Redis draws from the same per-key limits. Each check is one Redis round trip. A bucket's Redis entry expires
 * once it would be full again.
 */
public final class RedisBucketSource implements BucketSource {
    private static final String PREFIX = "modelhub:ratelimit:";

    private final ProxyManager<byte[]> proxies;
    // The proxy objects are cheap handles; keeping them saves building one per request.
    private final Cache<String, Bucket> handles = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10)).build();

    public RedisBucketSource(RedisClient client) {
        this.proxies = Bucket4jLettuce.casBasedBuilder(client)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .build();
    }

    @Override
    public Bucket bucket(String name, long perMinute) {
        // The capacity is part of the Redis key: a changed limit starts a fresh bucket and the old one expires.
        String key = PREFIX + name + "|" + perMinute;
        return handles.get(key, k -> proxies.builder().build(k.getBytes(StandardCharsets.UTF_8), () -> BucketConfiguration.builder()
                .addLimit(l -> l.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
                .build()));
    }
}
