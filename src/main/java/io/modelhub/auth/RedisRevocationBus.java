package io.modelhub.auth;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Key changes over Redis pub/sub: every node subscribes to one channel and drops its cached copy of a key
 * when any node announces a change. This node's listeners are also called directly, so a revocation holds
 * here even when Redis is unreachable; other nodes then fall back to their cache expiry ({@link Keys#CACHE_TTL}).
 */
public final class RedisRevocationBus implements RevocationBus {
    static final String CHANNEL = "modelhub:key-changes";

    private final System.Logger log = System.getLogger("io.modelhub.auth");
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final StatefulRedisPubSubConnection<String, String> subscription;
    private final StatefulRedisConnection<String, String> publisher;

    public RedisRevocationBus(RedisClient client) {
        this.subscription = client.connectPubSub();
        this.publisher = client.connect();
        subscription.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String keyId) {
                listeners.forEach(l -> l.accept(keyId));
            }
        });
        subscription.sync().subscribe(CHANNEL);
    }

    @Override
    public void publish(String keyId) {
        listeners.forEach(l -> l.accept(keyId));
        try {
            publisher.sync().publish(CHANNEL, keyId);
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "could not announce a change of key " + keyId + " to other nodes: " + e.getMessage());
        }
    }

    @Override
    public void subscribe(Consumer<String> onChange) {
        listeners.add(onChange);
    }

    @Override
    public void close() {
        listeners.clear();
        subscription.close();
        publisher.close();
    }
}
