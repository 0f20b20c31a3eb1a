package io.modelhub.pipelines;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.auth.Principal;
import io.modelhub.api.ApiException;
import io.modelhub.limits.Limiter;
import io.modelhub.chat.ChatRelay;
import io.modelhub.api.ChatRequest;
import io.modelhub.api.Headers;
import io.modelhub.api.RequestIds;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code /v1/deployments/{id}...}: retire a deployment, invoke it on inputs, or talk to it as an
 * OpenAI chat completions endpoint (so an OpenAI client can use the deployment's endpoint as its base URL).
 */
public final class DeploymentsEndpoint {
    static final HeaderName DEPLOYMENT = HeaderNames.create("x-modelhub-deployment");
    static final HeaderName PIPELINE_VERSION = HeaderNames.create("x-modelhub-pipeline-version");

    private final ObjectMapper json;
    private final ObjectBody bodies;
    private final PipelineStore store;
    private final LiveDeployments live;
    private final PipelineRunner runner;
    private final PipelineViews views;
    private final ChatRelay relay;
    private final Limiter limiter;

    DeploymentsEndpoint(ObjectMapper json, ObjectBody bodies, PipelineStore store, LiveDeployments live, PipelineRunner runner,
                        PipelineViews views, ChatRelay relay, Limiter limiter) {
        this.limiter = limiter;
        this.json = json;
        this.bodies = bodies;
        this.store = store;
        this.live = live;
        this.runner = runner;
        this.views = views;
        this.relay = relay;
    }

    /** A run's prompt tokens, guessed up front from the body size as for chat completions; corrected by the real usage. */
    static long estimatedTokens(ServerRequest req) {
        return req.headers().contentLength().orElse(0) / 4;
    }

    /** {@code DELETE /v1/deployments/{id}}: retires it; from then on it answers 404. */
    public void retire(ServerRequest req, ServerResponse res, Principal caller) {
        String id = id(req);
        if (!store.retire(id, System.currentTimeMillis())) {
            live.invalidate(id);
            throw notFound(id);
        }
        live.invalidate(id);
        ObjectNode o = views.deployment(store.deployment(id).orElseThrow(() -> notFound(id)), req);
        o.put("deleted", true);
        send(res, o);
    }

    /** {@code POST /v1/deployments/{id}/invoke} on {@code {"inputs":{...}}} (or {@code messages}). */
    public void invoke(ServerRequest req, ServerResponse res, Principal caller) {
        long started = System.nanoTime();
        LiveDeployments.Live d = active(req);
        ObjectNode body = bodies.read(req, true);
        RunInput input = RunInput.resolve(d.spec(), body.get("inputs"), PipelinesEndpoint.messages(body));
        String requestId = RequestIds.of(res);
        limiter.admit(caller, estimatedTokens(req), requestId).applyTo(res);
        PipelineRunner.Finished f = (PipelineRunner.Finished) runner.run(d.spec(), input, context(d, caller, requestId), false);
        headers(res, d);
        send(res, views.run(requestId, d.deployment().pipelineId(), d.deployment().version(), d.deployment().id(), false, f,
                (System.nanoTime() - started) / 1_000_000, false));
    }

    /**
     * {@code POST /v1/deployments/{id}/chat/completions}: the caller's {@code messages} feed the pipeline
     * (its chat input, or the whole conversation for a pipeline without steps); {@code model} is optional
     * and ignored; an {@code inputs} field may give the other inputs. The answer is the last step's, as
     * its provider sent it, streamed through when {@code stream} is true.
     */
    public void chat(ServerRequest req, ServerResponse res, Principal caller) {
        LiveDeployments.Live d = active(req);
        ObjectNode body = bodies.read(req, false);
        ChatRequest request = ChatRequest.of(body, false);
        RunInput input = RunInput.resolve(d.spec(), body.get("inputs"), (ArrayNode) body.get("messages"));
        String requestId = RequestIds.of(res);
        limiter.admit(caller, estimatedTokens(req), requestId).applyTo(res);
        PipelineRunner.Outcome outcome = runner.run(d.spec(), input, context(d, caller, requestId), request.stream());
        headers(res, d);
        switch (outcome) {
            case PipelineRunner.Finished f -> {
                res.header(Headers.PROVIDER, f.steps().getLast().provider());
                res.header(Headers.ATTEMPTS, Integer.toString(f.steps().getLast().attempts()));
                relay.complete(res, f.last());
            }
            case PipelineRunner.Streaming s -> {
                ChatRelay.routedHeaders(res, s.routed());
                relay.stream(res, request.includeUsage(), s.events(),
                        end -> s.meter().finishStream(end.usage(), end.relayedEvents(), end.firstEventNanos(), end.errorType()));
            }
        }
    }

    private LiveDeployments.Live active(ServerRequest req) {
        String id = id(req);
        LiveDeployments.Live d = live.get(id);
        if (d == null) {
            throw notFound(id);
        }
        return d;
    }

    private static PipelineRunner.Context context(LiveDeployments.Live d, Principal caller, String requestId) {
        return new PipelineRunner.Context(caller, requestId, d.deployment().pipelineId(), d.deployment().id(), d.deployment().version(), false);
    }

    private static void headers(ServerResponse res, LiveDeployments.Live d) {
        res.header(DEPLOYMENT, d.deployment().id());
        res.header(PIPELINE_VERSION, Integer.toString(d.deployment().version()));
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("Deployment '" + id + "' does not exist or was retired. GET /v1/pipelines/{id}/deployments lists"
                + " a pipeline's deployments.", "deployment_id", "deployment_not_found");
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    private void send(ServerResponse res, ObjectNode body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            res.send(json.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
