package io.modelhub.apis;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.http.HttpRouting;
import io.modelhub.api.ApiException;
import io.modelhub.api.Bodies;
import io.modelhub.api.Errors;
import io.modelhub.auth.Guard;
import io.modelhub.chat.ModelCalls;
import io.modelhub.completions.CompletionsEndpoint;
import io.modelhub.embeddings.EmbeddingsEndpoint;
import io.modelhub.messages.MessagesEndpoint;

/**
 * The inference APIs beside chat completions that clients call (API.md section 10): the Anthropic
 * Messages API, OpenAI embeddings and legacy completions. Each translates its request onto the one
 * model-call path ({@link ModelCalls}) and its answer back; this class assembles them and lists their routes.
 */
public final class MoreApis {
    private final MessagesEndpoint messages;
    private final EmbeddingsEndpoint embeddings;
    private final CompletionsEndpoint completions;

    public MoreApis(ObjectMapper json, Bodies bodies, ModelCalls calls, Errors errors, System.Logger log) {
        this.messages = new MessagesEndpoint(json, bodies, calls, log);
        this.embeddings = new EmbeddingsEndpoint(json, bodies, calls);
        this.completions = new CompletionsEndpoint(json, bodies, calls, errors);
    }

    /** The routes, each needing the {@code read} scope; the Messages paths answer errors (401 included) in Anthropic's shape. */
    public void routes(HttpRouting.Builder r, Guard guard) {
        r.post("/v1/embeddings", guard.read(embeddings::handle));
        r.post("/v1/completions", guard.read(completions::handle));
        r.post("/v1/messages", messages.anthropicErrors(guard.read(messages::create)));
        r.post("/v1/messages/count_tokens", messages.anthropicErrors(guard.read(messages::countTokens)));
        // Another method on these paths is still an Anthropic client talking: its 404 comes in Anthropic's shape.
        for (String path : new String[] {"/v1/messages", "/v1/messages/count_tokens"}) {
            r.any(path, messages.anthropicErrors((req, res) -> {
                throw ApiException.notFound("Unknown route: " + req.prologue().method().text() + " " + path
                        + ". The Messages API takes POST.", null, "route_not_found");
            }));
        }
    }
}
