package io.modelhub.completions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.api.ApiException;
import io.modelhub.api.ChatRequest;
import java.util.Map;
import java.util.Set;

/**
 * A legacy completions request translated into a chat request: the prompt becomes one user message,
 * {@code max_tokens} keeps OpenAI's default of 16, and the sampling fields keep their names. What chat
 * cannot express is refused with a 400 naming the field rather than silently changed: {@code suffix}
 * (insertion), {@code logprobs}, {@code best_of} above 1, several prompts in one request, and token-id
 * prompts (the hub has no tokenizer to turn them back into text).
 */
record CompletionsRequest(ChatRequest chat, String prompt, boolean echo, boolean stream, boolean includeUsage) {
    /** Fields consumed here; every other field passes through to the chat request as it came. */
    private static final Set<String> CONSUMED = Set.of("prompt", "suffix", "echo", "best_of", "logprobs", "messages");
    static final int DEFAULT_MAX_TOKENS = 16;

    static CompletionsRequest parse(ObjectMapper json, ObjectNode body) {
        String prompt = prompt(body.get("prompt"));
        JsonNode suffix = body.get("suffix");
        if (suffix != null && !suffix.isNull()) {
            throw ApiException.badRequest("'suffix' is not supported: this hub serves completions through chat models, which cannot insert text.",
                    "suffix", "unsupported_parameter");
        }
        JsonNode logprobs = body.get("logprobs");
        if (logprobs != null && !logprobs.isNull() && !(logprobs.canConvertToExactIntegral() && logprobs.asLong() == 0)) {
            throw ApiException.badRequest("'logprobs' is not supported on /v1/completions by this hub.", "logprobs", "unsupported_parameter");
        }
        JsonNode bestOf = body.get("best_of");
        if (bestOf != null && !bestOf.isNull() && !(bestOf.canConvertToExactIntegral() && bestOf.asLong() == 1)) {
            throw ApiException.badRequest("'best_of' other than 1 is not supported by this hub.", "best_of", "unsupported_parameter");
        }
        boolean echo = false;
        JsonNode e = body.get("echo");
        if (e != null && !e.isNull()) {
            if (!e.isBoolean()) {
                throw ApiException.badRequest("Invalid type for 'echo': expected a boolean.", "echo", "invalid_type");
            }
            echo = e.booleanValue();
        }
        ObjectNode chat = json.createObjectNode();
        for (Map.Entry<String, JsonNode> f : body.properties()) {
            if (!CONSUMED.contains(f.getKey())) {
                chat.set(f.getKey(), f.getValue());
            }
        }
        chat.putArray("messages").addObject().put("role", "user").put("content", prompt);
        JsonNode max = body.get("max_tokens");
        if (max == null || max.isNull()) {
            chat.put("max_tokens", DEFAULT_MAX_TOKENS);
        } else if (!max.canConvertToExactIntegral() || max.asLong() < 0) {
            throw ApiException.badRequest("Invalid 'max_tokens': expected a non-negative integer.", "max_tokens", "invalid_value");
        }
        ChatRequest request = ChatRequest.of(chat, true);
        return new CompletionsRequest(request, prompt, echo, request.stream(), request.includeUsage());
    }

    private static String prompt(JsonNode p) {
        if (p == null || p.isNull()) {
            throw ApiException.badRequest("Missing required parameter: 'prompt'.", "prompt", "missing_required_parameter");
        }
        if (p.isTextual()) {
            return p.asText();
        }
        if (p.isArray() && p.size() == 1 && p.get(0).isTextual()) {
            return p.get(0).asText();
        }
        if (p.isArray() && !p.isEmpty() && (p.get(0).isNumber() || p.get(0).isArray())) {
            throw ApiException.badRequest("Token-id prompts are not supported: this hub translates completions to chat and has no tokenizer; send the prompt as text.",
                    "prompt", "unsupported_value");
        }
        if (p.isArray() && p.size() > 1) {
            throw ApiException.badRequest("Only one prompt per request is supported; got " + p.size() + ". Send one request per prompt.",
                    "prompt", "unsupported_value");
        }
        throw ApiException.badRequest("Invalid type for 'prompt': expected a string or an array of one string.", "prompt", "invalid_type");
    }
}
