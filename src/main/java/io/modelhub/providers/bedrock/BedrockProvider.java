package io.modelhub.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.catalog.ProviderInfo;
import io.modelhub.config.KindSettings;
import io.modelhub.config.Secret;
import io.modelhub.providers.ChatCall;
import io.modelhub.providers.ChatShape;
import io.modelhub.providers.ConnectionGate;
import io.modelhub.providers.Provider;
import io.modelhub.providers.ProviderKind;
import io.modelhub.providers.TranslatedStream;
import io.modelhub.providers.UpstreamException;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.providers.http.AwsEventStream;
import io.modelhub.providers.http.Exchange;
import io.modelhub.providers.http.Upstream;
import io.modelhub.usage.TokenUsage;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * AWS Bedrock's Converse and ConverseStream APIs ({@code POST /model/{modelId}/converse[-stream]}),
 * each request signed with SigV4 (service {@code bedrock}) by the AWS SDK's signer, with credentials
 * from the configuration ({@code aws_access_key_id} / {@code aws_secret_access_key} /
 * {@code aws_session_token}) or else the AWS default chain (environment, profile, container, instance).
 * ConverseStream's binary event-stream messages are translated one by one into chunks.
 */
public final class BedrockProvider implements Provider {
    public static final ProviderKind KIND = new ProviderKind("bedrock",
            Set.of("region", "aws_access_key_id", "aws_secret_access_key", "aws_session_token"),
            Set.of("aws_secret_access_key", "aws_session_token"),
            BedrockProvider::defaultBaseUrl, true, (info, c) -> new BedrockProvider(info, new ChatShape(c.json()), c, Clock.systemUTC()));

    private final String id;
    private final String baseUrl;
    private final String region;
    private final Upstream upstream;
    private final ChatShape shape;
    private final Supplier<AwsCredentialsIdentity> credentials;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final Clock clock;

    static String defaultBaseUrl(KindSettings settings) {
        String region = settings.get("region", null);
        return region == null ? null : "https://bedrock-runtime." + region + ".amazonaws.com";
    }

    BedrockProvider(ProviderInfo info, ChatShape shape, ProviderKind.Context context, Clock clock) {
        this.id = info.id();
        this.shape = shape;
        this.clock = clock;
        this.region = info.settings().get("region", null);
        if (region == null || !region.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("provider " + id + ": kind bedrock needs a region such as us-east-1"
                    + (region == null ? "" : " (was '" + region + "')"));
        }
        this.baseUrl = info.baseUrl();
        this.upstream = new Upstream(id, baseUrl, info.timeouts(), info.connections(), context.proxies(), shape.json());
        this.credentials = credentials(info);
    }

