package io.modelhub.providers.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.providers.ChatCall;
import io.modelhub.providers.EmbeddingCall;
import io.modelhub.providers.EventStream;
import io.modelhub.providers.Provider;
import io.modelhub.providers.UpstreamException;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.usage.TokenUsage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The built-in provider that needs no network and no account: answers are derived deterministically
 * from the request (see {@link SandboxAnswer}), streamed token by token with a configurable delay, with
 * tool calls when tools are given and {@code tool_choice} asks for one, and honest token counts; and
 * deterministic embeddings ({@link SandboxEmbeddings}).
 */
public final class SandboxProvider implements Provider {
    public static final String ID = "sandbox";

    private final ObjectMapper json;
    private final Duration tokenDelay;

    public SandboxProvider(ObjectMapper json, Duration tokenDelay) {
        this.json = json;
        this.tokenDelay = tokenDelay;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public UpstreamReply chat(ChatCall call) throws UpstreamException {
        SandboxAnswer answer = SandboxAnswer.of(call.body(), json);
        String model = call.body().path("model").asText(call.offering().upstreamModel());
        long created = System.currentTimeMillis() / 1000;
        if (!call.stream()) {
            return new UpstreamReply.Complete(bytes(completion(answer, model, created)),
                    new TokenUsage(answer.promptTokens(), answer.completionTokens()), answer.finishReason());
        }
        return new UpstreamReply.Streaming(new Chunks(answer, model, created));
    }

    @Override
    public UpstreamReply.Complete embed(EmbeddingCall call) throws UpstreamException {
        ObjectNode answer = SandboxEmbeddings.answer(call.body(), json);
        long tokens = answer.path("usage").path("prompt_tokens").asLong();
        return new UpstreamReply.Complete(bytes(answer), new TokenUsage(tokens, 0));
    }

    private ObjectNode completion(SandboxAnswer a, String model, long created) {
        ObjectNode root = json.createObjectNode();
        root.put("id", a.id());
        root.put("object", "chat.completion");
        root.put("created", created);
        root.put("model", model);
        ArrayNode choices = root.putArray("choices");
        for (int i = 0; i < a.choices(); i++) {
            ObjectNode choice = choices.addObject();
            choice.put("index", i);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            if (a.toolCalls().isEmpty()) {
                message.put("content", a.text());
            } else {
                message.putNull("content");
                ArrayNode calls = message.putArray("tool_calls");
                for (SandboxAnswer.ToolCall tc : a.toolCalls()) {
                    ObjectNode c = calls.addObject();
                    c.put("id", tc.id());
                    c.put("type", "function");
                    c.putObject("function").put("name", tc.name()).put("arguments", tc.arguments());
                }
            }
            message.putNull("refusal");
            choice.putNull("logprobs");
            choice.put("finish_reason", a.finishReason());
            if (a.stopMatched() != null) {
                choice.put("stop_reason", a.stopMatched());
            }
        }
        usage(root.putObject("usage"), a);
        return root;
    }

    private static void usage(ObjectNode u, SandboxAnswer a) {
        u.put("prompt_tokens", a.promptTokens());
        u.put("completion_tokens", a.completionTokens());
        u.put("total_tokens", a.promptTokens() + a.completionTokens());
    }

    private byte[] bytes(JsonNode node) throws UpstreamException {
        try {
            return json.writeValueAsBytes(node);
        } catch (Exception e) {
            throw UpstreamException.protocol(ID, "could not encode the sandbox answer", e);
        }
    }

    /** Produces the chunks of a streamed answer lazily, sleeping before each token like a real model. */
    private final class Chunks implements EventStream {
        private final SandboxAnswer answer;
        private final String model;
        private final long created;
        private final Deque<ObjectNode> pending = new ArrayDeque<>();
        private final boolean includeUsage;
        private volatile boolean closed;
        private boolean finished;
        private boolean usageOnly;
        private TokenUsage usage;
        private String finishReason;

        Chunks(SandboxAnswer answer, String model, long created) {
            this.answer = answer;
            this.model = model;
            this.created = created;
            this.includeUsage = answer.includeUsage();
            plan();
        }

        private void plan() {
            for (int i = 0; i < answer.choices(); i++) {
                ObjectNode first = chunk(i);
                ((ObjectNode) first.get("choices").get(0).get("delta")).put("role", "assistant").put("content", "");
                pending.add(first);
                if (answer.toolCalls().isEmpty()) {
                    for (String token : answer.textTokens()) {
                        ObjectNode c = chunk(i);
                        ((ObjectNode) c.get("choices").get(0).get("delta")).put("content", token);
                        pending.add(c);
                    }
                } else {
                    List<SandboxAnswer.ToolCall> calls = answer.toolCalls();
                    for (int t = 0; t < calls.size(); t++) {
                        SandboxAnswer.ToolCall tc = calls.get(t);
                        ObjectNode head = chunk(i);
                        ObjectNode call = ((ObjectNode) head.get("choices").get(0).get("delta")).putArray("tool_calls").addObject();
                        call.put("index", t).put("id", tc.id()).put("type", "function");
                        call.putObject("function").put("name", tc.name()).put("arguments", "");
                        pending.add(head);
                        for (String piece : SandboxAnswer.split(tc.arguments(), 16)) {
                            ObjectNode c = chunk(i);
                            ObjectNode d = ((ObjectNode) c.get("choices").get(0).get("delta")).putArray("tool_calls").addObject();
                            d.put("index", t).putObject("function").put("arguments", piece);
                            pending.add(c);
                        }
                    }
                }
                ObjectNode last = chunk(i);
                ((ObjectNode) last.get("choices").get(0)).put("finish_reason", answer.finishReason());
                if (answer.stopMatched() != null) {
                    ((ObjectNode) last.get("choices").get(0)).put("stop_reason", answer.stopMatched());
                }
                pending.add(last);
            }
            if (includeUsage) {
                ObjectNode u = base();
                u.putArray("choices");
                SandboxProvider.usage(u.putObject("usage"), answer);
                pending.add(u);
            }
        }

        private ObjectNode base() {
            ObjectNode c = json.createObjectNode();
            c.put("id", answer.id());
            c.put("object", "chat.completion.chunk");
            c.put("created", created);
            c.put("model", model);
            return c;
        }

        private ObjectNode chunk(int index) {
            ObjectNode c = base();
            ObjectNode choice = c.putArray("choices").addObject();
            choice.put("index", index);
            choice.putObject("delta");
            choice.putNull("logprobs");
            choice.putNull("finish_reason");
            if (includeUsage) {
                c.putNull("usage");
            }
            return c;
        }

        @Override
        public byte[] next() throws UpstreamException {
            if (closed || finished) {
                return null;
            }
            ObjectNode next = pending.poll();
            usageOnly = false;
            if (next == null) {
                finished = true;
                return null;
            }
            if (next.path("choices").isEmpty()) {
                usageOnly = true;
                usage = new TokenUsage(answer.promptTokens(), answer.completionTokens());
            } else if (finishReason == null && next.path("choices").path(0).path("finish_reason").isTextual()) {
                finishReason = next.path("choices").path(0).path("finish_reason").asText();
            }
            if (!tokenDelay.isZero() && next.path("choices").size() > 0) {
                try {
                    Thread.sleep(tokenDelay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw UpstreamException.connection(ID, "interrupted", e);
                }
            }
            return bytes(next);
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
            closed = true;
        }
    }
}
