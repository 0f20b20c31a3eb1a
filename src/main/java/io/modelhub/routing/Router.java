package io.modelhub.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.catalog.Model;
import io.modelhub.catalog.Offering;
import io.modelhub.config.HubConfig;
import io.modelhub.providers.ChatCall;
import io.modelhub.providers.EventStream;
import io.modelhub.providers.Provider;
import io.modelhub.providers.ProviderRegistry;
import io.modelhub.providers.UpstreamException;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.server.ApiException;
import io.modelhub.server.ChatRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends a request to the model's offerings in order until one answers, falling back on connection
 * errors, timeouts, 429 and 5xx while nothing has reached the client. A stream counts as answered once
 * its first event has arrived, so a stream that dies before that still falls back.
 */
public final class Router {
    private final ProviderRegistry providers;
    private final HubConfig.Routing config;

    public Router(ProviderRegistry providers, HubConfig.Routing config) {
        this.providers = providers;
        this.config = config;
    }

    public Routed route(Model model, ChatRequest request, String requestId) {
        List<Offering> candidates = new ArrayList<>();
        for (Offering o : model.offerings()) {
            if (providers.get(o.providerId()) != null) {
                candidates.add(o);
            }
        }
        if (candidates.isEmpty()) {
            throw ApiException.unavailable("No provider serves model '" + model.id() + "' right now.", "no_provider_available");
        }
        int maxAttempts = config.fallbacks() ? config.maxAttempts() : 1;
        List<UpstreamException> failures = new ArrayList<>();
        int attempts = 0;
        for (Offering offering : candidates) {
            if (attempts >= maxAttempts) {
                break;
            }
            attempts++;
            Provider provider = providers.get(offering.providerId());
            ObjectNode body = upstreamBody(request, offering);
            try {
                UpstreamReply reply = provider.chat(new ChatCall(requestId, offering, body, request.stream()));
                if (reply instanceof UpstreamReply.Streaming s) {
                    reply = new UpstreamReply.Streaming(FirstEvent.await(s.events()));
                }
                return new Routed(offering, attempts, List.of(), reply);
            } catch (UpstreamException e) {
                if (!e.retryable() && isClientError(e)) {
                    throw UpstreamErrors.passThrough(e);
                }
                failures.add(e);
            }
        }
        throw UpstreamErrors.allFailed(model.id(), failures);
    }

    private static boolean isClientError(UpstreamException e) {
        return e.kind() == UpstreamException.Kind.STATUS && (e.status() == 400 || e.status() == 413 || e.status() == 422);
    }

    /** The client's body rewritten for one offering; the client's own tree is left as it was. */
    static ObjectNode upstreamBody(ChatRequest request, Offering offering) {
        // A shallow copy: only top-level fields change, the messages are shared, never copied.
        ObjectNode body = request.body().objectNode();
        body.setAll(request.body());
        body.put("model", offering.upstreamModel());
        body.remove("provider");
        if (request.stream()) {
            // The hub meters every stream, so it always asks for usage; the client sees it only if it asked.
            ObjectNode options = body.putObject("stream_options");
            options.put("include_usage", true);
        }
        return body;
    }

    /** Holds back a stream until its first event, so that a failure before it can still fall back. */
    static final class FirstEvent implements EventStream {
        private final EventStream inner;
        private byte[] first;

        private FirstEvent(EventStream inner, byte[] first) {
            this.inner = inner;
            this.first = first;
        }

        static EventStream await(EventStream inner) throws UpstreamException {
            try {
                return new FirstEvent(inner, inner.next());
            } catch (UpstreamException e) {
                inner.close();
                throw e;
            }
        }

        @Override
        public byte[] next() throws UpstreamException {
            if (first != null) {
                byte[] f = first;
                first = null;
                return f;
            }
            return inner.next();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
