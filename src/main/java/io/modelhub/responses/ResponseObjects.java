package io.modelhub.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.usage.TokenUsage;

/**
 * Builds Response objects as OpenAI defines them (the {@code Response} schema): the one a request starts
 * with ({@code in_progress}, no output), its output items, and the finished one with status and usage.
 */
final class ResponseObjects {
    private final ObjectMapper json;
    private final ItemIds ids;

    ResponseObjects(ObjectMapper json, ItemIds ids) {
        this.json = json;
        this.ids = ids;
    }

    /** The response {@code id} as it starts: every parameter echoed, status {@code in_progress}, no output. */
    ObjectNode started(String id, ResponsesRequest request, long createdAtSeconds) {
        ObjectNode body = request.body();
        ObjectNode r = json.createObjectNode();
        r.put("id", id);
        r.put("object", "response");
        r.put("created_at", createdAtSeconds);
        r.put("status", "in_progress");
        r.putNull("completed_at");
        r.putNull("error");
        r.putNull("incomplete_details");
        if (request.instructions() == null) {
            r.putNull("instructions");
        } else {
            r.put("instructions", request.instructions());
        }
        echo(body, r, "max_output_tokens");
        r.put("model", request.model());
        r.putArray("output");
        r.put("parallel_tool_calls", body.path("parallel_tool_calls").asBoolean(true));
        if (request.previousResponseId() == null) {
            r.putNull("previous_response_id");
        } else {
            r.put("previous_response_id", request.previousResponseId());
        }
        r.putNull("reasoning");
        r.put("store", request.store());
        echo(body, r, "temperature");
        ObjectNode text = r.putObject("text");
        JsonNode format = body.path("text").path("format");
        if (format.isObject()) {
            text.set("format", format.deepCopy());
        } else {
            text.putObject("format").put("type", "text");
        }
        JsonNode choice = body.get("tool_choice");
        if (choice == null || choice.isNull()) {
            r.put("tool_choice", "auto");
        } else {
            r.set("tool_choice", choice.deepCopy());
        }
        ArrayNode tools = r.putArray("tools");
        for (JsonNode t : body.path("tools")) {
            ObjectNode tool = tools.addObject();
            tool.put("type", "function");
            tool.put("name", t.path("name").asText());
            if (t.hasNonNull("description")) {
                tool.put("description", t.get("description").asText());
            }
            tool.set("parameters", t.hasNonNull("parameters") ? t.get("parameters").deepCopy() : json.nullNode());
            tool.set("strict", t.hasNonNull("strict") ? t.get("strict") : json.nullNode());
        }
        echo(body, r, "top_p");
        r.put("truncation", "disabled");
        // usage appears once the response is finished (the schema has no null for it)
        if (body.hasNonNull("user")) {
            r.put("user", body.get("user").asText());
        }
        r.set("metadata", body.hasNonNull("metadata") ? body.get("metadata").deepCopy() : json.createObjectNode());
        return r;
    }

    /** An assistant message item with no content yet, as a stream opens it. */
    ObjectNode openMessage() {
        ObjectNode m = json.createObjectNode();
        m.put("id", ids.message());
        m.put("type", "message");
        m.put("status", "in_progress");
        m.put("role", "assistant");
        m.putArray("content");
        return m;
    }

    ObjectNode textPart(String text) {
        ObjectNode p = json.createObjectNode();
        p.put("type", "output_text");
        p.put("text", text);
        p.putArray("annotations");
        p.putArray("logprobs");
        return p;
    }

    ObjectNode refusalPart(String refusal) {
        ObjectNode p = json.createObjectNode();
        p.put("type", "refusal");
        p.put("refusal", refusal);
        return p;
    }

    /** A function call item; {@code status} is {@code in_progress} while its arguments stream. */
    ObjectNode functionCall(String callId, String name, String arguments, String status) {
        ObjectNode c = json.createObjectNode();
        c.put("id", ids.functionCall());
        c.put("type", "function_call");
        c.put("status", status);
        c.put("arguments", arguments);
        c.put("call_id", callId);
        c.put("name", name);
        return c;
    }

    /** The output items of a whole chat completion body (its first choice). */
    ArrayNode outputOf(JsonNode chatBody, String itemStatus) {
        ArrayNode output = json.createArrayNode();
        JsonNode message = chatBody.path("choices").path(0).path("message");
        String content = message.path("content").isTextual() ? message.path("content").asText() : null;
        String refusal = message.path("refusal").isTextual() ? message.path("refusal").asText() : null;
        if ((content != null && !content.isEmpty()) || refusal != null || !message.path("tool_calls").isArray()) {
            ObjectNode m = openMessage();
            m.put("status", itemStatus);
            ArrayNode parts = (ArrayNode) m.get("content");
            if (refusal != null) {
                parts.add(refusalPart(refusal));
            } else {
                parts.add(textPart(content == null ? "" : content));
            }
            output.add(m);
        }
        for (JsonNode tc : message.path("tool_calls")) {
            JsonNode fn = tc.path("function");
            output.add(functionCall(tc.path("id").asText(), fn.path("name").asText(), fn.path("arguments").asText(""), "completed"));
        }
        return output;
    }

    /**
     * Finishes {@code response}: its output, its status from the chat finish reason ({@code length} and
     * {@code content_filter} make it {@code incomplete}), and its usage.
     */
    ObjectNode finish(ObjectNode response, ArrayNode output, String finishReason, TokenUsage usage, long completedAtSeconds) {
        response.set("output", output);
        String incomplete = incompleteReason(finishReason);
        if (incomplete == null) {
            response.put("status", "completed");
            response.put("completed_at", completedAtSeconds);
        } else {
            response.put("status", "incomplete");
            response.putObject("incomplete_details").put("reason", incomplete);
        }
        response.set("usage", usage(usage));
        return response;
    }

    /** Marks {@code response} failed with {@code message} ({@code ResponseError}, code {@code server_error}). */
    ObjectNode fail(ObjectNode response, ArrayNode output, String message) {
        response.set("output", output);
        response.put("status", "failed");
        ObjectNode error = response.putObject("error");
        error.put("code", "server_error");
        error.put("message", message);
        return response;
    }

    /** The item status for a chat finish reason: {@code incomplete} when the answer was cut. */
    static String itemStatus(String finishReason) {
        return incompleteReason(finishReason) == null ? "completed" : "incomplete";
    }

    private static String incompleteReason(String finishReason) {
        return switch (finishReason == null ? "" : finishReason) {
            case "length" -> "max_output_tokens";
            case "content_filter" -> "content_filter";
            default -> null;
        };
    }

    ObjectNode usage(TokenUsage usage) {
        ObjectNode u = json.createObjectNode();
        u.put("input_tokens", usage.promptTokens());
        ObjectNode inputDetails = u.putObject("input_tokens_details");
        inputDetails.put("cached_tokens", 0);
        inputDetails.put("cache_write_tokens", 0);
        u.put("output_tokens", usage.completionTokens());
        u.putObject("output_tokens_details").put("reasoning_tokens", 0);
        u.put("total_tokens", usage.totalTokens());
        return u;
    }

    private static void echo(JsonNode from, ObjectNode to, String field) {
        JsonNode v = from.get(field);
        to.set(field, v == null ? to.nullNode() : v);
    }
}
