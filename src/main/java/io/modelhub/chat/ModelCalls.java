package io.modelhub.chat;

import io.modelhub.api.ApiException;
import io.modelhub.api.ChatRequest;
import io.modelhub.auth.Principal;
import io.modelhub.catalog.CatalogHolder;
import io.modelhub.catalog.Model;
import io.modelhub.limits.Limiter;
import io.modelhub.routing.Routed;
import io.modelhub.routing.Router;
import io.modelhub.usage.CallMeter;
import io.modelhub.usage.Metering;
import io.helidon.webserver.http.ServerResponse;

/**
 * The one way an inbound API makes a model call: find the model, check the caller may use it, admit it
 * through rate limits and budget, start metering it and route it. Chat completions and every API
 * translated onto chat (Responses, Messages, legacy Completions) go through here, so none of them
 * carries its own copy of those rules; each only translates its request in and the answer out.
 */
public final class ModelCalls {
    private final CatalogHolder catalog;
    private final Router router;
    private final Limiter limiter;
    private final CallMeter meter;

    public ModelCalls(CatalogHolder catalog, Router router, Limiter limiter, Metering metering) {
        this.catalog = catalog;
        this.router = router;
        this.limiter = limiter;
        this.meter = new CallMeter(metering);
    }

    /** A routed call: its answer (whole, or a stream holding its first event), and its meter, to finish when it ends. */
    public record Started(Model model, Routed routed, CallMeter.Call call) {}

    /** The model of that id, or 404 {@code model_not_found}. */
    public Model model(String modelId) {
        Model model = modelId == null ? null : catalog.get().model(modelId);
        if (model == null) {
            throw ApiException.notFound("Model '" + modelId + "' does not exist. GET /v1/models lists the models.",
                    "model", "model_not_found");
        }
        return model;
    }

    /**
     * Admits, meters and routes {@code request} (already in the hub's chat shape). Sets the rate-limit
     * headers on {@code res}. Throws the {@link ApiException} the client should see when the model is
     * unknown or not allowed, a limit is hit, or no offering answered (that last one metered as a failed call).
     *
     * @param promptBytes the size of the client's request, for the token estimate
     * @param providerHeader the client's {@code x-modelhub-provider}, or null
     */
    public Started start(Principal caller, ChatRequest request, long promptBytes, String requestId, String providerHeader,
                         ServerResponse res) {
        Admitted admitted = admit(caller, request, promptBytes, requestId, res);
        CallMeter.Call call = admitted.call();
        try {
            return new Started(admitted.model(), router.route(admitted.model(), request, requestId, providerHeader), call);
        } catch (ApiException e) {
            call.fail(e.status(), e.type());
            throw e;
        }
    }

    /** A call admitted but not routed (yet): an answer from the response cache needs no upstream. */
    public record Admitted(Model model, CallMeter.Call call) {}

    /**
     * Every check of {@link #start} but the routing: the model exists and is allowed, the limits admit the call
     * (rate-limit headers set on {@code res}); metering has started.
     */
    public Admitted admit(Principal caller, ChatRequest request, long promptBytes, String requestId, ServerResponse res) {
        Model model = model(request.model());
        if (!caller.mayUse(model.id())) {
            throw ApiException.forbidden("This key may not use model '" + model.id() + "'.", "model_not_allowed");
        }
        // Rate limits and budget: 429 here, before any upstream is called.
        limiter.admit(caller, CallMeter.estimatePromptTokens(promptBytes), requestId).applyTo(res);
        return new Admitted(model, meter.start(caller, model.id(), requestId, promptBytes, CallMeter.Origin.DIRECT));
    }
}
