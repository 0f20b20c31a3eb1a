package io.modelhub.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.catalog.CatalogHolder;
import io.modelhub.catalog.Offering;
import io.modelhub.catalog.ProviderInfo;
import io.modelhub.providers.ChatCall;
import io.modelhub.providers.Provider;
import io.modelhub.providers.UpstreamException;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.routing.Router;
import io.modelhub.usage.TokenUsage;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Responses request passed through, as it is, to offerings whose provider has {@code responses: true}.
 * The hub keeps the conversation itself: the upstream gets the whole context as {@code input} (never a
 * {@code previous_response_id}, which it would not know), and its answer is given the hub's response id
 * and model id, so that a conversation may move between native and translated offerings.
 */
final class Passthrough {
    private final CatalogHolder catalog;

    Passthrough(CatalogHolder catalog) {
        this.catalog = catalog;
    }

    /** One request's view of the providers: native ones are called through their Responses API, and remembered. */
    final class Route implements Router.Upstream {
        private final ResponsesRequest request;
        private final ArrayNode context;
        private final Set<String> passedThrough = ConcurrentHashMap.newKeySet();

        Route(ResponsesRequest request, ArrayNode context) {
            this.request = request;
            this.context = context;
        }

        @Override
        public Provider of(Provider provider, Offering offering) {
            ProviderInfo info = catalog.get().provider(offering.providerId());
            if (info == null || !info.responses()) {
                return provider;
            }
            passedThrough.add(offering.providerId());
            return new Provider() {
                @Override
                public String id() {
                    return provider.id();
                }

                @Override
                public UpstreamReply chat(ChatCall call) throws UpstreamException {
                    return provider.responses(new ChatCall(call.requestId(), call.offering(), body(call.offering()), request.stream()));
                }
            };
        }

        /** Whether the offering that answered was called through its Responses API. */
        boolean passedThrough(Offering offering) {
            return passedThrough.contains(offering.providerId());
        }

        private ObjectNode body(Offering offering) {
            ObjectNode body = request.body().deepCopy();
            body.put("model", offering.upstreamModel());
            body.remove("provider");
            body.remove("previous_response_id");
            ArrayNode input = body.putArray("input");
            for (JsonNode item : context) {
                ObjectNode copy = (ObjectNode) item.deepCopy();
                // The hub's item ids mean nothing upstream; a reasoning item's id is what refers to it, so it stays.
                if (!"reasoning".equals(copy.path("type").asText())) {
                    copy.remove("id");
                }
                input.add(copy);
            }
            return body;
        }
    }

    /** An upstream Response object (or one inside an event) given the hub's id, model and previous response. */
    void rewrite(ObjectNode response, String id, ResponsesRequest request) {
        response.put("id", id);
        response.put("model", request.model());
        if (request.previousResponseId() == null) {
            response.putNull("previous_response_id");
        } else {
            response.put("previous_response_id", request.previousResponseId());
        }
    }

    /** The usage of a Response object, or null when it has none. */
    static TokenUsage usage(JsonNode response) {
        JsonNode u = response.path("usage");
        return u.isObject() ? new TokenUsage(u.path("input_tokens").asLong(0), u.path("output_tokens").asLong(0)) : null;
    }
}
