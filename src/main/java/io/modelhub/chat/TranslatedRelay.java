package io.modelhub.chat;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.api.ApiException;
import io.modelhub.providers.EventStream;
import io.modelhub.providers.UpstreamException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Relays a stream of OpenAI chat-completion chunks to a client that speaks another API (Anthropic
 * Messages, legacy Completions...): each chunk is handed to that API's {@link Translator} as it
 * arrives and what it writes is flushed at once, so nothing is gathered first. Usage, the first-event
 * time and the end are reported as {@link ChatRelay} reports them, so metering is the same for every API.
 */
public final class TranslatedRelay {
    /** Turns one API's view of a chat stream into its own wire events. */
    public interface Translator {
        /** One upstream chunk (a parsed chat-completion chunk); writes zero or more events. */
        void chunk(JsonNode chunk, OutputStream out) throws IOException;

        /** The upstream ended the stream normally; writes the closing events. */
        void end(OutputStream out) throws IOException;

        /** The upstream failed mid-stream; writes the API's error event. */
        void fail(ApiException error, OutputStream out) throws IOException;

        /** The media type of the stream. */
        default String contentType() {
            return "text/event-stream; charset=utf-8";
        }
    }

    private final ObjectMapper json;

    public TranslatedRelay(ObjectMapper json) {
        this.json = json;
    }

    /** Relays {@code events} through {@code translator} to its end (or until the client leaves), then tells {@code end}. */
    public void stream(ServerResponse res, EventStream events, Translator translator, ChatRelay.StreamEnd end) {
        long relayed = 0;
        long firstEvent = 0;
        String errorType = null;
        // Inside the try: whatever fails from here on, the events are closed and the upstream exchange given back.
        try (events) {
            res.header(HeaderNames.CONTENT_TYPE, translator.contentType());
            res.header(HeaderNames.CACHE_CONTROL, "no-cache");
            OutputStream out = res.outputStream();
            while (true) {
                byte[] event;
                try {
                    event = events.next();
                } catch (UpstreamException e) {
                    ApiException api = ChatRelay.midStreamError(e);
                    errorType = api.type();
                    translator.fail(api, out);
                    break;
                }
                if (event == null) {
                    translator.end(out);
                    break;
                }
                if (firstEvent == 0) {
                    firstEvent = System.nanoTime();
                }
                JsonNode chunk;
                try {
                    chunk = json.readTree(event);
                } catch (JacksonException e) {
                    ApiException api = ApiException.upstream("The provider sent a chunk that is not JSON mid-stream.", "upstream_failed");
                    errorType = api.type();
                    translator.fail(api, out);
                    break;
                }
                translator.chunk(chunk, out);
                out.flush();
                relayed++;
            }
            out.close();
        } catch (IOException | UncheckedIOException | CloseConnectionException e) {
            // The client went away: closing the events (try-with-resources) cancels the upstream request.
            errorType = "client_disconnected";
        } finally {
            // The usage is what the adapter read from its upstream (the stream carries it; nothing here parses it again).
            end.ended(new ChatRelay.Streamed(events.usage(), relayed, firstEvent, errorType));
        }
    }
}
