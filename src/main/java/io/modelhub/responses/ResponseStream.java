package io.modelhub.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.usage.TokenUsage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Turns chat completion chunks, one at a time as they arrive, into the Responses event sequence:
 * {@code response.created}, {@code response.in_progress}, then for each output item
 * {@code output_item.added}, its content part or argument deltas and their {@code .done} events and
 * {@code output_item.done}, and at the end {@code response.completed} (or {@code response.incomplete}
 * when the answer was cut, or {@code error} and {@code response.failed} when the upstream failed).
 * Every event carries the next {@code sequence_number}. Without an output stream it only collects the
 * finished response (a stream answer to a request that did not ask to stream).
 */
final class ResponseStream {
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ObjectMapper json;
    private final ResponseObjects objects;
    private final ObjectNode response;
    private final OutputStream out;
    private final ArrayNode output;
    private int sequence;
    private String finishReason;
    private TokenUsage usage;

    /** The item being streamed: a message (with its text and refusal so far) or a function call. */
    private ObjectNode open;
    private int openIndex = -1;
    private int openToolIndex = -1;
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder refusal = new StringBuilder();
    private final StringBuilder arguments = new StringBuilder();
    private boolean textPartOpen;

    ResponseStream(ObjectMapper json, ResponseObjects objects, ObjectNode response, OutputStream out) {
        this.json = json;
        this.objects = objects;
        this.response = response;
        this.out = out;
        this.output = json.createArrayNode();
    }

    /** Sends {@code response.created} and {@code response.in_progress}. */
    void start() throws IOException {
        emit(event("response.created").set("response", response.deepCopy()));
        emit(event("response.in_progress").set("response", response.deepCopy()));
        flush();
    }

    /** Takes one chat completion chunk. */
    void chunk(JsonNode chunk) throws IOException {
        JsonNode u = chunk.get("usage");
        if (u != null && u.isObject()) {
            usage = new TokenUsage(u.path("prompt_tokens").asLong(0), u.path("completion_tokens").asLong(0));
        }
        JsonNode choice = chunk.path("choices").path(0);
        if (choice.isMissingNode()) {
            return;
        }
        JsonNode delta = choice.path("delta");
        JsonNode content = delta.get("content");
        if (content != null && content.isTextual() && !content.asText().isEmpty()) {
            openMessage();
            if (!textPartOpen) {
                textPartOpen = true;
                emit(part("response.content_part.added", 0).set("part", objects.textPart("")));
            }
            text.append(content.asText());
            ObjectNode e = part("response.output_text.delta", 0);
            e.put("delta", content.asText());
            e.putArray("logprobs");
            emit(e);
        }
        JsonNode r = delta.get("refusal");
        if (r != null && r.isTextual() && !r.asText().isEmpty()) {
            openMessage();
            refusal.append(r.asText());
        }
        for (JsonNode tc : delta.path("tool_calls")) {
            int index = tc.path("index").asInt(0);
            JsonNode fn = tc.path("function");
            if (open == null || index != openToolIndex || !"function_call".equals(open.path("type").asText())) {
                closeOpen("completed");
                openToolIndex = index;
                open = objects.functionCall(tc.path("id").asText(""), fn.path("name").asText(""), "", "in_progress");
                openIndex = output.size();
                output.add(open);
                emit(item("response.output_item.added", open));
            } else if (open.path("name").asText().isEmpty() && !fn.path("name").asText("").isEmpty()) {
                open.put("name", fn.get("name").asText());
            }
            String fragment = fn.path("arguments").asText("");
            if (!fragment.isEmpty()) {
                arguments.append(fragment);
                ObjectNode e = event("response.function_call_arguments.delta");
                e.put("item_id", open.path("id").asText());
                e.put("output_index", openIndex);
                e.put("delta", fragment);
                emit(e);
            }
        }
        JsonNode finish = choice.get("finish_reason");
        if (finish != null && finish.isTextual()) {
            finishReason = finish.asText();
        }
    }

    /** Flushes what the last chunks wrote, so the client sees it now. */
    void flush() throws IOException {
        if (out != null) {
            out.flush();
        }
    }

