package io.modelhub.responses;

import io.modelhub.auth.Guard;
import io.helidon.webserver.http.HttpRouting;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.api.Bodies;
import io.modelhub.catalog.CatalogHolder;
import io.modelhub.chat.ModelCalls;
import io.modelhub.store.Store;

/** The Responses API area, assembled: its store and the endpoint behind its routes. */
public final class Responses {
    private final ResponsesEndpoint endpoint;

    public Responses(ObjectMapper json, Bodies bodies, ModelCalls calls, Store store, CatalogHolder catalog) {
        this.endpoint = new ResponsesEndpoint(json, bodies, calls, new ResponseStore(store), new Passthrough(catalog));
    }

    /** The Responses API (API.md section 10): translated onto chat; a stored response is visible to the key that made it. */
    public void routes(HttpRouting.Builder r, Guard guard) {
        r.post("/v1/responses", guard.read(endpoint::create));
        r.get("/v1/responses/{id}", guard.read(endpoint::get));
        r.delete("/v1/responses/{id}", guard.read(endpoint::delete));
        r.get("/v1/responses/{id}/input_items", guard.read(endpoint::inputItems));
    }
}
