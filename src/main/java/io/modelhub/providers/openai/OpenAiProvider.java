package io.modelhub.providers.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.modelhub.catalog.ProviderInfo;
import io.modelhub.config.HubConfig;
import io.modelhub.providers.ChatCall;
import io.modelhub.providers.EventStream;
import io.modelhub.providers.Provider;
import io.modelhub.providers.SseReader;
import io.modelhub.providers.TimeoutWatch;
import io.modelhub.providers.UpstreamException;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.usage.UsageParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * Any OpenAI-compatible upstream (OpenAI, Together, SambaNova, Groq, Fireworks, DeepInfra, vLLM, Ollama,
 * llama.cpp...). Connections are pooled and kept alive by one client per provider; the provider's own
 * key is sent, never the client's.
 */
public final class OpenAiProvider implements Provider {
    private static final Header JSON_TYPE = HeaderValues.create(HeaderNames.CONTENT_TYPE, "application/json");
    private static final Header ACCEPT_JSON = HeaderValues.create(HeaderNames.ACCEPT, "application/json");
    private static final Header ACCEPT_SSE = HeaderValues.create(HeaderNames.ACCEPT, "text/event-stream");
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_ERROR_BODY = 64 * 1024;
    private static final io.helidon.http.HeaderName REQUEST_ID = HeaderNames.create("x-request-id");

    private final String id;
    private final String chatUri;
    private final Header authorization;
    private final HubConfig.Timeouts timeouts;
    private final WebClient client;
    private final ObjectMapper json;
    private final TimeoutWatch watch;
    private final UsageParser usageParser;

