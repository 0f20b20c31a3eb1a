package io.modelhub.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.catalog.Catalog;
import io.modelhub.api.ApiException;
import io.modelhub.api.JsonField;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a pipeline definition and turns it into a {@link PipelineSpec}. Every problem is a 400
 * {@code invalid_request_error} whose {@code param} is the path of the bad field, e.g.
 * {@code steps[1].prompt}, so the author knows exactly what to fix.
 */
public final class SpecParser {
    static final Set<String> FIELDS = Set.of("name", "description", "model", "instructions", "tools", "response_format",
            "temperature", "top_p", "metadata", "inputs", "steps", "requires_passing_test");
    /** Fields of the pipeline object that the hub sets; accepted and ignored so a read-modify-write round trip works. */
    static final Set<String> READ_ONLY = Set.of("id", "object", "version", "latest_version", "status", "created_at", "updated_at");
    private static final Set<String> STEP_FIELDS = Set.of("id", "model", "prompt", "messages", "instructions",
            "temperature", "top_p", "max_tokens", "tools", "response_format");
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");
    private static final Map<String, PipelineSpec.InputType> TYPES = Map.of(
            "string", PipelineSpec.InputType.STRING, "number", PipelineSpec.InputType.NUMBER,
            "integer", PipelineSpec.InputType.INTEGER, "boolean", PipelineSpec.InputType.BOOLEAN,
            "object", PipelineSpec.InputType.OBJECT, "array", PipelineSpec.InputType.ARRAY);
    /** The input a pipeline has when it declares none: the user's message. */
    static final String DEFAULT_INPUT = "message";
    private static final Set<String> INPUT_FIELDS = Set.of("type", "required", "default", "description");

    private final Catalog catalog;

    public SpecParser(Catalog catalog) {
        this.catalog = catalog;
    }

    /** Parses a stored definition again (no catalog check: a model may have left the catalog since). */
    public static PipelineSpec reload(ObjectNode definition) {
        return new SpecParser(null).parse(definition);
    }

    /**
     * Checks {@code body} and returns the spec; {@code definition} is the body with read-only fields
     * removed. Throws {@link ApiException} (400) naming the first bad field.
     */
    public PipelineSpec parse(ObjectNode body) {
        ObjectNode def = body.deepCopy();
        for (Iterator<String> it = def.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (READ_ONLY.contains(f)) {
                it.remove();
            } else if (!FIELDS.contains(f)) {
                throw bad("Unrecognized field '" + f + "'. A pipeline has: " + String.join(", ", sorted(FIELDS)) + ".", f, "unknown_parameter");
            }
        }
        String model = requiredString(def, "model", "model");
        checkModel(model, "model");
        optionalString(def, "name", "name", 256);
        optionalString(def, "description", "description", 512);
        checkMetadata(def.get("metadata"));
        checkSampling(def, "");
        checkTools(def.get("tools"), "tools");
        checkFormat(def.get("response_format"), "response_format");
        boolean requiresTest = optionalBoolean(def, "requires_passing_test");

        // A pipeline that declares no inputs takes the {{input.NAME}} variables its templates use, in order of first use.
        boolean declared = present(def.get("inputs"));
        List<PipelineSpec.Input> declaredInputs = declared ? inputs(def.get("inputs")) : List.of();
        Set<String> declaredNames = new java.util.HashSet<>();
        declaredInputs.forEach(i -> declaredNames.add(i.name()));
        Set<String> used = new java.util.LinkedHashSet<>();
        InputNames inputNames = new InputNames(declared ? declaredNames : null, used);

        Template instructions = template(def.get("instructions"), "instructions", inputNames, Map.of(), 0);
        JsonNode stepsNode = def.get("steps");
        List<PipelineSpec.Step> steps = new ArrayList<>();
        if (stepsNode == null || stepsNode.isNull() || (stepsNode.isArray() && stepsNode.isEmpty())) {
            steps.add(new PipelineSpec.Step(PipelineSpec.IMPLICIT_STEP, model, instructions, List.of(), null,
                    stepParams(def, def, true), true));
        } else {
            if (!stepsNode.isArray()) {
                throw bad("Invalid type for 'steps': expected an array of step objects.", "steps", "invalid_type");
            }
            // Every step id with its position, so a reference to a later step can be told from an unknown one.
            Map<String, Integer> positions = new HashMap<>();
            for (int i = 0; i < stepsNode.size(); i++) {
                JsonNode s = stepsNode.get(i);
                String at = "steps[" + i + "]";
                if (!s.isObject()) {
                    throw bad("Invalid type for '" + at + "': expected a step object.", at, "invalid_type");
                }
                String id = requiredString((ObjectNode) s, "id", at + ".id");
                if (!Template.isName(id)) {
                    throw bad("Invalid '" + at + ".id': '" + id + "'. Use letters, digits, '_' and '-', starting with a letter.", at + ".id", "invalid_value");
                }
                if (positions.putIfAbsent(id, i) != null) {
                    throw bad("Duplicate step id '" + id + "': '" + at + ".id' repeats steps[" + positions.get(id) + "].id. Step ids must be unique.",
                            at + ".id", "duplicate_step_id");
                }
            }
            for (int i = 0; i < stepsNode.size(); i++) {
                boolean last = i == stepsNode.size() - 1;
                steps.add(step((ObjectNode) stepsNode.get(i), i, def, model, instructions, inputNames, positions, last));
            }
        }
        List<PipelineSpec.Input> inputs = declared ? declaredInputs : used.isEmpty()
                ? List.of(new PipelineSpec.Input(DEFAULT_INPUT, PipelineSpec.InputType.STRING, true, null))
                : used.stream().map(n -> new PipelineSpec.Input(n, PipelineSpec.InputType.STRING, true, null)).toList();
        return new PipelineSpec(def, model, List.copyOf(inputs), List.copyOf(steps), requiresTest);
    }

