package io.modelhub.chat;

import io.modelhub.api.ApiException;
import io.modelhub.api.Bodies;
import io.modelhub.api.ChatRequest;
import io.modelhub.api.Errors;
import io.modelhub.api.RequestIds;
import io.modelhub.api.Headers;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.catalog.CatalogHolder;
import io.modelhub.auth.Principal;
import io.modelhub.catalog.Model;
import io.modelhub.catalog.Offering;
import io.modelhub.limits.Limiter;
import io.modelhub.usage.Metering;
import io.modelhub.usage.UsageRecord;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.routing.Routed;
import io.modelhub.routing.Router;
import io.modelhub.usage.TokenUsage;

/**
 * {@code POST /v1/chat/completions}: parses the request, routes it to an offering and relays the answer.
 * A stream is relayed event by event as the upstream sends it, never gathered first.
 */
public final class ChatCompletionsEndpoint {

    private final ObjectMapper json;
    private final Bodies bodies;
    private final CatalogHolder catalog;
    private final Router router;
    private final ChatRelay relay;
    private final Metering metering;
    private final Limiter limiter;

    public ChatCompletionsEndpoint(ObjectMapper json, Bodies bodies, CatalogHolder catalog, Router router, Errors errors, Metering metering,
            Limiter limiter) {
        this.metering = metering;
        this.limiter = limiter;
        this.json = json;
        this.bodies = bodies;
        this.catalog = catalog;
        this.router = router;
        this.relay = new ChatRelay(json, errors);
    }

    public void handle(ServerRequest req, ServerResponse res, Principal caller) {
        long started = System.nanoTime();
        long startedMs = System.currentTimeMillis();
        byte[] body = bodies.read(req);
        ChatRequest request = ChatRequest.parse(json, body);
        Model model = catalog.get().model(request.model());
        if (model == null) {
            throw ApiException.notFound("Model '" + request.model() + "' does not exist. GET /v1/models lists the models.",
                    "model", "model_not_found");
        }
        if (!caller.mayUse(model.id())) {
            throw ApiException.forbidden("This key may not use model '" + model.id() + "'.", "model_not_allowed");
        }
        String requestId = RequestIds.of(res);
        // Rate limits and budget: 429 here, before any upstream is called. ~4 bytes of JSON per token is the up-front estimate.
        limiter.admit(caller, body.length / 4, requestId).applyTo(res);
        Call call = new Call(caller, model, requestId, started, startedMs, body.length);
        Routed routed;
        try {
            routed = router.route(model, request, requestId, req.headers().first(Headers.PROVIDER).orElse(null));
        } catch (ApiException e) {
            call.finish(null, TokenUsage.NONE, e.status(), e.type());
            throw e;
        }
        ChatRelay.routedHeaders(res, routed);
        switch (routed.reply()) {
            case UpstreamReply.Complete c -> call.finish(routed.offering(), relay.complete(res, c), 200, null);
            case UpstreamReply.Streaming s -> relay.stream(res, request.includeUsage(), s.events(), outcome -> {
                call.firstTokenNanos = outcome.firstEventNanos();
                call.finish(routed.offering(), outcome.usage() == null ? call.estimate(outcome.relayedEvents()) : outcome.usage(), 200,
                        outcome.errorType());
            });
        }
    }

    /** The measurements of one call, turned into its usage record when it ends. */
    private final class Call {
        final Principal caller;
        final Model model;
        final String requestId;
        final long startedNanos;
        final long startedMs;
        final int bodyBytes;
        long firstTokenNanos;

        Call(Principal caller, Model model, String requestId, long startedNanos, long startedMs, int bodyBytes) {
            this.bodyBytes = bodyBytes;
            this.caller = caller;
            this.model = model;
            this.requestId = requestId;
            this.startedNanos = startedNanos;
            this.startedMs = startedMs;
        }

        void finish(Offering offering, TokenUsage usage, int status, String errorType) {
            long now = System.nanoTime();
            metering.record(new UsageRecord(UsageRecord.newId(), startedMs, caller.keyId(), model.id(),
                    offering == null ? null : offering.providerId(), null, null, null, false,
                    usage.promptTokens(), usage.completionTokens(),
                    offering == null ? 0.0 : offering.costUsd(usage.promptTokens(), usage.completionTokens()),
                    (now - startedNanos) / 1_000_000, firstTokenNanos == 0 ? null : (firstTokenNanos - startedNanos) / 1_000_000,
                    status, errorType, requestId));
        }

        /**
         * Usage of a stream that ended before the upstream reported it (client gone, upstream failed): the
         * tokens were still spent, so they are estimated rather than metered as zero. About four bytes of
         * request per prompt token, and one token per relayed chunk after the first (which carries the role).
         */
        TokenUsage estimate(long relayedEvents) {
            return new TokenUsage(Math.max(1, bodyBytes / 4), Math.max(0, relayedEvents - 1));
        }
    }

}
