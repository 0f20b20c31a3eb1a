package io.modelhub.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.catalog.ProviderInfo;
import io.modelhub.providers.ChatCall;
import io.modelhub.providers.ChatShape;
import io.modelhub.providers.ConnectionGate;
import io.modelhub.providers.Provider;
import io.modelhub.providers.ProviderKind;
import io.modelhub.providers.TranslatedStream;
import io.modelhub.providers.UpstreamException;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.providers.http.Exchange;
import io.modelhub.providers.http.Upstream;
import io.modelhub.providers.openai.OpenAiProvider;
import io.modelhub.usage.TokenUsage;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Google Gemini's {@code generateContent} and {@code streamGenerateContent?alt=sse}, spoken natively,
 * with the key in {@code x-goog-api-key}. Safety blocks (of the prompt or the answer) finish with
 * {@code content_filter}; {@code usageMetadata} is the usage (thinking tokens count as output, cached
 * content tokens as cache reads).
 */
public final class GeminiProvider implements Provider {
    public static final ProviderKind KIND = new ProviderKind("gemini", Set.of(), Set.of(),
            ProviderKind.fixed("https://generativelanguage.googleapis.com"), true, (info, c) -> new GeminiProvider(info, new ChatShape(c.json()), c),
            java.util.List.of("GEMINI_API_KEY", "GOOGLE_API_KEY"));

    private final String id;
    private final Upstream upstream;
    private final ChatShape shape;
    private final String keyLine;

    GeminiProvider(ProviderInfo info, ChatShape shape, ProviderKind.Context context) {
        this.id = info.id();
        this.shape = shape;
        this.upstream = new Upstream(id, info.baseUrl(), info.timeouts(), info.connections(), context.proxies(), shape.json());
        this.keyLine = OpenAiProvider.keyLine(info, "x-goog-api-key: ");
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public UpstreamReply chat(ChatCall call) throws UpstreamException {
        byte[] payload = shape.bytes(GeminiRequest.of(call, shape, id));
        String model = call.offering().upstreamModel();
        if (model.startsWith("models/")) {
            model = model.substring("models/".length());
        }
        String path = "/v1beta/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8)
                + (call.stream() ? ":streamGenerateContent?alt=sse" : ":generateContent");
        StringBuilder h = new StringBuilder(256).append(upstream.requestLine("POST", path)).append(keyLine)
                .append("Content-Type: application/json\r\nUser-Agent: ModelHub/0.1\r\n")
                .append(call.stream() ? "Accept: text/event-stream\r\n" : "Accept: application/json\r\n");
        if (call.requestId() != null) {
            h.append("X-Request-Id: ").append(call.requestId()).append("\r\n");
        }
        h.append("Content-Length: ").append(payload.length).append("\r\n\r\n");
        Exchange exchange = upstream.send(h.toString(), payload, null, "calling generateContent");
        if (call.stream()) {
            return new UpstreamReply.Streaming(new Events(upstream.sse(exchange), model));
        }
        return complete(upstream.readAll(exchange, "reading the answer"), model);
    }

    private UpstreamReply complete(byte[] body, String model) throws UpstreamException {
        JsonNode r = shape.object(id, body);
        JsonNode candidate = r.path("candidates").path(0);
        StringBuilder text = new StringBuilder();
        StringBuilder thoughts = new StringBuilder();
        List<ChatShape.ToolCall> calls = new ArrayList<>();
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (part.has("functionCall")) {
                JsonNode fc = part.get("functionCall");
                calls.add(new ChatShape.ToolCall(fc.path("id").asText("call_" + calls.size()), fc.path("name").asText(),
                        fc.path("args").isMissingNode() ? "{}" : fc.path("args").toString()));
            } else if (part.path("thought").asBoolean(false)) {
                thoughts.append(part.path("text").asText(""));
            } else if (part.has("text")) {
                text.append(part.path("text").asText());
            }
        }
        String finish = readFinish(r, candidate, !calls.isEmpty());
        TokenUsage usage = readUsage(r.path("usageMetadata"));
        String responseId = r.path("responseId").asText("gemini-" + Long.toHexString(System.nanoTime()));
        byte[] out = shape.completion(responseId, r.path("modelVersion").asText(model), System.currentTimeMillis() / 1000,
                text.toString(), thoughts.toString(), calls, finish, usage);
        return new UpstreamReply.Complete(out, usage, finish);
    }

