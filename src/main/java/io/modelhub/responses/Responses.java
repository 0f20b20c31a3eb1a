package io.modelhub.responses;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.api.Bodies;
import io.modelhub.catalog.CatalogHolder;
import io.modelhub.chat.ModelCalls;
import io.modelhub.store.Store;

/** The Responses API area, assembled: its store and the endpoint {@code server/Routes} serves. */
public final class Responses {
    private final ResponsesEndpoint endpoint;

    public Responses(ObjectMapper json, Bodies bodies, ModelCalls calls, Store store, CatalogHolder catalog) {
        this.endpoint = new ResponsesEndpoint(json, bodies, calls, new ResponseStore(store), new Passthrough(catalog));
    }

    public ResponsesEndpoint endpoint() {
        return endpoint;
    }
}
