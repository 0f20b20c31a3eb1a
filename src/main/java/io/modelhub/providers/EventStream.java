package io.modelhub.providers;

import io.modelhub.usage.TokenUsage;

/**
 * The events of a streaming answer, one at a time as the upstream sends them, each in the hub's chat
 * shape: the JSON of one OpenAI {@code chat.completion.chunk}, without the SSE framing. Every adapter
 * translates its upstream's events into these (the {@code openai} kind passes them through untouched),
 * and reports the usage and the finish reason it read, so that nothing after the provider parses them
 * again. Closing it before the end cancels the upstream request.
 */
public interface EventStream extends AutoCloseable {
    /** The next event's data, or null once the upstream has ended the stream ({@code [DONE]} or end of body). */
    byte[] next() throws UpstreamException;

    /**
     * The usage the upstream has reported so far, or null while it has not (a stream cut short may
     * never report it). Final once {@link #next} returned null.
     */
    TokenUsage usage();

    /** The finish reason ({@code stop}, {@code length}, {@code tool_calls}, {@code content_filter}) once an event gave it, else null. */
    String finishReason();

    /**
     * Whether the event last returned by {@link #next} carries only the usage (an empty {@code choices}):
     * the hub always asks upstreams for usage, and shows this event only to a client that asked for it.
     */
    boolean usageOnly();

    @Override
    void close();
}
