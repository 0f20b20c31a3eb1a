package io.modelhub.completions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.api.ApiException;
import io.modelhub.api.Errors;
import io.modelhub.chat.TranslatedRelay;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Chat answers in the legacy {@code text_completion} shape: a whole completion's choices as
 * {@code {text, index, logprobs, finish_reason}}, and a stream's chunks the same way, chunk by chunk
 * ({@code echo} sends the prompt first; the usage chunk only when the client asked for it;
 * {@code data: [DONE]} at the end).
 */
final class TextCompletions implements TranslatedRelay.Translator {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ObjectMapper json;
    private final Errors errors;
    private final CompletionsRequest request;
    private boolean echoed;

    TextCompletions(ObjectMapper json, Errors errors, CompletionsRequest request) {
        this.json = json;
        this.errors = errors;
        this.request = request;
    }

    /** A whole chat completion as a text completion. */
    static ObjectNode whole(ObjectMapper json, byte[] chatCompletion, CompletionsRequest request) throws IOException {
        JsonNode root = json.readTree(chatCompletion);
        ObjectNode out = head(json, root);
        ArrayNode choices = out.putArray("choices");
        for (JsonNode c : root.path("choices")) {
            String text = c.path("message").path("content").asText("");
            choice(choices, c.path("index").asInt(0), request.echo() ? request.prompt() + text : text, c.get("finish_reason"));
        }
        JsonNode usage = root.get("usage");
        if (usage != null) {
            out.set("usage", usage);
        }
        return out;
    }

    @Override
    public void chunk(JsonNode chunk, OutputStream out) throws IOException {
        JsonNode choicesIn = chunk.path("choices");
        if (request.echo() && !echoed && choicesIn.size() > 0) {
            echoed = true;
            int n = Math.max(1, request.chat().body().path("n").asInt(1));
            ObjectNode echo = head(json, chunk);
            ArrayNode choices = echo.putArray("choices");
            for (int i = 0; i < n; i++) {
                choice(choices, i, request.prompt(), null);
            }
            write(out, echo);
        }
        ObjectNode c = head(json, chunk);
        ArrayNode choices = c.putArray("choices");
        for (JsonNode in : choicesIn) {
            String text = in.path("delta").path("content").asText("");
            JsonNode finish = in.get("finish_reason");
            if (text.isEmpty() && (finish == null || finish.isNull())) {
                continue; // the role-only first chunk and tool-call pieces have no text to show
            }
            choice(choices, in.path("index").asInt(0), text, finish);
        }
        JsonNode usage = chunk.get("usage");
        boolean hasUsage = usage != null && usage.isObject();
        if (hasUsage && request.includeUsage()) {
            c.set("usage", usage);
        }
        if (!choices.isEmpty() || (hasUsage && request.includeUsage())) {
            write(out, c);
        }
    }

    @Override
    public void end(OutputStream out) throws IOException {
        out.write(DONE);
    }

    @Override
    public void fail(ApiException error, OutputStream out) throws IOException {
        out.write(DATA);
        out.write(errors.body(error));
        out.write(END);
    }

    private static ObjectNode head(ObjectMapper json, JsonNode chat) {
        ObjectNode out = json.createObjectNode();
        String id = chat.path("id").asText("");
        out.put("id", id.startsWith("chatcmpl-") ? "cmpl-" + id.substring("chatcmpl-".length()) : "cmpl-" + id);
        out.put("object", "text_completion");
        out.put("created", chat.path("created").asLong(System.currentTimeMillis() / 1000));
        out.put("model", chat.path("model").asText(""));
        return out;
    }

    private static void choice(ArrayNode choices, int index, String text, JsonNode finish) {
        ObjectNode c = choices.addObject();
        c.put("text", text);
        c.put("index", index);
        c.putNull("logprobs");
        if (finish == null || finish.isNull()) {
            c.putNull("finish_reason");
        } else {
            // A text completion has no tool calls: their finish is an ordinary stop.
            String f = finish.asText();
            c.put("finish_reason", f.equals("tool_calls") || f.equals("function_call") ? "stop" : f);
        }
    }

    private static void write(OutputStream out, ObjectNode chunk) throws IOException {
        out.write(DATA);
        out.write(chunk.toString().getBytes(StandardCharsets.UTF_8));
        out.write(END);
    }
}
