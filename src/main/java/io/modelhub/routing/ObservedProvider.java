package io.modelhub.routing;

import io.modelhub.providers.ChatCall;
import io.modelhub.providers.EmbeddingCall;
import io.modelhub.providers.EventStream;
import io.modelhub.providers.Provider;
import io.modelhub.providers.UpstreamException;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.usage.TokenUsage;

/**
 * A provider whose every call is reported to a {@link CallListener} once it ends. A stream ends in the
 * endpoint, long after {@link #chat} returned, so the stream itself is wrapped to report its end,
 * failure or early close; the endpoint does not need to know.
 */
final class ObservedProvider implements Provider {
    private final Provider inner;
    private final CallListener listener;

    ObservedProvider(Provider inner, CallListener listener) {
        this.inner = inner;
        this.listener = listener;
    }

    @Override
    public String id() {
        return inner.id();
    }

    @Override
    public UpstreamReply chat(ChatCall call) throws UpstreamException {
        long started = System.nanoTime();
        UpstreamReply reply;
        try {
            reply = inner.chat(call);
        } catch (UpstreamException e) {
            listener.failed(call.offering(), e);
            throw e;
        } catch (RuntimeException e) {
            // A fault of the hub, not of the upstream; still reported, so that a half-open probe is given back.
            listener.abandoned(call.offering());
            throw e;
        }
        long first = System.nanoTime();
        return switch (reply) {
            case UpstreamReply.Complete c -> {
                listener.succeeded(call.offering(), first - started, c.usage().completionTokens(), first - started);
                yield c;
            }
            case UpstreamReply.Streaming s -> new UpstreamReply.Streaming(new Observed(s.events(), call, first - started, first));
        };
    }

    @Override
    public UpstreamReply.Complete embed(EmbeddingCall call) throws UpstreamException {
        long started = System.nanoTime();
        UpstreamReply.Complete reply;
        try {
            reply = inner.embed(call);
        } catch (UpstreamException e) {
            listener.failed(call.offering(), e);
            throw e;
        } catch (RuntimeException e) {
            listener.abandoned(call.offering());
            throw e;
        }
        long took = System.nanoTime() - started;
        listener.succeeded(call.offering(), took, 0, took);
        return reply;
    }

    /** Reports the end of one stream exactly once. */
    private final class Observed implements EventStream {
        private final EventStream events;
        private final ChatCall call;
        private final long firstEventNanos;
        private final long firstAt;
        private boolean reported;

        Observed(EventStream events, ChatCall call, long firstEventNanos, long firstAt) {
            this.events = events;
            this.call = call;
            this.firstEventNanos = firstEventNanos;
            this.firstAt = firstAt;
        }

        @Override
        public byte[] next() throws UpstreamException {
            byte[] event;
            try {
                event = events.next();
            } catch (UpstreamException e) {
                if (!reported) {
                    reported = true;
                    listener.failed(call.offering(), e);
                }
                throw e;
            } catch (RuntimeException e) {
                if (!reported) {
                    reported = true;
                    listener.abandoned(call.offering());
                }
                throw e;
            }
            if (event == null) {
                if (!reported) {
                    reported = true;
                    TokenUsage usage = events.usage();
                    listener.succeeded(call.offering(), firstEventNanos, usage == null ? 0 : usage.completionTokens(), System.nanoTime() - firstAt);
                }
                return null;
            }
            return event;
        }

        @Override
        public TokenUsage usage() {
            return events.usage();
        }

        @Override
        public String finishReason() {
            return events.finishReason();
        }

        @Override
        public boolean usageOnly() {
            return events.usageOnly();
        }

        @Override
        public void close() {
            if (!reported) {
                reported = true;
                listener.abandoned(call.offering());
            }
            events.close();
        }
    }
}
