package io.modelhub.embeddings;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.api.Bodies;
import io.modelhub.api.ChatRequest;
import io.modelhub.api.Headers;
import io.modelhub.api.RequestIds;
import io.modelhub.auth.Principal;
import io.modelhub.chat.ChatRelay;
import io.modelhub.chat.ModelCalls;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.routing.Routed;

/**
 * {@code POST /v1/embeddings}: the OpenAI embeddings API, for models with the capability
 * {@code embeddings}. Admitted, routed (with fallbacks) and metered on input tokens like any model call;
 * the upstream's answer is relayed as it came.
 */
public final class EmbeddingsEndpoint {
    private final ObjectMapper json;
    private final Bodies bodies;
    private final ModelCalls calls;

    public EmbeddingsEndpoint(ObjectMapper json, Bodies bodies, ModelCalls calls) {
        this.json = json;
        this.bodies = bodies;
        this.calls = calls;
    }

    public void handle(ServerRequest req, ServerResponse res, Principal caller) {
        byte[] body = bodies.read(req);
        ChatRequest request = EmbeddingsRequest.parse(json, body);
        ModelCalls.Started started = calls.startEmbeddings(caller, request, body.length, RequestIds.of(res),
                req.headers().first(Headers.PROVIDER).orElse(null), res);
        Routed routed = started.routed();
        ChatRelay.routedHeaders(res, routed);
        // embed() only ever answers whole.
        UpstreamReply.Complete answer = (UpstreamReply.Complete) routed.reply();
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(answer.body());
        started.call().finish(routed.offering(), answer.usage(), 0, 200, null);
    }
}
