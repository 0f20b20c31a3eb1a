package io.modelhub.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Header;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.catalog.CatalogHolder;
import io.modelhub.catalog.Model;
import io.modelhub.providers.EventStream;
import io.modelhub.providers.UpstreamException;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.routing.Routed;
import io.modelhub.routing.Router;
import io.modelhub.usage.TokenUsage;
import io.modelhub.usage.UsageParser;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /v1/chat/completions}: parses the request, routes it to an offering and relays the answer.
 * A stream is relayed event by event as the upstream sends it, never gathered first.
 */
public final class ChatCompletionsEndpoint {
    private static final Header JSON = HeaderValues.create(HeaderNames.CONTENT_TYPE, "application/json");
    private static final Header SSE = HeaderValues.create(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    private static final Header NO_CACHE = HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-cache");
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ObjectMapper json;
    private final Bodies bodies;
    private final CatalogHolder catalog;
    private final Router router;
    private final Errors errors;
    private final UsageParser usageParser;

    public ChatCompletionsEndpoint(ObjectMapper json, Bodies bodies, CatalogHolder catalog, Router router, Errors errors) {
        this.json = json;
        this.bodies = bodies;
        this.catalog = catalog;
        this.router = router;
        this.errors = errors;
        this.usageParser = new UsageParser(json);
    }

    public void handle(ServerRequest req, ServerResponse res) {
        ChatRequest request = ChatRequest.parse(json, bodies.read(req));
        Model model = catalog.get().model(request.model());
        if (model == null) {
            throw ApiException.notFound("Model '" + request.model() + "' does not exist. GET /v1/models lists the models.",
                    "model", "model_not_found");
        }
        Routed routed = router.route(model, request, RequestIds.of(res));
        res.header(Headers.PROVIDER, routed.offering().providerId());
        res.header(Headers.ATTEMPTS, Integer.toString(routed.attempts()));
        if (!routed.droppedParams().isEmpty()) {
            res.header(Headers.DROPPED_PARAMS, String.join(",", routed.droppedParams()));
        }
        switch (routed.reply()) {
            case UpstreamReply.Complete c -> complete(res, c);
            case UpstreamReply.Streaming s -> stream(res, request, s.events());
        }
    }

    private TokenUsage complete(ServerResponse res, UpstreamReply.Complete c) {
        UsageParser.Found found = usageParser.find(c.body());
        res.header(JSON);
        res.send(c.body());
        return found == null ? TokenUsage.NONE : found.usage();
    }

    private TokenUsage stream(ServerResponse res, ChatRequest request, EventStream events) {
        TokenUsage usage = TokenUsage.NONE;
        res.header(SSE);
        res.header(NO_CACHE);
        OutputStream out = res.outputStream();
        try (events) {
            byte[] event;
            while ((event = nextOrError(events, out)) != null) {
                UsageParser.Found found = usageParser.find(event);
                if (found != null) {
                    usage = found.usage();
                    if (!request.includeUsage() && found.choicesEmpty()) {
                        continue;
                    }
                }
                out.write(DATA);
                out.write(event);
                out.write(END);
                out.flush();
            }
            out.close();
        } catch (IOException | UncheckedIOException e) {
            // The client went away: closing the events (try-with-resources) cancels the upstream request.
        }
        return usage;
    }

    /** The next event, or null at the end; an upstream failure mid-stream becomes an error event and ends the stream. */
    private byte[] nextOrError(EventStream events, OutputStream out) throws IOException {
        try {
            byte[] e = events.next();
            if (e == null) {
                out.write(DONE);
            }
            return e;
        } catch (UpstreamException e) {
            ApiException api = e.kind() == UpstreamException.Kind.TIMEOUT
                    ? ApiException.timeout("Provider '" + e.providerId() + "' stopped sending: " + e.getMessage())
                    : ApiException.upstream("Provider '" + e.providerId() + "' failed mid-stream: " + e.getMessage(), "upstream_failed");
            out.write(DATA);
            out.write(errors.body(api));
            out.write(END);
            return null;
        }
    }
}
