package io.modelhub.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.api.ApiException;
import io.modelhub.chat.TranslatedRelay;
import io.modelhub.usage.TokenUsage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A stream of OpenAI chat-completion chunks as Anthropic's event sequence, translated chunk by chunk:
 * {@code message_start} and a {@code ping} on the first chunk; a text block for content, a
 * {@code tool_use} block per tool call, each opened with {@code content_block_start}, fed with
 * {@code text_delta} / {@code input_json_delta} and closed with {@code content_block_stop}; and, at the
 * end (after the upstream's usage chunk, which follows its finish chunk), {@code message_delta} with the
 * stop reason and usage, then {@code message_stop}. An upstream failure is Anthropic's {@code error} event.
 */
final class MessageEvents implements TranslatedRelay.Translator {
    private final ObjectMapper json;
    private final String model;
    private final AnthropicErrors errors;
    private final String requestId;
    private boolean started;
    private int open = -1;
    private boolean openIsText;
    private int nextIndex;
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();
    private StopReasons.Stop stop;
    private TokenUsage usage;
    private long deltas;

    MessageEvents(ObjectMapper json, String model, AnthropicErrors errors, String requestId) {
        this.json = json;
        this.model = model;
        this.errors = errors;
        this.requestId = requestId;
    }

    @Override
    public void chunk(JsonNode chunk, OutputStream out) throws IOException {
        if (!started) {
            start(chunk.path("id").asText(""), out);
        }
        JsonNode u = chunk.get("usage");
        if (u != null && u.isObject()) {
            usage = new TokenUsage(u.path("prompt_tokens").asLong(), u.path("completion_tokens").asLong());
        }
        for (JsonNode choice : chunk.path("choices")) {
            if (choice.path("index").asInt(0) != 0) {
                continue; // Anthropic has no n > 1: only the first choice is relayed
            }
            JsonNode delta = choice.path("delta");
            JsonNode text = delta.get("content");
            if (text != null && text.isTextual() && !text.asText().isEmpty()) {
                if (open < 0 || !openIsText) {
                    closeOpen(out);
                    open = nextIndex++;
                    openIsText = true;
                    ObjectNode e = event("content_block_start").put("index", open);
                    e.putObject("content_block").put("type", "text").put("text", "");
                    write(out, e);
                }
                ObjectNode e = event("content_block_delta").put("index", open);
                e.putObject("delta").put("type", "text_delta").put("text", text.asText());
                write(out, e);
                deltas++;
            }
            for (JsonNode call : delta.path("tool_calls")) {
                int toolIndex = call.path("index").asInt(0);
                Integer block = toolBlocks.get(toolIndex);
                if (block == null) {
                    closeOpen(out);
                    block = nextIndex++;
                    toolBlocks.put(toolIndex, block);
                    open = block;
                    openIsText = false;
                    ObjectNode e = event("content_block_start").put("index", block);
                    ObjectNode b = e.putObject("content_block").put("type", "tool_use")
                            .put("id", MessageAnswer.toolUseId(call.path("id").asText("")))
                            .put("name", call.path("function").path("name").asText(""));
                    b.putObject("input");
                    write(out, e);
                }
                String args = call.path("function").path("arguments").asText("");
                if (!args.isEmpty()) {
                    ObjectNode e = event("content_block_delta").put("index", block);
                    e.putObject("delta").put("type", "input_json_delta").put("partial_json", args);
                    write(out, e);
                    deltas++;
                }
            }
            JsonNode finish = choice.get("finish_reason");
            if (finish != null && finish.isTextual()) {
                stop = StopReasons.of(choice);
                closeOpen(out);
            }
        }
    }

    @Override
    public void end(OutputStream out) throws IOException {
        if (!started) {
            start("", out);
        }
        closeOpen(out);
        StopReasons.Stop s = stop == null ? new StopReasons.Stop("end_turn", null) : stop;
        ObjectNode e = event("message_delta");
        ObjectNode d = e.putObject("delta").put("stop_reason", s.reason());
        if (s.sequence() == null) {
            d.putNull("stop_sequence");
        } else {
            d.put("stop_sequence", s.sequence());
        }
        MessageAnswer.usage(e.putObject("usage"), usage != null ? usage : new TokenUsage(0, deltas));
        write(out, e);
        write(out, event("message_stop"));
    }

    @Override
    public void fail(ApiException error, OutputStream out) throws IOException {
        write(out, errors.body(error, requestId));
    }

    private void start(String upstreamId, OutputStream out) throws IOException {
        started = true;
        ObjectNode e = event("message_start");
        ObjectNode m = e.putObject("message");
        m.put("id", MessageAnswer.messageId(upstreamId));
        m.put("type", "message");
        m.put("role", "assistant");
        m.put("model", model);
        m.putArray("content");
        m.putNull("stop_reason");
        m.putNull("stop_sequence");
        // The upstream reports usage only at the end: message_delta carries the real counts.
        MessageAnswer.usage(m.putObject("usage"), TokenUsage.NONE);
        write(out, e);
        write(out, event("ping"));
    }

    private void closeOpen(OutputStream out) throws IOException {
        if (open >= 0) {
            write(out, event("content_block_stop").put("index", open));
            open = -1;
        }
    }

    private ObjectNode event(String type) {
        return json.createObjectNode().put("type", type);
    }

    /** One SSE event: Anthropic names each event after the {@code type} of its data. */
    private static void write(OutputStream out, ObjectNode data) throws IOException {
        out.write(("event: " + data.path("type").asText() + "\ndata: ").getBytes(StandardCharsets.UTF_8));
        out.write(data.toString().getBytes(StandardCharsets.UTF_8));
        out.write(END);
    }

    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
}
