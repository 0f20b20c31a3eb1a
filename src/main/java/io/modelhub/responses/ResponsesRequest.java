package io.modelhub.responses;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.api.ApiException;
import java.io.IOException;
import java.util.Set;

/**
 * A client's {@code POST /v1/responses} body, checked for the shape errors OpenAI rejects (each a 400
 * naming the parameter) and with its {@code input} normalised into items: a string becomes one user
 * message, every message's content becomes a list of parts, and every item gets an id and a status, as
 * {@code GET /v1/responses/{id}/input_items} shows them.
 */
record ResponsesRequest(ObjectNode body, String model, boolean stream, boolean store, String previousResponseId,
                        String instructions, ArrayNode items) {
    /** The fields the hub understands; the ones it accepts but cannot act on for a translated call are below. */
    private static final Set<String> KNOWN = Set.of("model", "input", "instructions", "tools", "tool_choice",
            "parallel_tool_calls", "text", "max_output_tokens", "temperature", "top_p", "metadata", "store", "stream",
            "previous_response_id", "user", "reasoning", "provider",
            // accepted and not acted on when translated: they change nothing a chat upstream could do differently
            "include", "truncation", "service_tier", "stream_options", "safety_identifier", "prompt_cache_key",
            "prompt_cache_retention", "top_logprobs", "max_tool_calls", "background", "conversation", "prompt");
    private static final Set<String> MESSAGE_ROLES = Set.of("user", "assistant", "system", "developer");

    static ResponsesRequest parse(ObjectMapper json, byte[] bytes, ItemIds ids) {
        JsonNode root;
        try {
            root = json.readTree(bytes);
        } catch (JacksonException e) {
            throw ApiException.badRequest("We could not parse the JSON body of your request: "
                    + e.getOriginalMessage() + ". Send a JSON object.", null, "invalid_json");
        } catch (IOException e) {
            throw ApiException.badRequest("The request body could not be read.", null, "invalid_json");
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest("The request body must be a JSON object.", null, "invalid_json");
        }
        return of((ObjectNode) root, json, ids);
    }

    static ResponsesRequest of(ObjectNode body, ObjectMapper json, ItemIds ids) {
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!KNOWN.contains(f)) {
                throw bad("Unrecognized request argument supplied: " + f + ".", f, "unknown_parameter");
            }
        }
        String model = requiredString(body, "model");
        if (present(body, "background") && body.get("background").asBoolean(false)) {
            throw bad("Background responses are not supported by this hub: send 'background': false or leave it out.", "background", "unsupported_parameter");
        }
        for (String f : new String[] {"conversation", "prompt"}) {
            if (present(body, f)) {
                throw bad("The '" + f + "' parameter is not supported by this hub: send the input (and previous_response_id) instead.", f, "unsupported_parameter");
            }
        }
        boolean stream = bool(body, "stream", false);
        boolean store = bool(body, "store", true);
        bool(body, "parallel_tool_calls", true);
        String previous = optionalString(body, "previous_response_id");
        String instructions = optionalString(body, "instructions");
        optionalString(body, "user");
        number(body, "temperature", 2);
        number(body, "top_p", 1);
        JsonNode max = body.get("max_output_tokens");
        if (max != null && !max.isNull() && (!max.canConvertToExactIntegral() || max.asLong() < 1)) {
            throw bad("Invalid 'max_output_tokens': expected a positive integer.", "max_output_tokens", "invalid_type");
        }
        metadata(body.get("metadata"));
        tools(body.get("tools"));
        toolChoice(body.get("tool_choice"));
        text(body.get("text"));
        JsonNode reasoning = body.get("reasoning");
        if (reasoning != null && !reasoning.isNull() && !reasoning.isObject()) {
            throw bad("Invalid type for 'reasoning': expected an object.", "reasoning", "invalid_type");
        }
        ArrayNode items = input(body.get("input"), previous != null, json, ids);
        return new ResponsesRequest(body, model, stream, store, previous, instructions, items);
    }

    private static ArrayNode input(JsonNode input, boolean continues, ObjectMapper json, ItemIds ids) {
        ArrayNode items = json.createArrayNode();
        if (input == null || input.isNull()) {
            if (!continues) {
                throw bad("Missing required parameter: 'input'.", "input", "missing_required_parameter");
            }
            return items;
        }
        if (input.isTextual()) {
            items.add(message(json, ids, "user", textParts(json, "input_text", input.asText()), "completed"));
            return items;
        }
        if (!input.isArray()) {
            throw bad("Invalid type for 'input': expected a string or an array of input items.", "input", "invalid_type");
        }
        if (input.isEmpty() && !continues) {
            throw bad("Invalid 'input': empty array. Expected at least one input item.", "input", "empty_array");
        }
        for (int i = 0; i < input.size(); i++) {
            String at = "input[" + i + "]";
            JsonNode item = input.get(i);
            if (!item.isObject()) {
                throw bad("Invalid type for '" + at + "': expected an object.", at, "invalid_type");
            }
            String type = item.has("type") ? stringAt(item, "type", at) : (item.has("role") ? "message" : null);
            if (type == null) {
                throw bad("Missing required parameter: '" + at + ".type'.", at + ".type", "missing_required_parameter");
            }
            switch (type) {
                case "message" -> items.add(inputMessage(item, at, json, ids));
                case "function_call" -> {
                    ObjectNode call = json.createObjectNode();
                    call.put("id", idOr(item, ids.functionCall()));
                    call.put("type", "function_call");
                    call.put("status", "completed");
                    call.put("call_id", requiredString(item, "call_id", at));
                    call.put("name", requiredString(item, "name", at));
                    call.put("arguments", requiredString(item, "arguments", at));
                    items.add(call);
                }
                case "function_call_output" -> {
                    ObjectNode out = json.createObjectNode();
                    out.put("id", idOr(item, ids.functionCallOutput()));
                    out.put("type", "function_call_output");
                    out.put("status", "completed");
                    out.put("call_id", requiredString(item, "call_id", at));
                    JsonNode output = item.get("output");
                    if (output == null || output.isNull()) {
                        throw bad("Missing required parameter: '" + at + ".output'.", at + ".output", "missing_required_parameter");
                    }
                    if (output.isArray()) {
                        out.set("output", contentParts(output, at + ".output", "user", json));
                    } else if (output.isTextual()) {
                        out.put("output", output.asText());
                    } else {
                        throw bad("Invalid type for '" + at + ".output': expected a string or an array of content parts.", at + ".output", "invalid_type");
                    }
                    items.add(out);
                }
                // A reasoning item handed back by a client carries nothing a chat upstream can take; it is kept for the record.
                case "reasoning" -> items.add(item.deepCopy());
                default -> throw bad("Invalid value: '" + type + "'. Supported input item types are 'message', 'function_call', "
                        + "'function_call_output' and 'reasoning'.", at + ".type", "invalid_value");
            }
        }
        return items;
    }

    private static ObjectNode inputMessage(JsonNode item, String at, ObjectMapper json, ItemIds ids) {
        String role = requiredString(item, "role", at);
        if (!MESSAGE_ROLES.contains(role)) {
            throw bad("Invalid value: '" + role + "'. Supported values are: 'user', 'assistant', 'system' and 'developer'.", at + ".role", "invalid_value");
        }
        JsonNode content = item.get("content");
        ArrayNode parts;
        boolean assistant = "assistant".equals(role);
        if (content == null || content.isNull()) {
            throw bad("Missing required parameter: '" + at + ".content'.", at + ".content", "missing_required_parameter");
        } else if (content.isTextual()) {
            parts = textParts(json, assistant ? "output_text" : "input_text", content.asText());
        } else if (content.isArray()) {
            parts = contentParts(content, at + ".content", role, json);
        } else {
            throw bad("Invalid type for '" + at + ".content': expected a string or an array of content parts.", at + ".content", "invalid_type");
        }
        ObjectNode m = message(json, ids, role, parts, "completed");
        if (item.hasNonNull("id") && item.get("id").isTextual()) {
            m.put("id", item.get("id").asText());
        }
        return m;
    }

    private static ArrayNode contentParts(JsonNode content, String at, String role, ObjectMapper json) {
        ArrayNode parts = json.createArrayNode();
        for (int j = 0; j < content.size(); j++) {
            String pat = at + "[" + j + "]";
            JsonNode part = content.get(j);
            if (!part.isObject()) {
                throw bad("Invalid type for '" + pat + "': expected an object.", pat, "invalid_type");
            }
            String type = requiredString(part, "type", pat);
            ObjectNode p = json.createObjectNode();
            p.put("type", type);
            switch (type) {
                case "input_text" -> p.put("text", requiredString(part, "text", pat));
                case "output_text" -> {
                    if (!"assistant".equals(role)) {
                        throw bad("Invalid value: 'output_text'. Only assistant messages may hold output_text; use 'input_text'.", pat + ".type", "invalid_value");
                    }
                    p.put("text", requiredString(part, "text", pat));
                    p.set("annotations", json.createArrayNode());
                    p.set("logprobs", json.createArrayNode());
                }
                case "refusal" -> p.put("refusal", requiredString(part, "refusal", pat));
                case "input_image" -> {
                    JsonNode url = part.get("image_url");
                    if (url == null || !url.isTextual() || url.asText().isBlank()) {
                        throw bad(part.hasNonNull("file_id")
                                ? "Images by 'file_id' are not supported by this hub: send 'image_url' (a URL or a data URL)."
                                : "Missing required parameter: '" + pat + ".image_url'.", pat + ".image_url", "missing_required_parameter");
                    }
                    p.put("image_url", url.asText());
                    String detail = part.path("detail").asText("auto");
                    if (!Set.of("auto", "low", "high", "original").contains(detail)) {
                        throw bad("Invalid value: '" + detail + "'. Supported values are: 'auto', 'low', 'high' and 'original'.", pat + ".detail", "invalid_value");
                    }
                    p.put("detail", detail);
                }
                default -> throw bad("Invalid value: '" + type + "'. Supported content part types are 'input_text', 'input_image', "
                        + "'output_text' and 'refusal'.", pat + ".type", "invalid_value");
            }
            parts.add(p);
        }
        return parts;
    }

    private static ObjectNode message(ObjectMapper json, ItemIds ids, String role, ArrayNode parts, String status) {
        ObjectNode m = json.createObjectNode();
        m.put("id", ids.message());
        m.put("type", "message");
        m.put("role", role);
        m.set("content", parts);
        m.put("status", status);
        return m;
    }

    private static ArrayNode textParts(ObjectMapper json, String type, String text) {
        ArrayNode parts = json.createArrayNode();
        ObjectNode p = parts.addObject();
        p.put("type", type);
        p.put("text", text);
        if ("output_text".equals(type)) {
            p.set("annotations", json.createArrayNode());
            p.set("logprobs", json.createArrayNode());
        }
        return parts;
    }

    private static void tools(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return;
        }
        if (!tools.isArray()) {
            throw bad("Invalid type for 'tools': expected an array.", "tools", "invalid_type");
        }
        for (int i = 0; i < tools.size(); i++) {
            String at = "tools[" + i + "]";
            JsonNode t = tools.get(i);
            if (!t.isObject()) {
                throw bad("Invalid type for '" + at + "': expected an object.", at, "invalid_type");
            }
            String type = requiredString(t, "type", at);
            if (!"function".equals(type)) {
                throw bad("Tools of type '" + type + "' are not supported by this hub; only 'function' tools are.", at + ".type", "unsupported_value");
            }
            requiredString(t, "name", at);
            optionalString(t, "description", at);
            JsonNode params = t.get("parameters");
            if (params != null && !params.isNull() && !params.isObject()) {
                throw bad("Invalid type for '" + at + ".parameters': expected an object (a JSON schema).", at + ".parameters", "invalid_type");
            }
            bool(t, "strict", at, false);
        }
    }

    private static void toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return;
        }
        if (choice.isTextual()) {
            if (!Set.of("auto", "none", "required").contains(choice.asText())) {
                throw bad("Invalid value: '" + choice.asText() + "'. Supported values are: 'auto', 'none' and 'required', or {\"type\": \"function\", \"name\": ...}.",
                        "tool_choice", "invalid_value");
            }
            return;
        }
        if (!choice.isObject()) {
            throw bad("Invalid type for 'tool_choice': expected a string or an object.", "tool_choice", "invalid_type");
        }
        String type = requiredString(choice, "type", "tool_choice");
        if (!"function".equals(type)) {
            throw bad("Invalid value: '" + type + "'. This hub supports tool_choice of type 'function' only.", "tool_choice.type", "unsupported_value");
        }
        requiredString(choice, "name", "tool_choice");
    }

    private static void text(JsonNode text) {
        if (text == null || text.isNull()) {
            return;
        }
        if (!text.isObject()) {
            throw bad("Invalid type for 'text': expected an object.", "text", "invalid_type");
        }
        JsonNode format = text.get("format");
        if (format == null || format.isNull()) {
            return;
        }
        if (!format.isObject()) {
            throw bad("Invalid type for 'text.format': expected an object.", "text.format", "invalid_type");
        }
        String type = requiredString(format, "type", "text.format");
        switch (type) {
            case "text", "json_object" -> { }
            case "json_schema" -> {
                String name = requiredString(format, "name", "text.format");
                if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
                    throw bad("Invalid 'text.format.name': use a-z, A-Z, 0-9, underscores and dashes, at most 64 characters.", "text.format.name", "invalid_value");
                }
                JsonNode schema = format.get("schema");
                if (schema == null || schema.isNull()) {
                    throw bad("Missing required parameter: 'text.format.schema'.", "text.format.schema", "missing_required_parameter");
                }
                if (!schema.isObject()) {
                    throw bad("Invalid type for 'text.format.schema': expected an object (a JSON schema).", "text.format.schema", "invalid_type");
                }
                bool(format, "strict", "text.format", false);
            }
            default -> throw bad("Invalid value: '" + type + "'. Supported values are: 'text', 'json_object' and 'json_schema'.",
                    "text.format.type", "invalid_value");
        }
    }

    private static void metadata(JsonNode metadata) {
        if (metadata == null || metadata.isNull()) {
            return;
        }
        if (!metadata.isObject()) {
            throw bad("Invalid type for 'metadata': expected an object of string values.", "metadata", "invalid_type");
        }
        if (metadata.size() > 16) {
            throw bad("Invalid 'metadata': at most 16 keys, got " + metadata.size() + ".", "metadata", "invalid_value");
        }
        for (var it = metadata.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().length() > 64) {
                throw bad("Invalid 'metadata': keys are at most 64 characters.", "metadata", "invalid_value");
            }
            if (!e.getValue().isTextual()) {
                throw bad("Invalid type for 'metadata." + e.getKey() + "': expected a string.", "metadata." + e.getKey(), "invalid_type");
            }
            if (e.getValue().asText().length() > 512) {
                throw bad("Invalid 'metadata." + e.getKey() + "': values are at most 512 characters.", "metadata." + e.getKey(), "invalid_value");
            }
        }
    }

    private static String idOr(JsonNode item, String fresh) {
        JsonNode id = item.get("id");
        return id != null && id.isTextual() && !id.asText().isBlank() ? id.asText() : fresh;
    }

    private static boolean present(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    private static String requiredString(JsonNode node, String field) {
        return requiredString(node, field, null);
    }

    private static String requiredString(JsonNode node, String field, String at) {
        String path = at == null ? field : at + "." + field;
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw bad("Missing required parameter: '" + path + "'.", path, "missing_required_parameter");
        }
        if (!v.isTextual()) {
            throw bad("Invalid type for '" + path + "': expected a string.", path, "invalid_type");
        }
        if ("model".equals(path) && v.asText().isBlank()) {
            throw bad("Invalid type for 'model': expected a non-empty string.", path, "invalid_type");
        }
        return v.asText();
    }

    private static String stringAt(JsonNode node, String field, String at) {
        return requiredString(node, field, at);
    }

    private static String optionalString(JsonNode node, String field) {
        return optionalString(node, field, null);
    }

    private static String optionalString(JsonNode node, String field, String at) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            String path = at == null ? field : at + "." + field;
            throw bad("Invalid type for '" + path + "': expected a string.", path, "invalid_type");
        }
        return v.asText();
    }

    private static boolean bool(JsonNode node, String field, boolean absent) {
        return bool(node, field, null, absent);
    }

    private static boolean bool(JsonNode node, String field, String at, boolean absent) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isBoolean()) {
            String path = at == null ? field : at + "." + field;
            throw bad("Invalid type for '" + path + "': expected a boolean.", path, "invalid_type");
        }
        return v.booleanValue();
    }

    /** A number from 0 to {@code max} (OpenAI's own bounds; an offering's narrower range is the router's to apply). */
    private static void number(JsonNode node, String field, double max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return;
        }
        if (!v.isNumber()) {
            throw bad("Invalid type for '" + field + "': expected a number.", field, "invalid_type");
        }
        if (v.asDouble() < 0 || v.asDouble() > max) {
            throw bad("Invalid '" + field + "': " + v.asText() + " is out of range; expected a number from 0 to " + (int) max + ".", field, "invalid_value");
        }
    }

    private static ApiException bad(String message, String param, String code) {
        return ApiException.badRequest(message, param, code);
    }
}
