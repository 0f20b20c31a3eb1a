package io.modelhub.auth;

import java.util.function.Consumer;

/**
 * Tells every hub node that a key changed (revoked, edited) so each drops its cached copy at once. The
 * in-process bus only reaches this node; with {@code MODELHUB_REDIS_URL} it is Redis pub/sub.
 */
public interface RevocationBus extends AutoCloseable {
    /** Announces that the key changed; this node's own listener is called too. */
    void publish(String keyId);

    /** Registers what to do when any node announces a change. */
    void subscribe(Consumer<String> onChange);

    @Override
    void close();

    /** The single-node bus: calls the listeners directly. */
    final class Local implements RevocationBus {
        private final java.util.List<Consumer<String>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void publish(String keyId) {
            listeners.forEach(l -> l.accept(keyId));
        }

        @Override
        public void subscribe(Consumer<String> onChange) {
            listeners.add(onChange);
        }

        @Override
        public void close() {
            listeners.clear();
        }
    }
}
