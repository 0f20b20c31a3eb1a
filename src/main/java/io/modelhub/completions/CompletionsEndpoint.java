package io.modelhub.completions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.api.ApiException;
import io.modelhub.api.Bodies;
import io.modelhub.api.Errors;
import io.modelhub.api.Headers;
import io.modelhub.api.JsonBody;
import io.modelhub.api.RequestIds;
import io.modelhub.auth.Principal;
import io.modelhub.chat.ChatRelay;
import io.modelhub.chat.ModelCalls;
import io.modelhub.chat.TranslatedRelay;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.routing.Routed;
import io.modelhub.usage.CallMeter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /v1/completions}: OpenAI's legacy text completions, plain and streamed, served by any
 * chat model: translated into a chat request, admitted, metered and routed like chat, and answered in
 * the {@code text_completion} shape.
 */
public final class CompletionsEndpoint {
    private final ObjectMapper json;
    private final Bodies bodies;
    private final ModelCalls calls;
    private final Errors errors;
    private final TranslatedRelay relay;

    public CompletionsEndpoint(ObjectMapper json, Bodies bodies, ModelCalls calls, Errors errors) {
        this.json = json;
        this.bodies = bodies;
        this.calls = calls;
        this.errors = errors;
        this.relay = new TranslatedRelay(json);
    }

    public void handle(ServerRequest req, ServerResponse res, Principal caller) {
        byte[] body = bodies.read(req);
        CompletionsRequest request = CompletionsRequest.parse(json, JsonBody.object(json, body));
        ModelCalls.Started started = calls.start(caller, request.chat(), body.length, RequestIds.of(res),
                req.headers().first(Headers.PROVIDER).orElse(null), res);
        Routed routed = started.routed();
        CallMeter.Call call = started.call();
        ChatRelay.routedHeaders(res, routed);
        switch (routed.reply()) {
            case UpstreamReply.Complete c -> {
                ObjectNode answer;
                try {
                    answer = TextCompletions.whole(json, c.body(), request);
                } catch (IOException e) {
                    call.finish(routed.offering(), c.usage(), 0, 502, "upstream_error");
                    throw ApiException.upstream("Provider '" + routed.offering().providerId() + "' answered with invalid JSON.", "upstream_failed");
                }
                res.header(HeaderNames.CONTENT_TYPE, "application/json");
                res.send(answer.toString().getBytes(StandardCharsets.UTF_8));
                call.finish(routed.offering(), c.usage(), 0, 200, null);
            }
            case UpstreamReply.Streaming s -> relay.stream(res, s.events(), new TextCompletions(json, errors, request), outcome -> {
                call.firstTokenAt(outcome.firstEventNanos());
                call.finish(routed.offering(), outcome.usage(), outcome.relayedEvents(), 200, outcome.errorType());
            });
        }
    }
}
