package io.modelhub.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One version of a pipeline, checked and ready to run: its declared inputs and its steps in order.
 * {@code definition} is the JSON the user saved (what {@code GET} shows and what the store keeps).
 * A pipeline saved without steps has one implicit step, {@link Step#conversation() conversational}.
 */
public record PipelineSpec(
        ObjectNode definition,
        String model,
        List<Input> inputs,
        List<Step> steps,
        boolean requiresPassingTest) {

    /** The id of the implicit step of a pipeline saved without steps. */
    public static final String IMPLICIT_STEP = "main";

    /** The JSON types an input may declare. */
    public enum InputType {
        STRING, NUMBER, INTEGER, BOOLEAN, OBJECT, ARRAY;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        boolean accepts(JsonNode v) {
            return switch (this) {
                case STRING -> v.isTextual();
                case NUMBER -> v.isNumber();
                case INTEGER -> v.canConvertToExactIntegral();
                case BOOLEAN -> v.isBoolean();
                case OBJECT -> v.isObject();
                case ARRAY -> v.isArray();
            };
        }
    }

    /** A declared input; {@code defaultValue} null means none. */
    public record Input(String name, InputType type, boolean required, JsonNode defaultValue) {}

    /** A message of a step: its role and its content template. */
    public record StepMessage(String role, Template content) {}

    /**
     * One model call. {@code instructions} (may be null) becomes the system message, then
     * {@code messages}, then {@code prompt} (may be null) as a user message. A conversational step
     * instead takes the caller's messages (or the chat input as one user message). {@code params} holds
     * the call's other fields (temperature, top_p, max_tokens, tools, response_format) as sent upstream.
     */
    public record Step(
            String id, String model, Template instructions, List<StepMessage> messages, Template prompt,
            ObjectNode params, boolean conversation) {}

    /** The last step, whose answer is the pipeline's answer. */
    public Step last() {
        return steps.getLast();
    }

    /** The input that takes the caller's last user message when a pipeline is called with messages, or null. */
    public Input chatInput() {
        for (Input i : inputs) {
            if (i.type() == InputType.STRING) {
                return i;
            }
        }
        return null;
    }
}