    /**
     * Ends the response: closes the open item and sends {@code response.completed} (or {@code .incomplete}).
     * {@code beforeEnd} is given the finished response before that last event goes out (to store it, so
     * that a client reading it back at once finds it).
     */
    ObjectNode complete(TokenUsage fallbackUsage, long nowSeconds, Consumer<ObjectNode> beforeEnd) throws IOException {
        closeOpen(ResponseObjects.itemStatus(finishReason));
        objects.finish(response, output, finishReason, usage != null ? usage : fallbackUsage, nowSeconds);
        beforeEnd.accept(response);
        String type = "incomplete".equals(response.path("status").asText()) ? "response.incomplete" : "response.completed";
        emit(event(type).set("response", response));
        flush();
        return response;
    }

    /** Ends the response as failed: the open item closes incomplete, then {@code error} and {@code response.failed}. */
    ObjectNode fail(String code, String message, Consumer<ObjectNode> beforeEnd) throws IOException {
        closeOpen("incomplete");
        objects.fail(response, output, message);
        beforeEnd.accept(response);
        ObjectNode error = event("error");
        error.put("code", code);
        error.put("message", message);
        error.putNull("param");
        emit(error);
        emit(event("response.failed").set("response", response));
        flush();
        return response;
    }

    /** The usage the upstream reported, or null when it never did. */
    TokenUsage usage() {
        return usage;
    }

    private void openMessage() throws IOException {
        if (open != null && "message".equals(open.path("type").asText())) {
            return;
        }
        closeOpen("completed");
        open = objects.openMessage();
        openIndex = output.size();
        output.add(open);
        emit(item("response.output_item.added", open));
    }

    private void closeOpen(String status) throws IOException {
        if (open == null) {
            return;
        }
        ObjectNode done = open.deepCopy();
        done.put("status", status);
        if ("message".equals(open.path("type").asText())) {
            ArrayNode parts = (ArrayNode) done.get("content");
            if (textPartOpen) {
                ObjectNode e = part("response.output_text.done", 0);
                e.put("text", text.toString());
                e.putArray("logprobs");
                emit(e);
                ObjectNode finished = objects.textPart(text.toString());
                emit(part("response.content_part.done", 0).set("part", finished));
                parts.add(finished);
            }
            if (!refusal.isEmpty()) {
                int index = parts.size();
                ObjectNode finished = objects.refusalPart(refusal.toString());
                emit(part("response.content_part.added", index).set("part", objects.refusalPart("")));
                emit(part("response.content_part.done", index).set("part", finished));
                parts.add(finished);
            }
        } else {
            done.put("arguments", arguments.toString());
            ObjectNode e = event("response.function_call_arguments.done");
            e.put("item_id", done.path("id").asText());
            e.put("output_index", openIndex);
            e.put("name", done.path("name").asText());
            e.put("arguments", arguments.toString());
            emit(e);
        }
        output.set(openIndex, done);
        emit(item("response.output_item.done", done));
        open = null;
        openToolIndex = -1;
        text.setLength(0);
        refusal.setLength(0);
        arguments.setLength(0);
        textPartOpen = false;
    }

    private ObjectNode event(String type) {
        ObjectNode e = json.createObjectNode();
        e.put("type", type);
        return e;
    }

    private ObjectNode item(String type, ObjectNode item) {
        ObjectNode e = event(type);
        e.put("output_index", openIndex);
        e.set("item", item.deepCopy());
        return e;
    }

    private ObjectNode part(String type, int contentIndex) {
        ObjectNode e = event(type);
        e.put("item_id", open.path("id").asText());
        e.put("output_index", openIndex);
        e.put("content_index", contentIndex);
        return e;
    }

    private void emit(JsonNode event) throws IOException {
        ((ObjectNode) event).put("sequence_number", sequence++);
        if (out != null) {
            write(out, event.path("type").asText(), json.writeValueAsBytes(event));
        }
    }

    /** Writes one SSE event as OpenAI frames Responses events: {@code event: <type>} and its JSON as {@code data:}. */
    static void write(OutputStream out, String type, byte[] data) throws IOException {
        out.write(EVENT);
        out.write(type.getBytes(StandardCharsets.UTF_8));
        out.write(DATA);
        out.write(data);
        out.write(END);
    }
}
