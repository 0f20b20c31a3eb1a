package io.modelhub.chat;

import io.modelhub.api.ApiException;
import io.modelhub.api.ChatRequest;
import io.modelhub.auth.Principal;
import io.modelhub.catalog.Capability;
import io.modelhub.catalog.CatalogHolder;
import io.modelhub.catalog.Model;
import io.modelhub.limits.Admission;
import io.modelhub.limits.Demand;
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

    /** The model of that id if this caller may use it: else 404 {@code model_not_found} or 403 {@code model_not_allowed}. */
    public Model allowed(Principal caller, String modelId) {
        Model model = model(modelId);
        if (!caller.mayUse(model.id())) {
            throw ApiException.forbidden("This key may not use model '" + model.id() + "'.", "model_not_allowed");
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
        return start(caller, request, promptBytes, requestId, providerHeader, res, Router.Upstream.AS_IS);
    }

    /** {@link #start(Principal, ChatRequest, long, String, String, ServerResponse)}, each offering's provider called as {@code upstream} gives it. */
    public Started start(Principal caller, ChatRequest request, long promptBytes, String requestId, String providerHeader,
                         ServerResponse res, Router.Upstream upstream) {
        Admitted admitted = admit(caller, request, promptBytes, requestId, res);
        return route(admitted, () -> router.route(admitted.model(), request, requestId, providerHeader, upstream));
    }

    /**
     * As {@link #start}, for an OpenAI embeddings request ({@code request} wraps its body): only models
     * with the capability {@code embeddings} are taken (else 400 naming {@code model}).
     */
    public Started startEmbeddings(Principal caller, ChatRequest request, long promptBytes, String requestId, String providerHeader,
                                   ServerResponse res) {
        Model model = allowed(caller, request.model());
        if (!model.capabilities().contains(Capability.EMBEDDINGS)) {
            throw ApiException.badRequest("Model '" + model.id() + "' does not serve embeddings. GET /v1/models?capability=embeddings lists those that do.",
                    "model", "model_not_supported");
        }
        // An embedding produces no output tokens: its worst case is its input.
        Admitted admitted = admitted(caller, model, promptBytes, 0L, requestId, res);
        return route(admitted, () -> router.routeEmbeddings(model, request, requestId, providerHeader));
    }

    /** A call admitted but not routed (yet): an answer from the response cache needs no upstream. */
    public record Admitted(Model model, CallMeter.Call call) {}

    /**
     * Every check of {@link #start} but the routing: the model exists, is allowed and is a chat model, the
     * limits admit the call (rate-limit headers set on {@code res}); metering has started.
     */
    public Admitted admit(Principal caller, ChatRequest request, long promptBytes, String requestId, ServerResponse res) {
        Model model = allowed(caller, request.model());
        if (model.capabilities().contains(Capability.EMBEDDINGS)) {
            throw ApiException.badRequest("Model '" + model.id() + "' is an embedding model: send it to POST /v1/embeddings.",
                    "model", "model_not_supported");
        }
        return admitted(caller, model, promptBytes, request.maxOutputTokens(), requestId, res);
    }

    /**
     * Rate limits and budget: 429 here, before any upstream is called. Its worst case (prompt plus the most
     * output it may produce) is reserved until the call is metered.
     */
    private Admitted admitted(Principal caller, Model model, long promptBytes, Long maxOutputTokens, String requestId, ServerResponse res) {
        Admission admission = limiter.admit(caller,
                Demand.of(model.offerings(), CallMeter.estimatePromptTokens(promptBytes), maxOutputTokens), requestId);
        admission.applyTo(res);
        CallMeter.Call call = meter.start(caller, model.id(), requestId, promptBytes, CallMeter.Origin.DIRECT);
        call.afterFinish(() -> limiter.release(admission));
        return new Admitted(model, call);
    }

    private Started route(Admitted admitted, java.util.function.Supplier<Routed> routing) {
        try {
            return new Started(admitted.model(), routing.get(), admitted.call());
        } catch (ApiException e) {
            admitted.call().fail(e.status(), e.type());
            throw e;
        }
    }
}