    /**
     * The OpenAI finish reason of a Gemini response: a prompt blocked by {@code promptFeedback.blockReason}
     * or an answer stopped for safety, recitation, blocklist or prohibited content is {@code content_filter}.
     */
    static String readFinish(JsonNode response, JsonNode candidate, boolean toolCalls) {
        if (response.path("promptFeedback").hasNonNull("blockReason") && candidate.isMissingNode()) {
            return "content_filter";
        }
        String reason = candidate.path("finishReason").asText(null);
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> "content_filter";
            default -> toolCalls ? "tool_calls" : "stop";
        };
    }

    /** {@code usageMetadata} as the hub's usage: thinking tokens are output; cached content tokens are cache reads. */
    static TokenUsage readUsage(JsonNode u) {
        long prompt = u.path("promptTokenCount").asLong(0);
        long output = u.path("candidatesTokenCount").asLong(0) + u.path("thoughtsTokenCount").asLong(0);
        return new TokenUsage(prompt, output, u.path("cachedContentTokenCount").asLong(0), 0);
    }

    /** Gemini's SSE chunks (each a partial {@code GenerateContentResponse}) translated into chunks. */
    private final class Events extends TranslatedStream {
        private final Upstream.Frames<byte[]> frames;
        private final long created = System.currentTimeMillis() / 1000;
        private String responseId = "gemini";
        private String model;
        private TokenUsage usage;
        private int tools;
        private boolean finished;

        Events(Upstream.Frames<byte[]> frames, String model) {
            super(GeminiProvider.this.shape);
            this.frames = frames;
            this.model = model;
        }

        @Override
        protected boolean pull() throws UpstreamException {
            byte[] data = frames.next();
            if (data == null) {
                if (!finished) {
                    throw UpstreamException.protocol(id, "the stream ended before a finish reason", null);
                }
                if (usage != null) {
                    emitUsage(shape.usageChunk(responseId, model, created, usage), usage);
                }
                return false;
            }
            JsonNode r;
            try {
                r = shape.json().readTree(data);
            } catch (IOException e) {
                throw UpstreamException.protocol(id, "sent a stream chunk that is not JSON", e);
            }
            if (r.has("error")) {
                int code = r.path("error").path("code").asInt(500);
                throw UpstreamException.status(id, code, "stream error: " + Upstream.abbreviate(r.path("error").path("message").asText("")),
                        null, data);
            }
            responseId = r.path("responseId").asText(responseId);
            model = r.path("modelVersion").asText(model);
            if (r.has("usageMetadata")) {
                usage = readUsage(r.path("usageMetadata"));
            }
            JsonNode candidate = r.path("candidates").path(0);
            for (JsonNode part : candidate.path("content").path("parts")) {
                if (!part.has("functionCall") && part.path("text").asText("").isEmpty()) {
                    continue; // an empty text part (often the last chunk's) carries nothing
                }
                ObjectNode c = started(responseId, model, created);
                if (part.has("functionCall")) {
                    JsonNode fc = part.get("functionCall");
                    ObjectNode call = ChatShape.delta(c).putArray("tool_calls").addObject();
                    call.put("index", tools).put("id", fc.path("id").asText("call_" + tools)).put("type", "function");
                    call.putObject("function").put("name", fc.path("name").asText())
                            .put("arguments", fc.path("args").isMissingNode() ? "{}" : fc.path("args").toString());
                    tools++;
                } else if (part.path("thought").asBoolean(false)) {
                    ChatShape.delta(c).put("reasoning_content", part.path("text").asText(""));
                } else if (part.has("text")) {
                    ChatShape.delta(c).put("content", part.path("text").asText());
                } else {
                    continue;
                }
                emit(c);
            }
            String finish = readFinish(r, candidate, tools > 0);
            if (finish != null && !finished) {
                finished = true;
                finish(finish);
                ObjectNode c = started(responseId, model, created);
                ((ObjectNode) c.get("choices").get(0)).put("finish_reason", finish);
                emit(c);
            }
            return true;
        }


        @Override
        protected void closeUpstream() {
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