    private PipelineSpec.Step step(ObjectNode s, int index, ObjectNode def, String pipelineModel, Template pipelineInstructions,
                                   InputNames inputs, Map<String, Integer> positions, boolean last) {
        String at = "steps[" + index + "]";
        new JsonField(at, s).onlyFields(STEP_FIELDS, "A step has");
        String id = s.get("id").asText();
        String model = optionalString(s, "model", at + ".model", 200);
        if (model == null) {
            model = pipelineModel;
        } else {
            checkModel(model, at + ".model");
        }
        checkSampling(s, at + ".");
        checkTools(s.get("tools"), at + ".tools");
        checkFormat(s.get("response_format"), at + ".response_format");
        JsonNode max = s.get("max_tokens");
        if (max != null && !max.isNull() && (!max.canConvertToExactIntegral() || max.asLong() < 1)) {
            throw bad("Invalid '" + at + ".max_tokens': expected a positive integer.", at + ".max_tokens", "invalid_type");
        }
        Template instructions = s.has("instructions")
                ? template(s.get("instructions"), at + ".instructions", inputs, positions, index)
                : pipelineInstructions;
        Template prompt = template(s.get("prompt"), at + ".prompt", inputs, positions, index);
        List<PipelineSpec.StepMessage> messages = new ArrayList<>();
        JsonNode ms = s.get("messages");
        if (ms != null && !ms.isNull()) {
            if (!ms.isArray()) {
                throw bad("Invalid type for '" + at + ".messages': expected an array of messages.", at + ".messages", "invalid_type");
            }
            for (int j = 0; j < ms.size(); j++) {
                String mat = at + ".messages[" + j + "]";
                JsonNode m = ms.get(j);
                if (!m.isObject()) {
                    throw bad("Invalid type for '" + mat + "': expected a message object.", mat, "invalid_type");
                }
                String role = requiredString((ObjectNode) m, "role", mat + ".role");
                if (!ROLES.contains(role)) {
                    throw bad("Invalid '" + mat + ".role': '" + role + "'. Use system, developer, user or assistant.", mat + ".role", "invalid_value");
                }
                if (!m.has("content") || m.get("content").isNull()) {
                    throw bad("Missing required parameter: '" + mat + ".content'.", mat + ".content", "missing_required_parameter");
                }
                messages.add(new PipelineSpec.StepMessage(role, template(m.get("content"), mat + ".content", inputs, positions, index)));
            }
        }
        if (prompt == null && messages.isEmpty()) {
            throw bad("Step '" + id + "' needs a 'prompt' (or 'messages'): what should the model be asked?", at + ".prompt", "missing_required_parameter");
        }
        return new PipelineSpec.Step(id, model, instructions, List.copyOf(messages), prompt, stepParams(s, def, last), false);
    }

