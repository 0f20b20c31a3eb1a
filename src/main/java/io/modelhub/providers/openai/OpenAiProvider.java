package io.modelhub.providers.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.catalog.DiscoveredModel;
import io.modelhub.catalog.ProviderInfo;
import io.modelhub.config.HubConfig;
import io.modelhub.providers.ChatCall;
import io.modelhub.providers.EventStream;
import io.modelhub.providers.Provider;
import io.modelhub.providers.SseReader;
import io.modelhub.providers.UpstreamException;
import io.modelhub.telemetry.Traceparent;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.providers.http.Exchange;
import io.modelhub.providers.http.HttpPool;
import io.modelhub.usage.UsageParser;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Any OpenAI-compatible upstream (OpenAI, Together, SambaNova, Groq, Fireworks, DeepInfra, vLLM, Ollama,
 * llama.cpp...). Connections are pooled and kept alive per provider; the provider's own key is sent,
 * never the client's.
 */
public final class OpenAiProvider implements Provider {
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_ERROR_BODY = 64 * 1024;
    private static final int MAX_IDLE_CONNECTIONS = 512;

    private final String id;
    private final String chatUrl;
    private final String chatHead;
    private final String modelsUrl;
    private final String modelsHead;
    private final HubConfig.Timeouts timeouts;
    private final HttpPool pool;
    private final ObjectMapper json;
    private final UsageParser usageParser;

