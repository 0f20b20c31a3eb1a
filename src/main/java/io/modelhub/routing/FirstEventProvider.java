package io.modelhub.routing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.modelhub.providers.ChatCall;
import io.modelhub.providers.EventStream;
import io.modelhub.providers.Provider;
import io.modelhub.providers.UpstreamException;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.usage.TokenUsage;
import java.io.IOException;

/**
 * A provider whose streams count as answered only once their first event has arrived and is JSON.
 * Until then nothing has reached the client, so any failure, a garbled or empty stream included, can
 * still fall back. (A whole answer is already checked to be JSON by the provider as it reads it.)
 */
final class FirstEventProvider implements Provider {
    private final Provider inner;
    private final JsonFactory json;

    FirstEventProvider(Provider inner, JsonFactory json) {
        this.inner = inner;
        this.json = json;
    }

    @Override
    public String id() {
        return inner.id();
    }

    @Override
    public UpstreamReply chat(ChatCall call) throws UpstreamException {
        UpstreamReply reply = inner.chat(call);
        return switch (reply) {
            case UpstreamReply.Complete c -> c;
            case UpstreamReply.Streaming s -> new UpstreamReply.Streaming(await(s.events()));
        };
    }

    private EventStream await(EventStream events) throws UpstreamException {
        try {
            byte[] first = events.next();
            if (first == null) {
                throw UpstreamException.protocol(inner.id(), "the stream ended before its first event", null);
            }
            requireJson(first, "first stream event");
            return new Held(events, first, events.usageOnly());
        } catch (UpstreamException e) {
            events.close();
            throw e;
        }
    }

    private void requireJson(byte[] doc, String what) throws UpstreamException {
        try (JsonParser p = json.createParser(doc)) {
            if (p.nextToken() == null) {
                throw UpstreamException.protocol(inner.id(), "the " + what + " was empty", null);
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw UpstreamException.protocol(inner.id(), "the " + what + " is not one JSON document", null);
            }
        } catch (IOException e) {
            throw UpstreamException.protocol(inner.id(), "the " + what + " is not valid JSON", e);
        }
    }

    /** A stream whose first event has already been read. */
    private static final class Held implements EventStream {
        private final EventStream inner;
        private final boolean firstUsageOnly;
        private byte[] first;
        private boolean servingFirst;

        Held(EventStream inner, byte[] first, boolean firstUsageOnly) {
            this.inner = inner;
            this.first = first;
            this.firstUsageOnly = firstUsageOnly;
        }

        @Override
        public byte[] next() throws UpstreamException {
            if (first != null) {
                byte[] f = first;
                first = null;
                servingFirst = true;
                return f;
            }
            servingFirst = false;
            return inner.next();
        }

        @Override
        public TokenUsage usage() {
            return inner.usage();
        }

        @Override
        public String finishReason() {
            return inner.finishReason();
        }

        @Override
        public boolean usageOnly() {
            return servingFirst ? firstUsageOnly : inner.usageOnly();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
