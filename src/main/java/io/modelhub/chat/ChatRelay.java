package io.modelhub.chat;

import io.modelhub.api.ApiException;
import io.modelhub.api.Errors;
import io.modelhub.api.Headers;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.providers.EventStream;
import io.modelhub.providers.UpstreamException;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.routing.Routed;
import io.modelhub.usage.TokenUsage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes a routed chat answer to the client: a whole body as JSON, or a stream relayed event by event
 * as SSE ({@code data: [DONE]} at the end, the usage chunk shown only when the client asked for it).
 * Shared by {@code /v1/chat/completions} and the deployments' chat endpoint.
 */
public final class ChatRelay {
    private static final Header JSON = HeaderValues.create(HeaderNames.CONTENT_TYPE, "application/json");
    private static final Header SSE = HeaderValues.create(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    private static final Header NO_CACHE = HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-cache");
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * How a relayed stream went: the usage the upstream reported (null when it never did, e.g. the
     * stream was cut short), how many events reached the client, when the first event arrived
     * (nanoTime, 0 if none), and its error type or null.
     */
    public record Streamed(TokenUsage usage, long relayedEvents, long firstEventNanos, String errorType) {}

    /** Told once when a stream ends, however it ends. */
    @FunctionalInterface
    public interface StreamEnd {
        void ended(Streamed outcome);
    }

    private final Errors errors;

    public ChatRelay(ObjectMapper json, Errors errors) {
        this.errors = errors;
    }

    /** The headers that say how a request was routed. */
    public static void routedHeaders(ServerResponse res, Routed routed) {
        res.header(Headers.PROVIDER, routed.offering().providerId());
        res.header(Headers.ATTEMPTS, Integer.toString(routed.attempts()));
        if (!routed.droppedParams().isEmpty()) {
            res.header(Headers.DROPPED_PARAMS, String.join(",", routed.droppedParams()));
        }
    }

    /** Sends a whole answer and returns the usage it reports. */
    public TokenUsage complete(ServerResponse res, UpstreamReply.Complete answer) {
        res.header(JSON);
        res.send(answer.body());
        return answer.usage();
    }

    /** Relays a stream to its end (or until the client leaves) and then tells {@code end} how it went. */
    public void stream(ServerResponse res, boolean includeUsage, EventStream events, StreamEnd end) {
        long relayed = 0;
        long firstEvent = 0;
        String errorType = null;
        // Inside the try: whatever fails from here on, the events are closed, so the upstream exchange (and
        // its connection slot, when the provider has a limit) is given back.
        try (events) {
            res.header(SSE);
            res.header(NO_CACHE);
            OutputStream out = res.outputStream();
            while (true) {
                byte[] event;
                try {
                    event = events.next();
                } catch (UpstreamException e) {
                    ApiException api = midStreamError(e);
                    errorType = api.type();
                    out.write(DATA);
                    out.write(errors.body(api));
                    out.write(END);
                    break;
                }
                if (event == null) {
                    out.write(DONE);
                    break;
                }
                if (firstEvent == 0) {
                    firstEvent = System.nanoTime();
                }
                if (!includeUsage && events.usageOnly()) {
                    continue;
                }
                out.write(DATA);
                out.write(event);
                out.write(END);
                out.flush();
                relayed++;
            }
            out.close();
        } catch (IOException | UncheckedIOException | CloseConnectionException e) {
            // The client went away (Helidon may report it as CloseConnectionException): closing the
            // events (try-with-resources) cancels the upstream request.
            errorType = "client_disconnected";
        } finally {
            end.ended(new Streamed(events.usage(), relayed, firstEvent, errorType));
        }
    }

    /** The error a client is shown when the upstream fails after its stream began (every streaming API words it so). */
    public static ApiException midStreamError(UpstreamException e) {
        return e.kind() == UpstreamException.Kind.TIMEOUT
                ? ApiException.timeout("Provider '" + e.providerId() + "' stopped sending: " + e.getMessage())
                : ApiException.upstream("Provider '" + e.providerId() + "' failed mid-stream: " + e.getMessage(), "upstream_failed");
    }
}