    /**
     * The fields sent upstream besides the messages. The pipeline's temperature and top_p apply to every
     * step; its tools and response_format only to the last step, whose answer is the pipeline's answer.
     */
    private static ObjectNode stepParams(ObjectNode step, ObjectNode def, boolean last) {
        ObjectNode p = def.objectNode();
        for (String f : List.of("temperature", "top_p")) {
            JsonNode v = present(step.get(f)) ? step.get(f) : def.get(f);
            if (present(v)) {
                p.set(f, v);
            }
        }
        for (String f : List.of("tools", "response_format")) {
            JsonNode v = present(step.get(f)) ? step.get(f) : last ? def.get(f) : null;
            if (present(v) && !(v.isArray() && v.isEmpty())) {
                p.set(f, v);
            }
        }
        if (present(step.get("max_tokens"))) {
            p.set("max_tokens", step.get("max_tokens"));
        }
        return p;
    }

    private static boolean present(JsonNode v) {
        return v != null && !v.isNull();
    }

    /**
     * The inputs templates may use: the declared ones, or, when the pipeline declares none ({@code declared}
     * null), any name, noted in {@code used} in order of first use.
     */
    private record InputNames(Set<String> declared, Set<String> used) {
        boolean accepts(String name) {
            if (declared == null) {
                used.add(name);
                return true;
            }
            return declared.contains(name);
        }
    }

