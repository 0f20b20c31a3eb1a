package io.modelhub.providers;

import io.modelhub.usage.TokenUsage;

/** What an upstream answered with status 2xx: a whole JSON body, or a stream of events. */
public sealed interface UpstreamReply {
    /** A non-streaming answer: the body as the upstream sent it, and the usage it reports. */
    record Complete(byte[] body, TokenUsage usage) implements UpstreamReply {}

    /** A streaming answer, read event by event. */
    record Streaming(EventStream events) implements UpstreamReply {}
}
