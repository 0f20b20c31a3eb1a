package io.modelhub.providers;

/** What an upstream answered with status 2xx: a whole JSON body, or a stream of events. */
public sealed interface UpstreamReply {
    /** A non-streaming answer: the body as the upstream sent it. */
    record Complete(byte[] body) implements UpstreamReply {}

    /** A streaming answer, read event by event. */
    record Streaming(EventStream events) implements UpstreamReply {}
}
