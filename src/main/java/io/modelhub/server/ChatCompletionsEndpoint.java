package io.modelhub.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Header;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.catalog.CatalogHolder;
import io.modelhub.auth.Principal;
import io.modelhub.catalog.Model;
import io.modelhub.catalog.Offering;
import io.modelhub.limits.Limiter;
import io.modelhub.usage.Metering;
import io.modelhub.usage.UsageRecord;
import io.modelhub.providers.EventStream;
import io.modelhub.providers.UpstreamException;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.routing.Routed;
import io.modelhub.routing.Router;
import io.modelhub.usage.TokenUsage;
import io.modelhub.usage.UsageParser;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /v1/chat/completions}: parses the request, routes it to an offering and relays the answer.
 * A stream is relayed event by event as the upstream sends it, never gathered first.
 */
public final class ChatCompletionsEndpoint {
    private static final Header JSON = HeaderValues.create(HeaderNames.CONTENT_TYPE, "application/json");
    private static final Header SSE = HeaderValues.create(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    private static final Header NO_CACHE = HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-cache");
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ObjectMapper json;
    private final Bodies bodies;
    private final CatalogHolder catalog;
    private final Router router;
    private final Errors errors;
    private final UsageParser usageParser;
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
        this.errors = errors;
        this.usageParser = new UsageParser(json);
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
        Call call = new Call(caller, model, requestId, started, startedMs);
        Routed routed;
        try {
            routed = router.route(model, request, requestId, req.headers().first(Headers.PROVIDER).orElse(null));
        } catch (ApiException e) {
            call.finish(null, TokenUsage.NONE, e.status(), e.type());
            throw e;
        }
        res.header(Headers.PROVIDER, routed.offering().providerId());
        res.header(Headers.ATTEMPTS, Integer.toString(routed.attempts()));
        if (!routed.droppedParams().isEmpty()) {
            res.header(Headers.DROPPED_PARAMS, String.join(",", routed.droppedParams()));
        }
        switch (routed.reply()) {
            case UpstreamReply.Complete c -> call.finish(routed.offering(), complete(res, c), 200, null);
            case UpstreamReply.Streaming s -> stream(res, request, s.events(), call, routed.offering());
        }
    }

    /** The measurements of one call, turned into its usage record when it ends. */
    private final class Call {
        final Principal caller;
        final Model model;
        final String requestId;
        final long startedNanos;
        final long startedMs;
        long firstTokenNanos;

        Call(Principal caller, Model model, String requestId, long startedNanos, long startedMs) {
            this.caller = caller;
            this.model = model;
            this.requestId = requestId;
            this.startedNanos = startedNanos;
            this.startedMs = startedMs;
        }

        void finish(Offering offering, TokenUsage usage, int status, String errorType) {
            long now = System.nanoTime();
            metering.record(new UsageRecord(requestId, startedMs, caller.keyId(), model.id(),
                    offering == null ? null : offering.providerId(), null, null, null, false,
                    usage.promptTokens(), usage.completionTokens(),
                    offering == null ? 0.0 : offering.costUsd(usage.promptTokens(), usage.completionTokens()),
                    (now - startedNanos) / 1_000_000, firstTokenNanos == 0 ? null : (firstTokenNanos - startedNanos) / 1_000_000,
                    status, errorType, requestId));
        }
    }

    private TokenUsage complete(ServerResponse res, UpstreamReply.Complete c) {
        res.header(JSON);
        res.send(c.body());
        return c.usage();
    }

    private void stream(ServerResponse res, ChatRequest request, EventStream events, Call call, Offering offering) {
        TokenUsage usage = TokenUsage.NONE;
        String errorType = null;
        res.header(SSE);
        res.header(NO_CACHE);
        OutputStream out = res.outputStream();
        try (events) {
            while (true) {
                byte[] event;
                try {
                    event = events.next();
                } catch (UpstreamException e) {
                    ApiException api = midStreamError(e);
                    errorType = api.type();
                    out.write(DATA);
                    out.write(errors.body(api));
                    out.write(END);
                    break;
                }
                if (event == null) {
                    out.write(DONE);
                    break;
                }
                if (call.firstTokenNanos == 0) {
                    call.firstTokenNanos = System.nanoTime();
                }
                UsageParser.Found found = usageParser.find(event);
                if (found != null) {
                    usage = found.usage();
                    if (!request.includeUsage() && found.choicesEmpty()) {
                        continue;
                    }
                }
                out.write(DATA);
                out.write(event);
                out.write(END);
                out.flush();
            }
            out.close();
        } catch (IOException | UncheckedIOException e) {
            // The client went away: closing the events (try-with-resources) cancels the upstream request.
            errorType = "client_disconnected";
        } finally {
            call.finish(offering, usage, 200, errorType);
        }
    }

    private static ApiException midStreamError(UpstreamException e) {
        return e.kind() == UpstreamException.Kind.TIMEOUT
                ? ApiException.timeout("Provider '" + e.providerId() + "' stopped sending: " + e.getMessage())
                : ApiException.upstream("Provider '" + e.providerId() + "' failed mid-stream: " + e.getMessage(), "upstream_failed");
    }
}