    private Supplier<AwsCredentialsIdentity> credentials(ProviderInfo info) {
        String keyId = info.settings().get("aws_access_key_id", null);
        Secret secret = info.settings().secret("aws_secret_access_key");
        Secret token = info.settings().secret("aws_session_token");
        if (keyId != null || secret != null) {
            if (keyId == null || secret == null) {
                throw new IllegalArgumentException("provider " + id + ": aws_access_key_id and aws_secret_access_key go together");
            }
            AwsCredentialsIdentity fixed = token == null ? AwsBasicCredentials.create(keyId, secret.value())
                    : AwsSessionCredentials.create(keyId, secret.value(), token.value());
            return () -> fixed;
        }
        // The default chain is built on first use: it may look at files and endpoints the hub never needs otherwise.
        return new Supplier<>() {
            private volatile DefaultCredentialsProvider chain;

            @Override
            public AwsCredentialsIdentity get() {
                if (chain == null) {
                    synchronized (this) {
                        if (chain == null) {
                            chain = DefaultCredentialsProvider.builder().build();
                        }
                    }
                }
                return chain.resolveCredentials();
            }
        };
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public UpstreamReply chat(ChatCall call) throws UpstreamException {
        byte[] payload = shape.bytes(ConverseRequest.of(call, shape, id));
        String modelId = call.offering().upstreamModel();
        String path = "/model/" + URLEncoder.encode(modelId, StandardCharsets.UTF_8).replace("+", "%20")
                + (call.stream() ? "/converse-stream" : "/converse");
        String accept = call.stream() ? "application/vnd.amazon.eventstream" : "application/json";
        Map<String, String> signed = sign(path, payload, accept);
        StringBuilder h = new StringBuilder(1024).append(upstream.requestLine("POST", path));
        signed.forEach((name, value) -> h.append(name).append(": ").append(value).append("\r\n"));
        h.append("User-Agent: ModelHub/0.1\r\n");
        if (call.requestId() != null) {
            h.append("X-Request-Id: ").append(call.requestId()).append("\r\n");
        }
        h.append("Content-Length: ").append(payload.length).append("\r\n\r\n");
        Exchange exchange = upstream.send(h.toString(), payload, null, call.stream() ? "calling ConverseStream" : "calling Converse");
        if (call.stream()) {
            return new UpstreamReply.Streaming(new Events(upstream.awsEvents(exchange), modelId));
        }
        return complete(upstream.readAll(exchange, "reading the answer"), modelId);
    }

    /** The headers SigV4 adds (and those it signed), Host left to the transport, which sends the same value. */
    private Map<String, String> sign(String path, byte[] payload, String accept) throws UpstreamException {
        AwsCredentialsIdentity identity;
        try {
            identity = credentials.get();
        } catch (RuntimeException e) {
            throw UpstreamException.connection(id, "no AWS credentials: " + Upstream.abbreviate(String.valueOf(e.getMessage())), e);
        }
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(URI.create(baseUrl + path))
                .putHeader("Content-Type", "application/json")
                .putHeader("Accept", accept)
                .build();
        SignedRequest signed = signer.sign(r -> r.identity(identity)
                .request(request)
                .payload(ContentStreamProvider.fromByteArrayUnsafe(payload))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "bedrock")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        Map<String, String> out = new java.util.LinkedHashMap<>();
        signed.request().forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !values.isEmpty()) {
                out.put(name, String.join(",", values));
            }
        });
        return out;
    }

    private UpstreamReply complete(byte[] body, String modelId) throws UpstreamException {
        JsonNode r = shape.object(id, body);
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<ChatShape.ToolCall> calls = new ArrayList<>();
        for (JsonNode block : r.path("output").path("message").path("content")) {
            if (block.has("text")) {
                text.append(block.path("text").asText());
            } else if (block.has("toolUse")) {
                JsonNode u = block.get("toolUse");
                calls.add(new ChatShape.ToolCall(u.path("toolUseId").asText(), u.path("name").asText(),
                        u.path("input").isMissingNode() ? "{}" : u.path("input").toString()));
            } else if (block.has("reasoningContent")) {
                reasoning.append(block.path("reasoningContent").path("reasoningText").path("text").asText(""));
            }
        }
        String finish = stopReason(r.path("stopReason").asText(null));
        TokenUsage usage = readUsage(r.path("usage"));
        byte[] out = shape.completion("bedrock-" + Long.toHexString(System.nanoTime()), modelId, System.currentTimeMillis() / 1000,
                text.toString(), reasoning.toString(), calls, finish, usage);
        return new UpstreamReply.Complete(out, usage, finish);
    }

    static String stopReason(String reason) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "guardrail_intervened", "content_filtered" -> "content_filter";
            default -> "stop";
        };
    }

    /** Converse usage: {@code inputTokens} leaves out the cache reads and writes, which are added to the prompt. */
    static TokenUsage readUsage(JsonNode u) {
        long read = u.path("cacheReadInputTokens").asLong(0);
        long write = u.path("cacheWriteInputTokens").asLong(0);
        return new TokenUsage(u.path("inputTokens").asLong(0) + read + write, u.path("outputTokens").asLong(0), read, write);
    }

    /** ConverseStream's event-stream messages translated into chunks. */
    private final class Events extends TranslatedStream {
        private final Upstream.Frames<AwsEventStream.Message> frames;
        private final String streamId = "bedrock-" + Long.toHexString(System.nanoTime());
        private final String model;
        private final long created = System.currentTimeMillis() / 1000;
        private final Map<Integer, Integer> toolOfBlock = new HashMap<>();
        private int tools;
        private boolean stopped;
        private TokenUsage usage;

        Events(Upstream.Frames<AwsEventStream.Message> frames, String model) {
            super(BedrockProvider.this.shape);
            this.frames = frames;
            this.model = model;
        }

        @Override
        protected boolean pull() throws UpstreamException {
            AwsEventStream.Message m = frames.next();
            if (m == null) {
                if (!stopped) {
                    throw UpstreamException.protocol(id, "the stream ended before messageStop", null);
                }
                if (usage != null) {
                    emitUsage(shape.usageChunk(streamId, model, created, usage), usage);
                }
                return false;
            }
            String type = m.header(":message-type");
            if ("exception".equals(type) || "error".equals(type)) {
                throw streamError(m);
            }
            JsonNode e;
            try {
                e = shape.json().readTree(m.payload());
            } catch (IOException ex) {
                throw UpstreamException.protocol(id, "sent a stream event that is not JSON", ex);
            }
            switch (String.valueOf(m.header(":event-type"))) {
                case "contentBlockStart" -> {
                    JsonNode use = e.path("start").path("toolUse");
                    if (!use.isMissingNode()) {
                        toolOfBlock.put(e.path("contentBlockIndex").asInt(), tools);
                        ObjectNode c = started(streamId, model, created);
                        ObjectNode call = ChatShape.delta(c).putArray("tool_calls").addObject();
                        call.put("index", tools).put("id", use.path("toolUseId").asText()).put("type", "function");
                        call.putObject("function").put("name", use.path("name").asText()).put("arguments", "");
                        tools++;
                        emit(c);
                    }
                }
                case "contentBlockDelta" -> {
                    JsonNode d = e.path("delta");
                    if (d.has("text")) {
                        ObjectNode c = started(streamId, model, created);
                        ChatShape.delta(c).put("content", d.path("text").asText());
                        emit(c);
                    } else if (d.has("toolUse")) {
                        Integer tool = toolOfBlock.get(e.path("contentBlockIndex").asInt());
                        if (tool != null) {
                            ObjectNode c = started(streamId, model, created);
                            ChatShape.delta(c).putArray("tool_calls").addObject().put("index", tool)
                                    .putObject("function").put("arguments", d.path("toolUse").path("input").asText(""));
                            emit(c);
                        }
                    } else if (d.has("reasoningContent") && d.path("reasoningContent").has("text")) {
                        ObjectNode c = started(streamId, model, created);
                        ChatShape.delta(c).put("reasoning_content", d.path("reasoningContent").path("text").asText());
                        emit(c);
                    }
                }
                case "messageStop" -> {
                    stopped = true;
                    String finish = stopReason(e.path("stopReason").asText(null));
                    if (finish != null) {
                        finish(finish);
                        ObjectNode c = started(streamId, model, created);
                        ((ObjectNode) c.get("choices").get(0)).put("finish_reason", finish);
                        emit(c);
                    }
                }
                case "metadata" -> usage = readUsage(e.path("usage"));
                default -> {
                    // messageStart, contentBlockStop
                }
            }
            return true;
        }


        @Override
        protected void closeUpstream() {
            frames.close();
        }
    }

    /** An exception message inside a stream; throttling and unavailability keep a retryable status. */
    private UpstreamException streamError(AwsEventStream.Message m) {
        String type = m.header(":exception-type") != null ? m.header(":exception-type") : String.valueOf(m.header(":error-code"));
        int status = switch (type.toLowerCase(Locale.ROOT)) {
            case "throttlingexception" -> 429;
            case "validationexception" -> 400;
            case "serviceunavailableexception" -> 503;
            case "modeltimeoutexception" -> 408;
            default -> 500;
        };
        String message = new String(m.payload(), StandardCharsets.UTF_8);
        try {
            JsonNode n = shape.json().readTree(m.payload());
            if (n != null && n.hasNonNull("message")) {
                message = n.path("message").asText();
            }
        } catch (IOException ignored) {
            // the raw payload is the message
        }
        return UpstreamException.status(id, status, "stream " + type + ": " + Upstream.abbreviate(message), null, m.payload());
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
