package io.modelhub.usage;

/**
 * Told of every metered call, on the request's thread: must return at once (queue, count, never block
 * on I/O).
 */
@FunctionalInterface
public interface UsageListener {
    void onUsage(UsageRecord record);
}
