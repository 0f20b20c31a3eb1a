package io.modelhub.providers.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.catalog.DiscoveredModel;
import io.modelhub.catalog.ProviderInfo;
import io.modelhub.providers.ChatCall;
import io.modelhub.providers.EmbeddingCall;
import io.modelhub.providers.EventStream;
import io.modelhub.providers.ConnectionGate;
import io.modelhub.providers.Provider;
import io.modelhub.providers.UpstreamException;
import io.modelhub.telemetry.Traceparent;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.providers.http.Exchange;
import io.modelhub.providers.http.ProxyConfig;
import io.modelhub.providers.http.Upstream;
import io.modelhub.usage.TokenUsage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;


/**
 * Any OpenAI-compatible upstream (OpenAI, Together, SambaNova, Groq, Fireworks, DeepInfra, vLLM, Ollama,
 * llama.cpp...). Connections are pooled and kept alive per provider; the provider's own key is sent,
 * never the client's.
 */
public final class OpenAiProvider implements Provider {
    private final String id;
    private final String chatHead;
    private final java.util.function.UnaryOperator<String> chatPathOf;
    private final String headTail;
    private final java.util.Map<String, String> chatHeads = new java.util.concurrent.ConcurrentHashMap<>();
    private final String modelsHead;
    private final String responsesHead;
    private final String embeddingsHead;
    private final Upstream upstream;
    private final ObjectMapper json;
    private final OpenAiChunks chunks;

    public OpenAiProvider(ProviderInfo info, ObjectMapper json) {
        this(info, json, ProxyConfig.NONE);
    }

    public OpenAiProvider(ProviderInfo info, ObjectMapper json, ProxyConfig proxies) {
        this(info, json, proxies, null, "/models", keyLine(info, "Authorization: Bearer "));
    }

    /**
     * An OpenAI-wire provider whose chat path (below the base URL) is {@code chatPathOf} the offering's
     * upstream model ({@code /chat/completions} when null) and whose key goes in {@code keyHeader} (a
     * complete header line, or ""): the {@code azure} kind reuses it with its deployment paths and {@code api-key}.
     * {@code modelsPath} null means the upstream has no model list.
     */
    public OpenAiProvider(ProviderInfo info, ObjectMapper json, ProxyConfig proxies, java.util.function.UnaryOperator<String> chatPathOf,
                          String modelsPath, String keyHeader) {
        this.id = info.id();
        this.json = json;
        this.chunks = new OpenAiChunks(json.getFactory());
        this.upstream = new Upstream(id, info.baseUrl(), info.timeouts(), info.connections(), proxies, json);
        this.headTail = keyHeader + extraHeaders(info) + "Content-Type: application/json\r\nUser-Agent: ModelHub/0.1\r\n";
        this.chatPathOf = chatPathOf;
        this.chatHead = chatPathOf == null ? upstream.requestLine("POST", "/chat/completions") + headTail : null;
        this.responsesHead = upstream.requestLine("POST", "/responses") + headTail;
        this.embeddingsHead = upstream.requestLine("POST", "/embeddings") + headTail + "Accept: application/json\r\n";
        this.modelsHead = modelsPath == null ? null : upstream.requestLine("GET", modelsPath) + keyHeader + extraHeaders(info)
                + "Accept: application/json\r\nUser-Agent: ModelHub/0.1\r\nContent-Length: 0\r\n\r\n";
    }

    /** The configured {@code headers} as header lines (checked for line breaks when the config was read). */
    private static String extraHeaders(ProviderInfo info) {
        StringBuilder sb = new StringBuilder();
        info.headers().forEach((name, value) -> sb.append(name).append(": ").append(value == null ? "" : value.value()).append("\r\n"));
        return sb.toString();
    }

