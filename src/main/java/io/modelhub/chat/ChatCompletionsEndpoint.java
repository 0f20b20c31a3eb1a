package io.modelhub.chat;

import io.modelhub.auth.Guard;
import io.helidon.webserver.http.HttpRouting;
import io.modelhub.api.Bodies;
import io.modelhub.api.ChatRequest;
import io.modelhub.api.Errors;
import io.modelhub.api.RequestIds;
import io.modelhub.api.Headers;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.auth.Principal;
import io.modelhub.cache.ResponseCache;
import io.modelhub.usage.CallMeter;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.routing.Routed;

/**
 * {@code POST /v1/chat/completions}: parses the request, routes it to an offering and relays the answer.
 * A stream is relayed event by event as the upstream sends it, never gathered first.
 */
public final class ChatCompletionsEndpoint {
    private final ObjectMapper json;
    private final Bodies bodies;
    private final ModelCalls calls;
    private final ChatRelay relay;
    private final ResponseCache cache;

    public ChatCompletionsEndpoint(ObjectMapper json, Bodies bodies, ModelCalls calls, Errors errors, ResponseCache cache) {
        this.json = json;
        this.bodies = bodies;
        this.calls = calls;
        this.relay = new ChatRelay(json, errors);
        this.cache = cache;
    }

    public void handle(ServerRequest req, ServerResponse res, Principal caller) {
        byte[] body = bodies.read(req);
        ChatRequest request = ChatRequest.parse(json, body);
        String providerHeader = req.headers().first(Headers.PROVIDER).orElse(null);
        String cacheKey = cache.keyFor(req, request, providerHeader, caller.keyId());
        if (cacheKey != null) {
            ResponseCache.Cached cached = cache.find(cacheKey);
            if (cached != null) {
                answerFromCache(res, caller, request, body.length, cached);
                return;
            }
            res.header(ResponseCache.HEADER, "miss");
        }
        ModelCalls.Started started = calls.start(caller, request, body.length, RequestIds.of(res), providerHeader, res);
        Routed routed = started.routed();
        CallMeter.Call call = started.call();
        ChatRelay.routedHeaders(res, routed);
        String provider = routed.offering().providerId();
        switch (routed.reply()) {
            case UpstreamReply.Complete c -> {
                // Kept before it is sent: the same request right after this answer (on any node) is a hit.
                if (cacheKey != null) {
                    cache.put(cacheKey, provider, c.body());
                }
                // Metered even when the client is gone before the answer is sent: the tokens were spent.
                try {
                    relay.complete(res, c);
                } finally {
                    call.finish(routed.offering(), c.usage(), 0, 200, null);
                }
            }
            case UpstreamReply.Streaming s -> relay.stream(res, request.includeUsage(),
                    cacheKey == null ? s.events() : cache.recording(cacheKey, provider, s.events()), outcome -> {
                call.firstTokenAt(outcome.firstEventNanos());
                call.finish(routed.offering(), outcome.usage(), outcome.relayedEvents(), 200, outcome.errorType());
            });
        }
    }

    /** A cache hit: admitted and metered like any call (no upstream cost), answered as JSON or replayed as a stream. */
    private void answerFromCache(ServerResponse res, Principal caller, ChatRequest request, long promptBytes,
                                 ResponseCache.Cached cached) {
        CallMeter.Call call = calls.admit(caller, request, promptBytes, RequestIds.of(res), res).call();
        res.header(ResponseCache.HEADER, "hit");
        if (cached.provider() != null) {
            res.header(Headers.PROVIDER, cached.provider());
        }
        res.header(Headers.ATTEMPTS, "0");
        if (request.stream()) {
            relay.stream(res, request.includeUsage(), cache.events(cached), outcome -> {
                call.firstTokenAt(outcome.firstEventNanos());
                call.finishCached(cached.usage());
            });
        } else {
            relay.complete(res, cache.complete(cached));
            call.finishCached(cached.usage());
        }
    }

    /** Inference (API.md section 4). */
    public void routes(HttpRouting.Builder r, Guard guard) {
        r.post("/v1/chat/completions", guard.read(this::handle));
    }
}
