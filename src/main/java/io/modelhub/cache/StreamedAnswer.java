package io.modelhub.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Converts between the two shapes of one chat answer: the chunks of a stream gathered into the
 * {@code chat.completion} it amounts to (so a streamed answer can be cached once and served either way),
 * and a completion replayed as the chunks of a stream.
 */
final class StreamedAnswer {
    private final ObjectMapper json;
    private final TreeMap<Integer, Choice> choices = new TreeMap<>();
    private JsonNode id;
    private JsonNode created;
    private JsonNode model;
    private JsonNode fingerprint;
    private JsonNode usage;
    private boolean broken;

    private static final class Choice {
        String role = "assistant";
        final StringBuilder content = new StringBuilder();
        boolean hasContent;
        final StringBuilder reasoning = new StringBuilder();
        final TreeMap<Integer, ObjectNode> toolCalls = new TreeMap<>();
        final TreeMap<Integer, StringBuilder> arguments = new TreeMap<>();
        String finishReason;
    }

    StreamedAnswer(ObjectMapper json) {
        this.json = json;
    }

    /** Adds one chunk (the data of one SSE event). */
    void add(byte[] event) {
        if (broken) {
            return;
        }
        JsonNode chunk;
        try {
            chunk = json.readTree(event);
        } catch (IOException e) {
            broken = true;
            return;
        }
        if (id == null) {
            id = chunk.get("id");
            created = chunk.get("created");
            model = chunk.get("model");
            fingerprint = chunk.get("system_fingerprint");
        }
        JsonNode u = chunk.get("usage");
        if (u != null && u.isObject()) {
            usage = u;
        }
        JsonNode cs = chunk.get("choices");
        if (cs == null || !cs.isArray()) {
            return;
        }
        for (JsonNode c : cs) {
            Choice choice = choices.computeIfAbsent(c.path("index").asInt(0), i -> new Choice());
            JsonNode delta = c.path("delta");
            if (delta.path("role").isTextual()) {
                choice.role = delta.get("role").asText();
            }
            if (delta.path("content").isTextual()) {
                choice.content.append(delta.get("content").asText());
                choice.hasContent = true;
            }
            if (delta.path("reasoning_content").isTextual()) {
                choice.reasoning.append(delta.get("reasoning_content").asText());
            }
            for (JsonNode t : delta.path("tool_calls")) {
                int index = t.path("index").asInt(0);
                ObjectNode call = choice.toolCalls.computeIfAbsent(index, i -> json.createObjectNode());
                StringBuilder args = choice.arguments.computeIfAbsent(index, i -> new StringBuilder());
                if (t.path("id").isTextual()) {
                    call.put("id", t.get("id").asText());
                }
                if (t.path("type").isTextual()) {
                    call.put("type", t.get("type").asText());
                }
                JsonNode f = t.path("function");
                if (f.path("name").isTextual()) {
                    call.put("name", f.get("name").asText());
                }
                if (f.path("arguments").isTextual()) {
                    args.append(f.get("arguments").asText());
                }
            }
            if (c.path("finish_reason").isTextual()) {
                choice.finishReason = c.get("finish_reason").asText();
            }
        }
    }

    /** The completion the chunks amount to, or null when the answer is not whole (no choice, or one left unfinished). */
    ObjectNode completion() {
        if (broken || choices.isEmpty() || choices.values().stream().anyMatch(c -> c.finishReason == null)) {
            return null;
        }
        ObjectNode root = json.createObjectNode();
        root.set("id", id);
        root.put("object", "chat.completion");
        root.set("created", created);
        root.set("model", model);
        if (fingerprint != null) {
            root.set("system_fingerprint", fingerprint);
        }
        ArrayNode out = root.putArray("choices");
        choices.forEach((index, c) -> {
            ObjectNode choice = out.addObject();
            choice.put("index", index);
            ObjectNode message = choice.putObject("message");
            message.put("role", c.role);
            if (c.hasContent || c.toolCalls.isEmpty()) {
                message.put("content", c.content.toString());
            } else {
                message.putNull("content");
            }
            if (!c.reasoning.isEmpty()) {
                message.put("reasoning_content", c.reasoning.toString());
            }
            if (!c.toolCalls.isEmpty()) {
                ArrayNode calls = message.putArray("tool_calls");
                c.toolCalls.forEach((i, t) -> {
                    ObjectNode call = calls.addObject();
                    call.put("id", t.path("id").asText());
                    call.put("type", t.path("type").asText("function"));
                    ObjectNode f = call.putObject("function");
                    f.put("name", t.path("name").asText());
                    f.put("arguments", c.arguments.get(i).toString());
                });
            }
            choice.put("finish_reason", c.finishReason);
        });
        if (usage != null) {
            root.set("usage", usage);
        }
        return root;
    }

    /**
     * The chunks a stream of {@code completion} would have carried: per choice its role and content, its
     * tool calls, then its finish reason; last the usage chunk (empty choices) when {@code includeUsage}.
     */
    static List<byte[]> chunks(ObjectMapper json, JsonNode completion, boolean includeUsage) {
        List<byte[]> out = new ArrayList<>();
        for (JsonNode c : completion.path("choices")) {
            JsonNode message = c.path("message");
            ObjectNode first = chunk(json, completion);
            ObjectNode choice = first.putArray("choices").addObject();
            choice.put("index", c.path("index").asInt(0));
            ObjectNode delta = choice.putObject("delta");
            delta.put("role", message.path("role").asText("assistant"));
            if (message.path("content").isTextual()) {
                delta.put("content", message.get("content").asText());
            }
            if (message.path("reasoning_content").isTextual()) {
                delta.put("reasoning_content", message.get("reasoning_content").asText());
            }
            choice.putNull("finish_reason");
            out.add(bytes(json, first));
            JsonNode calls = message.path("tool_calls");
            if (calls.isArray() && !calls.isEmpty()) {
                ObjectNode tools = chunk(json, completion);
                ObjectNode tc = tools.putArray("choices").addObject();
                tc.put("index", c.path("index").asInt(0));
                ArrayNode list = tc.putObject("delta").putArray("tool_calls");
                for (int i = 0; i < calls.size(); i++) {
                    ObjectNode call = ((ObjectNode) calls.get(i)).deepCopy();
                    ObjectNode withIndex = json.createObjectNode().put("index", i);
                    withIndex.setAll(call);
                    list.add(withIndex);
                }
                tc.putNull("finish_reason");
                out.add(bytes(json, tools));
            }
            ObjectNode last = chunk(json, completion);
            ObjectNode end = last.putArray("choices").addObject();
            end.put("index", c.path("index").asInt(0));
            end.putObject("delta");
            end.set("finish_reason", c.get("finish_reason"));
            out.add(bytes(json, last));
        }
        if (includeUsage && completion.has("usage")) {
            ObjectNode u = chunk(json, completion);
            u.putArray("choices");
            u.set("usage", completion.get("usage"));
            out.add(bytes(json, u));
        }
        return out;
    }

    private static ObjectNode chunk(ObjectMapper json, JsonNode completion) {
        ObjectNode chunk = json.createObjectNode();
        chunk.set("id", completion.get("id"));
        chunk.put("object", "chat.completion.chunk");
        chunk.set("created", completion.get("created"));
        chunk.set("model", completion.get("model"));
        if (completion.has("system_fingerprint")) {
            chunk.set("system_fingerprint", completion.get("system_fingerprint"));
        }
        return chunk;
    }

    private static byte[] bytes(ObjectMapper json, JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