    /** The header line carrying the provider's key after {@code prefix}, or "" when it has none. */
    public static String keyLine(ProviderInfo info, String prefix) {
        if (info.apiKey() == null) {
            return "";
        }
        String key = info.apiKey().value();
        if (key.chars().anyMatch(ch -> ch < 0x20 || ch > 0x7e)) {
            throw new IllegalArgumentException("provider " + info.id() + ": the API key contains characters that cannot go in a header");
        }
        return prefix + key + "\r\n";
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public UpstreamReply chat(ChatCall call) throws UpstreamException {
        String base = chatHead != null ? chatHead
                : chatHeads.computeIfAbsent(call.offering().upstreamModel(), m -> upstream.requestLine("POST", chatPathOf.apply(m)) + headTail);
        return post(call, base, "calling the chat completions endpoint", true);
    }

    /** The Responses API at {@code base_url + /responses}: the same transport, the body as it is. */
    @Override
    public UpstreamReply responses(ChatCall call) throws UpstreamException {
        return post(call, responsesHead, "calling the responses endpoint", false);
    }

    private UpstreamReply post(ChatCall call, String base, String what, boolean chatWire) throws UpstreamException {
        byte[] payload;
        try {
            payload = json.writeValueAsBytes(call.body());
        } catch (JsonProcessingException e) {
            throw UpstreamException.protocol(id, "request could not be encoded", e);
        }
        StringBuilder head = new StringBuilder(base.length() + 96).append(base)
                .append(call.stream() ? "Accept: text/event-stream\r\n" : "Accept: application/json\r\n");
        if (call.requestId() != null) {
            head.append("X-Request-Id: ").append(call.requestId()).append("\r\n");
        }
        String traceparent = Traceparent.current();
        if (traceparent != null) {
            head.append("traceparent: ").append(traceparent).append("\r\n");
        }
        head.append("Content-Length: ").append(payload.length).append("\r\n\r\n");

        Exchange exchange = upstream.send(head.toString(), payload, null, what);
        if (!call.stream()) {
            byte[] body = upstream.readAll(exchange, "reading the answer");
            try {
                if (!chatWire) {
                    // A Response object counts input_tokens and output_tokens ({@link TokenUsage#NONE} when it has none).
                    JsonNode usage = json.readTree(body).path("usage");
                    return new UpstreamReply.Complete(body, usage.isObject()
                            ? new TokenUsage(usage.path("input_tokens").asLong(0), usage.path("output_tokens").asLong(0)) : TokenUsage.NONE, null);
                }
                OpenAiChunks.Found found = chunks.completeBody(body);
                return new UpstreamReply.Complete(body, found.usage(), found.finishReason());
            } catch (IOException e) {
                throw UpstreamException.protocol(id, "answered with invalid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
            }
        }
        return new UpstreamReply.Streaming(new Events(upstream.sse(exchange)));
    }

    /** OpenAI embeddings at {@code base_url + /embeddings}: the body as it is, the whole answer back with its usage. */
    @Override
    public UpstreamReply.Complete embed(EmbeddingCall call) throws UpstreamException {
        byte[] payload;
        try {
            payload = json.writeValueAsBytes(call.body());
        } catch (JsonProcessingException e) {
            throw UpstreamException.protocol(id, "request could not be encoded", e);
        }
        StringBuilder head = new StringBuilder(embeddingsHead.length() + 96).append(embeddingsHead);
        if (call.requestId() != null) {
            head.append("X-Request-Id: ").append(call.requestId()).append("\r\n");
        }
        head.append("Content-Length: ").append(payload.length).append("\r\n\r\n");
        Exchange exchange = upstream.send(head.toString(), payload, null, "calling the embeddings endpoint");
        byte[] body = upstream.readAll(exchange, "reading the answer");
        try {
            return new UpstreamReply.Complete(body, chunks.completeBody(body).usage(), null);
        } catch (IOException e) {
            throw UpstreamException.protocol(id, "answered with invalid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    @Override
    public List<DiscoveredModel> listModels(Duration timeout) throws UpstreamException {
        if (modelsHead == null) {
            return Provider.super.listModels(timeout);
        }
        Exchange exchange = upstream.send(modelsHead, new byte[0], timeout, "calling the model list endpoint");
        try {
            exchange.readTimeout(Upstream.millis(timeout));
        } catch (IOException e) {
            exchange.close();
            throw upstream.failure(e, "reading the model list", timeout);
        }
        return parseModelList(upstream.readAll(exchange, "reading the model list"));
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

    /** The upstream's chunks passed through untouched; only the usage and finish reason are read from them. */
    private final class Events implements EventStream {
        private final Upstream.Frames<byte[]> frames;
        private TokenUsage usage;
        private String finishReason;
        private boolean usageOnly;

        Events(Upstream.Frames<byte[]> frames) {
            this.frames = frames;
        }

        @Override
        public byte[] next() throws UpstreamException {
            byte[] data = frames.next();
            usageOnly = false;
            if (data != null) {
                OpenAiChunks.Found found = chunks.find(data);
                if (found != null) {
                    if (found.usage() != null) {
                        usage = found.usage();
                        usageOnly = found.choicesEmpty();
                    }
                    if (finishReason == null && found.finishReason() != null) {
                        finishReason = found.finishReason();
                    }
                }
            }
            return data;
        }

        @Override
        public TokenUsage usage() {
            return usage;
        }

        @Override
        public String finishReason() {
            return finishReason;
        }

        @Override
        public boolean usageOnly() {
            return usageOnly;
        }

        @Override
        public void close() {
            frames.close();
        }
    }

    @Override
    public ConnectionGate connectionGate() {
        return upstream.gate();
    }

    @Override
    public void close() {
        upstream.close();
    }
}
