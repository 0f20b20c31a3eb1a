package io.modelhub.messages;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.api.ApiException;
import io.modelhub.api.Bodies;
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
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/messages} and {@code POST /v1/messages/count_tokens}: the Anthropic Messages API in
 * front of any catalog model. A request is translated into the hub's chat request, goes through the one
 * admit-meter-route path ({@link ModelCalls}) and its answer is translated back: whole, or event by
 * event as the upstream streams it. {@code anthropic-version} is accepted and needs no particular value.
 */
public final class MessagesEndpoint {
    private final ObjectMapper json;
    private final Bodies bodies;
    private final ModelCalls calls;
    private final AnthropicErrors errors;
    private final TranslatedRelay relay;

    public MessagesEndpoint(ObjectMapper json, Bodies bodies, ModelCalls calls, System.Logger log) {
        this.json = json;
        this.bodies = bodies;
        this.calls = calls;
        this.errors = new AnthropicErrors(json, log);
        this.relay = new TranslatedRelay(json);
    }

    /** {@code handler} (its credential check included) answering every error in Anthropic's shape. */
    public io.helidon.webserver.http.Handler anthropicErrors(io.helidon.webserver.http.Handler handler) {
        return errors.around(handler);
    }

    public void create(ServerRequest req, ServerResponse res, Principal caller) {
        byte[] body = bodies.read(req);
        MessagesRequest request = MessagesRequest.parse(json, JsonBody.object(json, body), true);
        String requestId = RequestIds.of(res);
        ModelCalls.Started started = calls.start(caller, request.chat(), body.length, requestId,
                req.headers().first(Headers.PROVIDER).orElse(null), res);
        Routed routed = started.routed();
        CallMeter.Call call = started.call();
        ChatRelay.routedHeaders(res, routed);
        if (!request.notForwarded().isEmpty()) {
            List<String> dropped = new ArrayList<>(request.notForwarded());
            dropped.addAll(routed.droppedParams());
            res.header(Headers.DROPPED_PARAMS, String.join(",", dropped));
        }
        switch (routed.reply()) {
            case UpstreamReply.Complete c -> {
                ObjectNode message;
                try {
                    message = MessageAnswer.of(json, c.body(), c.usage(), request.model());
                } catch (IOException e) {
                    call.finish(routed.offering(), c.usage(), 0, 502, "upstream_error");
                    throw ApiException.upstream("Provider '" + routed.offering().providerId() + "' answered with invalid JSON.", "upstream_failed");
                }
                res.header(HeaderNames.CONTENT_TYPE, "application/json");
                res.send(message.toString().getBytes(StandardCharsets.UTF_8));
                call.finish(routed.offering(), c.usage(), 0, 200, null);
            }
            case UpstreamReply.Streaming s -> relay.stream(res, s.events(), new MessageEvents(json, request.model(), errors, requestId), outcome -> {
                call.firstTokenAt(outcome.firstEventNanos());
                call.finish(routed.offering(), outcome.usage(), outcome.relayedEvents(), 200, outcome.errorType());
            });
        }
    }

    /**
     * Counts a request's input tokens without calling a model: the same translation as {@link #create},
     * estimated by the hub's one rule (about four bytes of the translated prompt per token), since no
     * provider's tokenizer is at hand. Not metered and not rate limited, as no model is called.
     */
    public void countTokens(ServerRequest req, ServerResponse res, Principal caller) {
        byte[] body = bodies.read(req);
        MessagesRequest request = MessagesRequest.parse(json, JsonBody.object(json, body), false);
        calls.allowed(caller, request.model());
        ObjectNode chat = request.chat().body();
        long bytes = chat.path("messages").toString().length() + (chat.has("tools") ? chat.get("tools").toString().length() : 0);
        ObjectNode out = json.createObjectNode();
        out.put("input_tokens", CallMeter.estimatePromptTokens(bytes));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(out.toString().getBytes(StandardCharsets.UTF_8));
    }
}