    public OpenAiProvider(ProviderInfo info, ObjectMapper json, TimeoutWatch watch) {
        this.id = info.id();
        this.chatUri = info.baseUrl() + "/chat/completions";
        this.authorization = info.apiKey() == null ? null
                : HeaderValues.create(HeaderNames.AUTHORIZATION, "Bearer " + info.apiKey().value());
        this.timeouts = info.timeouts() == null ? HubConfig.Timeouts.DEFAULT : info.timeouts();
        this.json = json;
        this.watch = watch;
        this.usageParser = new UsageParser(json);
        Duration read = timeouts.firstByte().compareTo(timeouts.idle()) > 0 ? timeouts.firstByte() : timeouts.idle();
        this.client = WebClient.builder()
                .connectTimeout(timeouts.connect())
                .readTimeout(read)
                .keepAlive(true)
                .followRedirects(false)
                .shareConnectionCache(false)
                .build();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public UpstreamReply chat(ChatCall call) throws UpstreamException {
        byte[] payload;
        try {
            payload = json.writeValueAsBytes(call.body());
        } catch (JsonProcessingException e) {
            throw UpstreamException.protocol(id, "request could not be encoded", e);
        }
        long started = System.nanoTime();
        HttpClientResponse response = send(call, payload);
        int status = response.status().code();
        if (status / 100 != 2) {
            throw statusError(response, status);
        }
        if (!call.stream()) {
            byte[] body;
            try (response) {
                body = response.inputStream().readAllBytes();
            } catch (IOException | UncheckedIOException e) {
                throw failure(e, "reading the answer");
            }
            try {
                return new UpstreamReply.Complete(body, usageParser.completeBody(body));
            } catch (IOException e) {
                throw UpstreamException.protocol(id, "answered with invalid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
            }
        }
        long firstByteLeft = timeouts.firstByte().toNanos() - (System.nanoTime() - started);
        if (firstByteLeft <= 0) {
            response.close();
            throw UpstreamException.timeout(id, "no answer within " + timeouts.firstByte().toMillis() + " ms");
        }
        return new UpstreamReply.Streaming(new Events(response, firstByteLeft));
    }

    private HttpClientResponse send(ChatCall call, byte[] payload) throws UpstreamException {
        try {
            HttpClientRequest request = client.post(chatUri)
                    .header(JSON_TYPE)
                    .header(call.stream() ? ACCEPT_SSE : ACCEPT_JSON)
                    .readTimeout(timeouts.firstByte());
            if (authorization != null) {
                request.header(authorization);
            }
            if (call.requestId() != null) {
                request.header(REQUEST_ID, call.requestId());
            }
            return request.submit(payload);
        } catch (RuntimeException e) {
            throw failure(e, "calling " + chatUri);
        }
    }

    private UpstreamException statusError(HttpClientResponse response, int status) {
        byte[] body;
        try (response) {
            body = readAtMost(response.inputStream(), MAX_ERROR_BODY);
        } catch (IOException | RuntimeException e) {
            body = new byte[0];
        }
        Duration retryAfter = response.headers().first(HeaderNames.RETRY_AFTER).map(OpenAiProvider::parseRetryAfter).orElse(null);
        return UpstreamException.status(id, status, "HTTP " + status + errorDetail(body), retryAfter, body);
    }

    private String errorDetail(byte[] body) {
        if (body.length == 0) {
            return "";
        }
        try {
            JsonNode n = json.readTree(body);
            String m = n.path("error").path("message").asText(null);
            if (m == null && n.path("error").isTextual()) {
                m = n.path("error").asText();
            }
            if (m == null) {
                m = n.path("message").asText(null);
            }
            return m == null ? "" : ": " + abbreviate(m);
        } catch (IOException e) {
            return ": " + abbreviate(new String(body, StandardCharsets.UTF_8));
        }
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }

    static Duration parseRetryAfter(String value) {
        try {
            double seconds = Double.parseDouble(value.trim());
            return seconds < 0 ? null : Duration.ofMillis((long) (seconds * 1000));
        } catch (NumberFormatException e) {
            try {
                var when = java.time.ZonedDateTime.parse(value.trim(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(java.time.Instant.now(), when.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException ignored) {
                return null;
            }
        }
    }

    private static byte[] readAtMost(InputStream in, int max) throws IOException {
        byte[] b = in.readNBytes(max);
        return b.length < max ? b : Arrays.copyOf(b, max);
    }

    private UpstreamException failure(Throwable e, String doing) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return UpstreamException.timeout(id, "timed out " + doing);
            }
        }
        String what = e.getCause() != null ? e.getCause().getClass().getSimpleName() : e.getClass().getSimpleName();
        String msg = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
        return UpstreamException.connection(id, "connection failed " + doing + ": " + what + (msg == null ? "" : " (" + abbreviate(msg) + ")"), e);
    }

    /** The upstream's SSE body, event by event, with first-byte and idle deadlines enforced. */
    private final class Events implements EventStream {
        private final HttpClientResponse response;
        private final SseReader reader;
        private final TimeoutWatch.Watched watched;
        private final long idleNanos;
        private boolean first = true;
        private boolean ended;

        Events(HttpClientResponse response, long firstByteNanos) {
            this.response = response;
            this.reader = new SseReader(response.inputStream());
            this.idleNanos = timeouts.idle().toNanos();
            this.watched = watch.watch(firstByteNanos, response::close);
        }

        @Override
        public byte[] next() throws UpstreamException {
            if (ended) {
                return null;
            }
            byte[] data;
            try {
                data = reader.next();
            } catch (IOException | RuntimeException e) {
                ended = true;
                watch.unwatch(watched);
                response.close();
                if (watched.expired()) {
                    throw timeoutError();
                }
                throw failure(e, "reading the stream");
            }
            if (data == null) {
                ended = true;
                watch.unwatch(watched);
                response.close();
                if (watched.expired()) {
                    throw timeoutError();
                }
                // A chunked body that ends cleanly was ended on purpose; some servers omit [DONE].
                return null;
            }
            first = false;
            watched.extend(idleNanos);
            if (Arrays.equals(data, DONE)) {
                ended = true;
                watch.unwatch(watched);
                drainAndClose();
                return null;
            }
            return data;
        }

        private UpstreamException timeoutError() {
            return first
                    ? UpstreamException.timeout(id, "no first chunk within " + timeouts.firstByte().toMillis() + " ms")
                    : UpstreamException.timeout(id, "no chunk for " + timeouts.idle().toMillis() + " ms");
        }

        private void drainAndClose() {
            // What follows [DONE] is only the end of the chunked body; reading it lets the connection be reused.
            try {
                while (reader.next() != null) {
                    // nothing is expected after [DONE]
                }
            } catch (IOException | RuntimeException ignored) {
                // the connection is closed below either way
            }
            response.close();
        }

        @Override
        public void close() {
            ended = true;
            watch.unwatch(watched);
            response.close();
        }
    }
}
