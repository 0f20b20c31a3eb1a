package io.modelhub.providers;

/**
 * One upstream, spoken to in one wire protocol. An implementation only translates and transports:
 * choosing, retrying, breaking circuits and metering are layers around it in {@code routing}.
 */
public interface Provider extends AutoCloseable {
    /** The provider id from the catalog. */
    String id();

    /**
     * Sends one chat completion. Returns once the upstream has answered 2xx (for a stream: once its
     * headers have arrived); any other outcome is an {@link UpstreamException}.
     */
    UpstreamReply chat(ChatCall call) throws UpstreamException;

    @Override
    default void close() {}
}
