package io.modelhub.providers;

import io.modelhub.usage.TokenUsage;

/** What an upstream answered with status 2xx: a whole answer, or a stream of events, in the hub's chat shape. */
public sealed interface UpstreamReply {
    /**
     * A non-streaming answer: the body as an OpenAI {@code chat.completion} JSON object (as the upstream
     * sent it, for the {@code openai} kind), the usage the upstream reported and the finish reason of its
     * first choice (null when it gave none).
     */
    record Complete(byte[] body, TokenUsage usage, String finishReason) implements UpstreamReply {
        public Complete(byte[] body, TokenUsage usage) {
            this(body, usage, null);
        }
    }

    /** A streaming answer, read event by event. */
    record Streaming(EventStream events) implements UpstreamReply {}
}
