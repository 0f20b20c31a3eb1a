package io.modelhub.chat;

import io.modelhub.api.Bodies;
import io.modelhub.api.ChatRequest;
import io.modelhub.api.Errors;
import io.modelhub.api.RequestIds;
import io.modelhub.api.Headers;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.auth.Principal;
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

    public ChatCompletionsEndpoint(ObjectMapper json, Bodies bodies, ModelCalls calls, Errors errors) {
        this.json = json;
        this.bodies = bodies;
        this.calls = calls;
        this.relay = new ChatRelay(json, errors);
    }

    public void handle(ServerRequest req, ServerResponse res, Principal caller) {
        byte[] body = bodies.read(req);
        ChatRequest request = ChatRequest.parse(json, body);
        ModelCalls.Started started = calls.start(caller, request, body.length, RequestIds.of(res),
                req.headers().first(Headers.PROVIDER).orElse(null), res);
        Routed routed = started.routed();
        CallMeter.Call call = started.call();
        ChatRelay.routedHeaders(res, routed);
        switch (routed.reply()) {
            case UpstreamReply.Complete c -> {
                // Metered even when the client is gone before the answer is sent: the tokens were spent.
                try {
                    relay.complete(res, c);
                } finally {
                    call.finish(routed.offering(), c.usage(), 0, 200, null);
                }
            }
            case UpstreamReply.Streaming s -> relay.stream(res, request.includeUsage(), s.events(), outcome -> {
                call.firstTokenAt(outcome.firstEventNanos());
                call.finish(routed.offering(), outcome.usage(), outcome.relayedEvents(), 200, outcome.errorType());
            });
        }
    }
}
