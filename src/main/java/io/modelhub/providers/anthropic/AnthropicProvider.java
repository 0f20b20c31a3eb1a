package io.modelhub.providers.anthropic;

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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Anthropic's Messages API ({@code POST /v1/messages}), spoken natively: the request is translated from
 * the hub's chat shape and the answer, whole or streamed event by event, back into it, with the usage
 * Anthropic reports (cache creation and cache read tokens included).
 */
public final class AnthropicProvider implements Provider {
    /** The kind's registry entry. */
    public static final ProviderKind KIND = new ProviderKind("anthropic", Set.of("version"), Set.of(),
            ProviderKind.fixed("https://api.anthropic.com"), true, (info, c) -> new AnthropicProvider(info, new ChatShape(c.json()), c),
            java.util.List.of("ANTHROPIC_API_KEY"));

    static final String DEFAULT_VERSION = "2023-06-01";

    private final String id;
    private final Upstream upstream;
    private final ChatShape shape;
    private final String head;

    AnthropicProvider(ProviderInfo info, ChatShape shape, ProviderKind.Context context) {
        this.id = info.id();
        this.shape = shape;
        this.upstream = new Upstream(id, info.baseUrl(), info.timeouts(), info.connections(), context.proxies(), shape.json());
        String version = info.settings().get("version", DEFAULT_VERSION);
        if (version.chars().anyMatch(ch -> ch < 0x21 || ch > 0x7e)) {
            throw new IllegalArgumentException("provider " + id + ": version must be a header value such as " + DEFAULT_VERSION);
        }
        this.head = upstream.requestLine("POST", "/v1/messages") + OpenAiProvider.keyLine(info, "x-api-key: ")
                + "anthropic-version: " + version + "\r\nContent-Type: application/json\r\nUser-Agent: ModelHub/0.1\r\n";
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public UpstreamReply chat(ChatCall call) throws UpstreamException {
        byte[] payload = shape.bytes(AnthropicRequest.of(call, shape, id));
        StringBuilder h = new StringBuilder(head.length() + 96).append(head)
                .append(call.stream() ? "Accept: text/event-stream\r\n" : "Accept: application/json\r\n");
        if (call.requestId() != null) {
            h.append("X-Request-Id: ").append(call.requestId()).append("\r\n");
        }
        h.append("Content-Length: ").append(payload.length).append("\r\n\r\n");
        Exchange exchange = upstream.send(h.toString(), payload, null, "calling the messages endpoint");
        if (call.stream()) {
            return new UpstreamReply.Streaming(new Events(upstream.sse(exchange)));
        }
        return complete(upstream.readAll(exchange, "reading the answer"));
    }

    private UpstreamReply complete(byte[] body) throws UpstreamException {
        JsonNode m = shape.object(id, body);
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        List<ChatShape.ToolCall> calls = new ArrayList<>();
        for (JsonNode block : m.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "thinking" -> thinking.append(block.path("thinking").asText());
                case "tool_use" -> calls.add(new ChatShape.ToolCall(block.path("id").asText(), block.path("name").asText(),
                        block.path("input").isMissingNode() ? "{}" : block.path("input").toString()));
                default -> {
                    // redacted thinking, server tool blocks: nothing the chat shape can carry
                }
            }
        }
        TokenUsage usage = readUsage(m.path("usage"), null);
        String finish = stopReason(m.path("stop_reason").asText(null));
        byte[] out = shape.completion(m.path("id").asText(), m.path("model").asText(), System.currentTimeMillis() / 1000,
                text.toString(), thinking.toString(), calls, finish, usage);
        return new UpstreamReply.Complete(out, usage, finish);
    }

