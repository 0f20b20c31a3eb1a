package io.modelhub.providers;

import io.modelhub.catalog.DiscoveredModel;
import java.time.Duration;
import java.util.List;

/**
 * One upstream, spoken to in one wire protocol. An implementation only translates and transports:
 * choosing, retrying, breaking circuits and metering are layers around it in {@code routing}.
 */
public interface Provider extends AutoCloseable {
    /** The provider id from the catalog. */
    String id();

    /**
     * Sends one chat completion. Returns once the upstream has answered 2xx (for a stream: once its
     * headers have arrived); any other outcome is an {@link UpstreamException}.
     */
    UpstreamReply chat(ChatCall call) throws UpstreamException;

    /**
     * Sends one OpenAI Responses API request as it is ({@code call.body()} is a Responses body, the
     * model already the upstream's), for providers configured with {@code responses: true}. The answer
     * is a Response object, or a stream of Responses events; the same rules as {@link #chat} apply.
     */
    default UpstreamReply responses(ChatCall call) throws UpstreamException {
        throw UpstreamException.protocol(id(), "this provider does not speak the Responses API", null);
    }

    /**
     * Sends one embeddings request (OpenAI's {@code POST /embeddings} shape in and out). Returns the whole
     * 2xx answer; any other outcome is an {@link UpstreamException}. A protocol without embeddings says so
     * by failing, which the router treats like any other failed attempt.
     */
    default UpstreamReply.Complete embed(EmbeddingCall call) throws UpstreamException {
        throw UpstreamException.protocol(id(), "this provider does not serve embeddings", null);
    }

    /**
     * The models the upstream itself lists (its {@code GET /models}), within {@code timeout}. Only
     * providers marked {@code discover: true} are asked; a protocol without such a list says so by failing.
     */
    default List<DiscoveredModel> listModels(Duration timeout) throws UpstreamException {
        throw UpstreamException.protocol(id(), "this provider cannot list its models", null);
    }

    /** The slots of this provider's upstream exchanges in flight; {@link ConnectionGate#UNLIMITED} when it has no limit. */
    default ConnectionGate connectionGate() {
        return ConnectionGate.UNLIMITED;
    }

    @Override
    default void close() {}
}
