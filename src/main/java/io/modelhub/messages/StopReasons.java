package io.modelhub.messages;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * OpenAI's {@code finish_reason} as Anthropic's {@code stop_reason}: {@code length} is
 * {@code max_tokens}, {@code tool_calls} is {@code tool_use}, {@code content_filter} is {@code refusal},
 * and {@code stop} is {@code stop_sequence} when the upstream says which stop string matched (vLLM's and
 * the sandbox's {@code stop_reason} on the choice), else {@code end_turn}.
 */
final class StopReasons {
    private StopReasons() {}

    /** Anthropic's stop reason and stop sequence (or null) for one chat choice. */
    record Stop(String reason, String sequence) {}

    static Stop of(JsonNode choice) {
        String finish = choice.path("finish_reason").asText("stop");
        return switch (finish) {
            case "length" -> new Stop("max_tokens", null);
            case "tool_calls", "function_call" -> new Stop("tool_use", null);
            case "content_filter" -> new Stop("refusal", null);
            default -> {
                JsonNode matched = choice.get("stop_reason");
                yield matched != null && matched.isTextual() ? new Stop("stop_sequence", matched.asText()) : new Stop("end_turn", null);
            }
        };
    }
}
