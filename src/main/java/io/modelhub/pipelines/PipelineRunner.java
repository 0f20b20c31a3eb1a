package io.modelhub.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.auth.Principal;
import io.modelhub.catalog.CatalogHolder;
import io.modelhub.catalog.Model;
import io.modelhub.catalog.Offering;
import io.modelhub.providers.EventStream;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.routing.Routed;
import io.modelhub.limits.Budgets;
import io.modelhub.limits.Demand;
import io.modelhub.limits.Limiter;
import io.modelhub.routing.Router;
import io.modelhub.api.ApiException;
import io.modelhub.api.ChatRequest;
import io.modelhub.usage.Metering;
import io.modelhub.usage.TokenUsage;
import io.modelhub.usage.CallMeter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a pipeline version: each step in order, its prompt rendered from the inputs and the earlier
 * outputs, routed like any chat completion, and metered as one usage record per step. The last step
 * may be left streaming for the caller to relay.
 */
public final class PipelineRunner {
    private final ObjectMapper json;
    private final CatalogHolder catalog;
    private final Router router;
    private final CallMeter callMeter;
    private final Limiter limiter;

    /** Who runs what: the usage records of the run carry these. {@code deploymentId} is null for tests. */
    public record Context(Principal caller, String requestId, String pipelineId, String deploymentId, int version, boolean test) {}

    /** What one step did. {@code output} is the answer's text (its tool calls as JSON when it called tools). */
    public record StepResult(String id, String model, String provider, int attempts, String output,
                             TokenUsage usage, Double costUsd, long latencyMs) {}

    /** How a run ended. */
    public sealed interface Outcome {
        List<StepResult> steps();
    }

    /** Every step ran; {@code last} is the last step's answer as the provider sent it. */
    public record Finished(List<StepResult> steps, String output, UpstreamReply.Complete last) implements Outcome {}

    /** Every step but the last ran; the last is streaming and its {@link StepMeter} must be told when it ends. */
    public record Streaming(List<StepResult> steps, Routed routed, EventStream events, StepMeter meter) implements Outcome {}

    public PipelineRunner(ObjectMapper json, CatalogHolder catalog, Router router, Metering metering, Limiter limiter) {
        this.json = json;
        this.limiter = limiter;
        this.catalog = catalog;
        this.router = router;
        this.callMeter = new CallMeter(metering);
    }

    /**
     * Starts metering one step, after reserving its worst-case cost against the caller's budget (429 when it
     * does not fit); the reservation ends when the step is metered.
     */
    private CallMeter.Call meter(Context ctx, Model model, ChatRequest request) {
        long promptBytes = request.body().toString().length();
        Budgets.Hold hold = limiter.reserveBudget(ctx.caller(),
                Demand.of(model.offerings(), CallMeter.estimatePromptTokens(promptBytes), request.maxOutputTokens()));
        CallMeter.Call call = callMeter.start(ctx.caller(), model.id(), ctx.requestId(), promptBytes,
                new CallMeter.Origin(ctx.pipelineId(), ctx.deploymentId(), ctx.version(), ctx.test()));
        call.afterFinish(() -> limiter.release(hold));
        return call;
    }

    /** Runs the pipeline; with {@code streamLast} the last step is requested as a stream and handed back unread. */
    public Outcome run(PipelineSpec spec, RunInput input, Context ctx, boolean streamLast) {
        Map<String, String> outputs = new HashMap<>();
        List<StepResult> done = new ArrayList<>();
        List<PipelineSpec.Step> steps = spec.steps();
        UpstreamReply.Complete last = null;
        for (int i = 0; i < steps.size(); i++) {
            PipelineSpec.Step step = steps.get(i);
            boolean stream = streamLast && i == steps.size() - 1;
            Model model = model(step, i);
            if (!ctx.caller().mayUse(model.id())) {
                throw ApiException.forbidden("This key may not use model '" + model.id() + "', which step '" + step.id()
                        + "' of this pipeline calls.", "model_not_allowed");
            }
            ChatRequest request = ChatRequest.of(body(step, input, outputs, stream), true);
            StepMeter meter;
            try {
                meter = new StepMeter(step.id(), model.id(), meter(ctx, model, request));
            } catch (ApiException e) {
                throw inStep(step, e);
            }
            Routed routed;
            try {
                routed = router.route(model, request, ctx.requestId(), null);
            } catch (ApiException e) {
                meter.finish(null, TokenUsage.NONE, 0, e.status(), e.type());
                throw inStep(step, e);
            }
            switch (routed.reply()) {
                case UpstreamReply.Streaming s -> {
                    if (stream) {
                        meter.routed = routed;
                        return new Streaming(List.copyOf(done), routed, s.events(), meter);
                    }
                    // A provider must answer a non-streaming request whole; a stream here is its fault.
                    s.events().close();
                    meter.finish(routed.offering(), TokenUsage.NONE, 0, 502, "upstream_error");
                    throw inStep(step, ApiException.upstream("Provider '" + routed.offering().providerId()
                            + "' streamed an answer to a non-streaming request.", "upstream_invalid_response"));
                }
                case UpstreamReply.Complete c -> {
                    String text = text(c.body());
                    if (text == null) {
                        meter.finish(routed.offering(), TokenUsage.NONE, 0, 502, "upstream_error");
                        throw inStep(step, ApiException.upstream("Provider '" + routed.offering().providerId()
                                + "' answered with a body that is not a chat completion.", "upstream_invalid_response"));
                    }
                    StepResult r = meter.finish(routed.offering(), c.usage(), routed.attempts(), 200, null);
                    r = new StepResult(r.id(), r.model(), r.provider(), r.attempts(), text, r.usage(), r.costUsd(), r.latencyMs());
                    done.add(r);
                    outputs.put(step.id(), text);
                    last = c;
                }
            }
        }
        return new Finished(List.copyOf(done), done.getLast().output(), last);
    }