    private Template template(JsonNode node, String at, InputNames inputs, Map<String, Integer> positions, int stepIndex) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw bad("Invalid type for '" + at + "': expected a string.", at, "invalid_type");
        }
        Template t;
        try {
            t = Template.parse(node.asText());
        } catch (Template.SyntaxError e) {
            throw bad("Invalid template in '" + at + "': " + e.getMessage() + ".", at, "invalid_template");
        }
        for (Template.Part p : t.parts()) {
            switch (p) {
                case Template.InputRef i when !inputs.accepts(i.name()) -> throw bad("'" + at + "' uses {{input." + i.name()
                        + "}} but the pipeline declares no input '" + i.name() + "'. Declared inputs: " + sorted(inputs.declared())
                        + " (leave 'inputs' out to take every input the templates use).", at, "unknown_template_variable");
                case Template.StepRef s when !positions.containsKey(s.stepId()) -> throw bad("'" + at + "' uses {{steps." + s.stepId()
                        + ".output}} but there is no step '" + s.stepId() + "'.", at, "unknown_template_variable");
                case Template.StepRef s when positions.get(s.stepId()) >= stepIndex -> throw bad("'" + at + "' uses {{steps."
                        + s.stepId() + ".output}}, which " + (positions.get(s.stepId()) == stepIndex ? "is this step itself" : "comes later")
                        + ": a step may only use the outputs of the steps before it.", at, "invalid_step_reference");
                default -> { }
            }
        }
        return t;
    }

    private List<PipelineSpec.Input> inputs(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of(new PipelineSpec.Input(DEFAULT_INPUT, PipelineSpec.InputType.STRING, true, null));
        }
        Map<String, PipelineSpec.Input> out = new LinkedHashMap<>();
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String at = "inputs[" + i + "]";
                JsonNode n = node.get(i);
                if (!n.isTextual()) {
                    throw bad("Invalid type for '" + at + "': expected an input name (a string).", at, "invalid_type");
                }
                String name = inputName(n.asText(), at);
                if (out.putIfAbsent(name, new PipelineSpec.Input(name, PipelineSpec.InputType.STRING, true, null)) != null) {
                    throw bad("Duplicate input '" + name + "'.", at, "duplicate_input");
                }
            }
            return List.copyOf(out.values());
        }
        if (!node.isObject()) {
            throw bad("Invalid type for 'inputs': expected an object of input declarations or a list of names.", "inputs", "invalid_type");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = "inputs." + e.getKey();
            String name = inputName(e.getKey(), at);
            JsonNode d = e.getValue();
            if (!d.isObject()) {
                throw bad("Invalid type for '" + at + "': expected an object such as {\"type\":\"string\",\"required\":true}.", at, "invalid_type");
            }
            new JsonField(at, d).onlyFields(INPUT_FIELDS, "An input has");
            String typeName = optionalString((ObjectNode) d, "type", at + ".type", 20);
            PipelineSpec.InputType type = typeName == null ? PipelineSpec.InputType.STRING : TYPES.get(typeName);
            if (type == null) {
                throw bad("Invalid '" + at + ".type': '" + typeName + "'. Use " + String.join(", ", sorted(TYPES.keySet())) + ".",
                        at + ".type", "invalid_value");
            }
            optionalString((ObjectNode) d, "description", at + ".description", 512);
            JsonNode def = d.get("default");
            if (present(def) && !type.accepts(def)) {
                throw bad("Invalid '" + at + ".default': expected a " + type.wireName() + ".", at + ".default", "invalid_type");
            }
            JsonNode req = d.get("required");
            if (present(req) && !req.isBoolean()) {
                throw bad("Invalid type for '" + at + ".required': expected a boolean.", at + ".required", "invalid_type");
            }
            boolean required = present(req) ? req.booleanValue() : !present(def);
            out.put(name, new PipelineSpec.Input(name, type, required, present(def) ? def : null));
        }
        if (out.isEmpty()) {
            throw bad("Invalid 'inputs': declare at least one input, or leave the field out.", "inputs", "empty_object");
        }
        return List.copyOf(out.values());
    }

    private static String inputName(String name, String at) {
        if (!Template.isName(name)) {
            throw bad("Invalid input name '" + name + "'. Use letters, digits, '_' and '-', starting with a letter.", at, "invalid_value");
        }
        return name;
    }

    private void checkModel(String model, String at) {
        if (catalog != null && catalog.model(model) == null) {
            throw bad("Model '" + model + "' does not exist. GET /v1/models lists the models.", at, "model_not_found");
        }
    }

    private static void checkMetadata(JsonNode m) {
        if (!present(m)) {
            return;
        }
        if (!m.isObject()) {
            throw bad("Invalid type for 'metadata': expected an object of string values.", "metadata", "invalid_type");
        }
        if (m.size() > 16) {
            throw bad("Invalid 'metadata': at most 16 keys.", "metadata", "invalid_value");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().length() > 64 || !e.getValue().isTextual() || e.getValue().asText().length() > 512) {
                throw bad("Invalid 'metadata." + e.getKey() + "': keys are at most 64 characters, values strings of at most 512.",
                        "metadata." + e.getKey(), "invalid_value");
            }
        }
    }

    private static void checkSampling(ObjectNode o, String prefix) {
        number(o, "temperature", prefix, 0, 2);
        number(o, "top_p", prefix, 0, 1);
    }

    private static void number(ObjectNode o, String field, String prefix, double min, double max) {
        JsonNode v = o.get(field);
        if (!present(v)) {
            return;
        }
        if (!v.isNumber()) {
            throw bad("Invalid type for '" + prefix + field + "': expected a number.", prefix + field, "invalid_type");
        }
        if (v.asDouble() < min || v.asDouble() > max) {
            throw bad("Invalid '" + prefix + field + "': " + v.asText() + " is outside " + min + " to " + max + ".", prefix + field, "invalid_value");
        }
    }

    private static void checkTools(JsonNode tools, String at) {
        if (!present(tools)) {
            return;
        }
        if (!tools.isArray()) {
            throw bad("Invalid type for '" + at + "': expected an array of tools.", at, "invalid_type");
        }
        ArrayNode a = (ArrayNode) tools;
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).isObject()) {
                throw bad("Invalid type for '" + at + "[" + i + "]': expected a tool object.", at + "[" + i + "]", "invalid_type");
            }
        }
    }

    private static void checkFormat(JsonNode format, String at) {
        if (present(format) && !format.isObject()) {
            throw bad("Invalid type for '" + at + "': expected an object such as {\"type\":\"json_object\"}.", at, "invalid_type");
        }
    }

    private static String requiredString(ObjectNode o, String field, String at) {
        JsonNode v = o.get(field);
        if (!present(v)) {
            throw bad("Missing required parameter: '" + at + "'.", at, "missing_required_parameter");
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw bad("Invalid type for '" + at + "': expected a non-empty string.", at, "invalid_type");
        }
        return v.asText();
    }

    private static String optionalString(ObjectNode o, String field, String at, int maxLength) {
        JsonNode v = o.get(field);
        if (!present(v)) {
            return null;
        }
        if (!v.isTextual()) {
            throw bad("Invalid type for '" + at + "': expected a string.", at, "invalid_type");
        }
        if (v.asText().length() > maxLength) {
            throw bad("Invalid '" + at + "': at most " + maxLength + " characters.", at, "string_above_max_length");
        }
        return v.asText();
    }

    private static boolean optionalBoolean(ObjectNode o, String field) {
        JsonNode v = o.get(field);
        if (!present(v)) {
            return false;
        }
        if (!v.isBoolean()) {
            throw bad("Invalid type for '" + field + "': expected a boolean.", field, "invalid_type");
        }
        return v.booleanValue();
    }

    private static List<String> sorted(java.util.Collection<String> names) {
        return names.stream().sorted().toList();
    }

    private static ApiException bad(String message, String param, String code) {
        return ApiException.badRequest(message, param, code);
    }
}