    /** Anthropic's stop reason as an OpenAI finish reason. */
    static String stopReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence, pause_turn
        };
    }

    /**
     * Anthropic usage as the hub's: {@code input_tokens} excludes cached tokens, so the prompt is the sum
     * of input, cache creation and cache read tokens. Fields absent here keep their value from {@code before}.
     */
    static TokenUsage readUsage(JsonNode u, TokenUsage before) {
        long input = u.path("input_tokens").asLong(-1);
        long write = u.path("cache_creation_input_tokens").asLong(-1);
        long readTokens = u.path("cache_read_input_tokens").asLong(-1);
        long output = u.path("output_tokens").asLong(-1);
        long prevWrite = before == null ? 0 : before.cacheWriteTokens();
        long prevRead = before == null ? 0 : before.cacheReadTokens();
        long prevInput = before == null ? 0 : before.promptTokens() - prevWrite - prevRead;
        long w = write >= 0 ? write : prevWrite;
        long r = readTokens >= 0 ? readTokens : prevRead;
        long i = input >= 0 ? input : prevInput;
        long o = output >= 0 ? output : (before == null ? 0 : before.completionTokens());
        return new TokenUsage(i + w + r, o, r, w);
    }

    /** Anthropic's SSE events translated one by one into chunks. */
    private final class Events extends TranslatedStream {
        private final Upstream.Frames<byte[]> frames;
        private String messageId = "msg";
        private String model = "";
        private final long created = System.currentTimeMillis() / 1000;
        private TokenUsage usage;
        private boolean stopped;
        private int toolIndex = -1;
        /** For each content block index, the tool call index it streams into, or -1 for text/thinking. */
        private final java.util.Map<Integer, Integer> toolOfBlock = new java.util.HashMap<>();

        Events(Upstream.Frames<byte[]> frames) {
            super(AnthropicProvider.this.shape);
            this.frames = frames;
        }

        @Override
        protected boolean pull() throws UpstreamException {
            byte[] data = frames.next();
            if (data == null) {
                if (!stopped) {
                    throw UpstreamException.protocol(id, "the stream ended before message_stop", null);
                }
                return false;
            }
            JsonNode e;
            try {
                e = shape.json().readTree(data);
            } catch (IOException ex) {
                throw UpstreamException.protocol(id, "sent a stream event that is not JSON", ex);
            }
            switch (e.path("type").asText()) {
                case "message_start" -> {
                    JsonNode m = e.path("message");
                    messageId = m.path("id").asText(messageId);
                    model = m.path("model").asText(model);
                    usage = readUsage(m.path("usage"), null);
                }
                case "content_block_start" -> {
                    JsonNode block = e.path("content_block");
                    int index = e.path("index").asInt();
                    if ("tool_use".equals(block.path("type").asText())) {
                        toolIndex++;
                        toolOfBlock.put(index, toolIndex);
                        ObjectNode c = started(messageId, model, created);
                        ObjectNode call = ChatShape.delta(c).putArray("tool_calls").addObject();
                        call.put("index", toolIndex).put("id", block.path("id").asText()).put("type", "function");
                        call.putObject("function").put("name", block.path("name").asText()).put("arguments", "");
                        emit(c);
                    } else if ("text".equals(block.path("type").asText()) && !block.path("text").asText("").isEmpty()) {
                        ObjectNode c = started(messageId, model, created);
                        ChatShape.delta(c).put("content", block.path("text").asText());
                        emit(c);
                    }
                }
                case "content_block_delta" -> {
                    JsonNode d = e.path("delta");
                    switch (d.path("type").asText()) {
                        case "text_delta" -> {
                            ObjectNode c = started(messageId, model, created);
                            ChatShape.delta(c).put("content", d.path("text").asText());
                            emit(c);
                        }
                        case "thinking_delta" -> {
                            ObjectNode c = started(messageId, model, created);
                            ChatShape.delta(c).put("reasoning_content", d.path("thinking").asText());
                            emit(c);
                        }
                        case "input_json_delta" -> {
                            Integer tool = toolOfBlock.get(e.path("index").asInt());
                            String partial = d.path("partial_json").asText("");
                            if (tool != null && !partial.isEmpty()) {
                                ObjectNode c = started(messageId, model, created);
                                ChatShape.delta(c).putArray("tool_calls").addObject().put("index", tool)
                                        .putObject("function").put("arguments", partial);
                                emit(c);
                            }
                        }
                        default -> {
                            // signature_delta, citations: nothing the chat shape carries
                        }
                    }
                }
                case "message_delta" -> {
                    usage = readUsage(e.path("usage"), usage);
                    String finish = stopReason(e.path("delta").path("stop_reason").asText(null));
                    if (finish != null) {
                        finish(finish);
                        ObjectNode c = started(messageId, model, created);
                        ((ObjectNode) c.get("choices").get(0)).put("finish_reason", finish);
                        emit(c);
                    }
                }
                case "message_stop" -> {
                    stopped = true;
                    if (usage != null) {
                        emitUsage(shape.usageChunk(messageId, model, created, usage), usage);
                        usage = null; // emitted: the end of the body that follows adds nothing
                    }
                    // The body ends right after message_stop; reading that end lets the connection be pooled.
                }
                case "error" -> throw streamError(e.path("error"));
                default -> {
                    // ping, content_block_stop
                }
            }
            return true;
        }


        @Override
        protected void closeUpstream() {
            frames.close();
        }
    }

    /** An {@code error} event inside a stream: overloaded and rate-limit errors keep their retryable status. */
    private UpstreamException streamError(JsonNode error) {
        String type = error.path("type").asText("api_error");
        int status = switch (type) {
            case "overloaded_error" -> 529;
            case "rate_limit_error" -> 429;
            case "invalid_request_error" -> 400;
            default -> 500;
        };
        String message = error.path("message").asText(type);
        return UpstreamException.status(id, status, "stream error " + type + ": " + Upstream.abbreviate(message), null,
                error.toString().getBytes(StandardCharsets.UTF_8));
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