    public OpenAiProvider(ProviderInfo info, ObjectMapper json) {
        this.id = info.id();
        this.json = json;
        this.usageParser = new UsageParser(json);
        this.timeouts = info.timeouts() == null ? HubConfig.Timeouts.DEFAULT : info.timeouts();
        this.chatUrl = info.baseUrl() + "/chat/completions";
        this.pool = new HttpPool(info.baseUrl(), millis(timeouts.connect()), MAX_IDLE_CONNECTIONS);
        String keyLine = "";
        if (info.apiKey() != null) {
            String key = info.apiKey().value();
            if (key.chars().anyMatch(ch -> ch < 0x20 || ch > 0x7e)) {
                throw new IllegalArgumentException("provider " + id + ": the API key contains characters that cannot go in a header");
            }
            keyLine = "Authorization: Bearer " + key + "\r\n";
        }
        this.chatHead = pool.requestLine("POST", "/chat/completions") + keyLine
                + "Content-Type: application/json\r\nUser-Agent: ModelHub/0.1\r\n";
        this.modelsUrl = info.baseUrl() + "/models";
        this.modelsHead = pool.requestLine("GET", "/models") + keyLine
                + "Accept: application/json\r\nUser-Agent: ModelHub/0.1\r\nContent-Length: 0\r\n\r\n";
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
        StringBuilder head = new StringBuilder(chatHead.length() + 96).append(chatHead)
                .append(call.stream() ? "Accept: text/event-stream\r\n" : "Accept: application/json\r\n");
        if (call.requestId() != null) {
            head.append("X-Request-Id: ").append(call.requestId()).append("\r\n");
        }
        String traceparent = Traceparent.current();
        if (traceparent != null) {
            head.append("traceparent: ").append(traceparent).append("\r\n");
        }
        head.append("Content-Length: ").append(payload.length).append("\r\n\r\n");

        Exchange exchange;
        try {
            exchange = pool.send(head.toString(), payload, millis(timeouts.firstByte()));
        } catch (IOException e) {
            throw failure(e, "calling " + chatUrl);
        }
        int status = exchange.status();
        if (status / 100 != 2) {
            throw statusError(exchange, status);
        }
        if (!call.stream()) {
            byte[] body;
            try (exchange) {
                body = exchange.body().readAllBytes();
            } catch (IOException e) {
                throw failure(e, "reading the answer");
            }
            try {
                return new UpstreamReply.Complete(body, usageParser.completeBody(body));
            } catch (IOException e) {
                throw UpstreamException.protocol(id, "answered with invalid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
            }
        }
        return new UpstreamReply.Streaming(new Events(exchange));
    }

    @Override
    public List<DiscoveredModel> listModels(Duration timeout) throws UpstreamException {
        Exchange exchange;
        try {
            exchange = pool.send(modelsHead, new byte[0], millis(timeout));
        } catch (IOException e) {
            throw failure(e, "calling " + modelsUrl);
        }
        int status = exchange.status();
        if (status / 100 != 2) {
            throw statusError(exchange, status);
        }
        byte[] body;
        try (exchange) {
            exchange.readTimeout(millis(timeout));
            body = exchange.body().readAllBytes();
        } catch (IOException e) {
            throw failure(e, "reading the model list");
        }
        return parseModelList(body);
    }

    /** The OpenAI list shape {@code {"object":"list","data":[{"id","owned_by","created"}]}}; a bare array is accepted too. */
    private List<DiscoveredModel> parseModelList(byte[] body) throws UpstreamException {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            throw UpstreamException.protocol(id, "the model list is not JSON", e);
        }
        JsonNode data = root != null && root.isArray() ? root : root == null ? null : root.get("data");
        if (data == null || !data.isArray()) {
            throw UpstreamException.protocol(id, "the model list has no \"data\" array", null);
        }
        List<DiscoveredModel> out = new ArrayList<>(data.size());
        for (JsonNode m : data) {
            String modelId = m.path("id").asText(null);
            if (modelId == null || modelId.isBlank()) {
                continue;
            }
            JsonNode created = m.get("created");
            out.add(new DiscoveredModel(modelId, m.path("owned_by").asText(null),
                    created != null && created.canConvertToLong() ? created.longValue() : null));
        }
        return List.copyOf(out);
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    private UpstreamException statusError(Exchange exchange, int status) {
        byte[] body;
        try (exchange) {
            body = exchange.body().readNBytes(MAX_ERROR_BODY);
        } catch (IOException e) {
            body = new byte[0];
        }
        String ra = exchange.header("retry-after");
        Duration retryAfter = ra == null ? null : parseRetryAfter(ra);
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

    private UpstreamException failure(IOException e, String doing) {
        if (e instanceof SocketTimeoutException) {
            return UpstreamException.timeout(id, "no answer within " + timeouts.firstByte().toMillis() + " ms " + doing);
        }
        String msg = e.getMessage();
        return UpstreamException.connection(id, "connection failed " + doing + ": " + e.getClass().getSimpleName()
                + (msg == null ? "" : " (" + abbreviate(msg) + ")"), e);
    }

    /** The upstream's SSE body, event by event: the first within first_byte_ms, each next within idle_ms. */
    private final class Events implements EventStream {
        private final Exchange exchange;
        private final SseReader reader;
        private boolean first = true;
        private boolean ended;

        Events(Exchange exchange) {
            this.exchange = exchange;
            exchange.noSpin();
            this.reader = new SseReader(exchange.body());
        }

        @Override
        public byte[] next() throws UpstreamException {
            if (ended) {
                return null;
            }
            byte[] data;
            try {
                data = reader.next();
            } catch (SocketTimeoutException e) {
                close();
                throw first
                        ? UpstreamException.timeout(id, "no first chunk within " + timeouts.firstByte().toMillis() + " ms")
                        : UpstreamException.timeout(id, "no chunk for " + timeouts.idle().toMillis() + " ms");
            } catch (IOException e) {
                close();
                throw failure(e, "reading the stream");
            }
            if (data == null) {
                // A body that ends cleanly was ended on purpose; some servers omit [DONE].
                close();
                return null;
            }
            if (first) {
                first = false;
                try {
                    exchange.readTimeout(millis(timeouts.idle()));
                } catch (IOException e) {
                    close();
                    throw failure(e, "reading the stream");
                }
            }
            if (Arrays.equals(data, DONE)) {
                drainAndClose();
                return null;
            }
            return data;
        }

        private void drainAndClose() {
            // After [DONE] only the end of the chunked body remains; reading it lets the connection be reused.
            try {
                while (reader.next() != null) {
                    // nothing is expected after [DONE]
                }
            } catch (IOException ignored) {
                // the exchange closes the connection instead of pooling it
            }
            close();
        }

        @Override
        public void close() {
            ended = true;
            exchange.close();
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
