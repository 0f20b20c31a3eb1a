package io.modelhub.providers;

/**
 * The events of a streaming answer, one at a time as the upstream sends them. Each event is the
 * payload of one SSE {@code data:} field, without the framing. Closing it before the end cancels the
 * upstream request.
 */
public interface EventStream extends AutoCloseable {
    /** The next event's data, or null once the upstream has ended the stream ({@code [DONE]} or end of body). */
    byte[] next() throws UpstreamException;

    @Override
    void close();
}