    private Model model(PipelineSpec.Step step, int index) {
        Model m = catalog.get().model(step.model());
        if (m == null) {
            throw ApiException.notFound("Model '" + step.model() + "', which step '" + step.id()
                    + "' calls, is no longer in the catalog. Change the pipeline to use another model.",
                    step.conversation() ? "model" : "steps[" + index + "].model", "model_not_found");
        }
        return m;
    }

    /** The same error, its message saying which step failed. */
    private static ApiException inStep(PipelineSpec.Step step, ApiException e) {
        return new ApiException(e.status(), e.type(), "Step '" + step.id() + "' failed: " + e.getMessage(), e.param(), e.code(), e.headers());
    }

    private ObjectNode body(PipelineSpec.Step step, RunInput input, Map<String, String> outputs, boolean stream) {
        ObjectNode body = json.createObjectNode();
        body.put("model", step.model());
        ArrayNode messages = body.putArray("messages");
        if (step.instructions() != null) {
            messages.addObject().put("role", "system").put("content", step.instructions().render(input.values(), outputs));
        }
        if (step.conversation()) {
            if (input.conversation() != null) {
                messages.addAll(input.conversation());
            } else {
                String chat = input.chatInput() == null ? "" : input.values().getOrDefault(input.chatInput(), "");
                messages.addObject().put("role", "user").put("content", chat);
            }
        }
        for (PipelineSpec.StepMessage m : step.messages()) {
            messages.addObject().put("role", m.role()).put("content", m.content().render(input.values(), outputs));
        }
        if (step.prompt() != null) {
            messages.addObject().put("role", "user").put("content", step.prompt().render(input.values(), outputs));
        }
        body.setAll(step.params().deepCopy());
        if (stream) {
            body.put("stream", true);
        }
        return body;
    }

    /** The text of a chat completion's first choice (its tool calls as JSON), or null when the body is not one. */
    private String text(byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            return null;
        }
        if (root == null || !root.isObject() || !root.path("choices").isArray()) {
            return null;
        }
        JsonNode message = root.path("choices").path(0).path("message");
        if (message.path("content").isTextual()) {
            return message.path("content").asText();
        }
        return message.path("tool_calls").isArray() ? message.path("tool_calls").toString() : "";
    }

    /** Measures one step's model call and writes its usage record when it ends. */
    public static final class StepMeter {
        private final String stepId;
        private final String modelId;
        private final CallMeter.Call call;
        private Routed routed;

        StepMeter(String stepId, String modelId, CallMeter.Call call) {
            this.stepId = stepId;
            this.modelId = modelId;
            this.call = call;
        }

        /** Ends a streamed last step, as the relay saw it; usage null (never reported) is estimated as for direct calls. */
        public StepResult finishStream(TokenUsage usage, long relayedEvents, long firstEventNanos, String errorType) {
            call.firstTokenAt(firstEventNanos);
            CallMeter.Metered m = call.finish(routed.offering(), usage, relayedEvents, 200, errorType);
            return result(m, routed.attempts());
        }

        StepResult finish(Offering offering, TokenUsage usage, int attempts, int status, String errorType) {
            return result(call.finish(offering, usage, 0, status, errorType), attempts);
        }

        private StepResult result(CallMeter.Metered m, int attempts) {
            return new StepResult(stepId, modelId, m.provider(), attempts, null, m.usage(), m.costUsd(), m.latencyMs());
        }
    }
}
