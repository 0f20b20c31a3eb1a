package io.modelhub.providers.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the sandbox answers to a request, decided only by the request, so tests and demos are
 * repeatable:
 * <ul>
 *   <li>after a tool result: "The tool returned: ..." with the result;</li>
 *   <li>tool calls when {@code tools} are given and {@code tool_choice} is {@code required}, names a
 *       function, or is {@code auto} (or absent) and the last user message mentions the tool (its name,
 *       or a telling word of it: "weather" for get_weather);</li>
 *   <li>JSON for {@code response_format} json_object or json_schema (shaped by the schema);</li>
 *   <li>otherwise "Echo: " and the last user message.</li>
 * </ul>
 * {@code max_tokens} cuts the answer (finish reason "length"); {@code stop} cuts it at a stop string (named,
 * as vLLM does, in the choice's {@code stop_reason});
 * {@code n} gives that many identical choices. Tokens are words and punctuation marks.
 */
record SandboxAnswer(
        String id, String text, List<String> textTokens, List<ToolCall> toolCalls, String finishReason, String stopMatched,
        long promptTokens, long completionTokens, int choices, boolean includeUsage) {

    record ToolCall(String id, String name, String arguments) {}

    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}]+|[^\\s\\p{L}\\p{N}]");
    private static final Pattern SPACED_TOKEN = Pattern.compile("\\s*(?:[\\p{L}\\p{N}]+|[^\\s\\p{L}\\p{N}])");

    static SandboxAnswer of(ObjectNode request, ObjectMapper json) {
        JsonNode messages = request.path("messages");
        String lastUser = "";
        String lastRole = "";
        String lastContent = "";
        long prompt = 0;
        for (JsonNode m : messages) {
            String content = text(m.path("content"));
            prompt += 3 + count(content) + count(toolCallsText(m));
            lastRole = m.path("role").asText("");
            lastContent = content;
            if ("user".equals(lastRole)) {
                lastUser = content;
            }
        }
        for (JsonNode t : request.path("tools")) {
            prompt += count(t.toString());
        }
        String id = "chatcmpl-sbx-" + digest(request.path("messages").toString()).substring(0, 24);
        int n = Math.max(1, Math.min(8, request.path("n").asInt(1)));
        boolean includeUsage = request.path("stream_options").path("include_usage").asBoolean(false);

        List<ToolCall> calls = "tool".equals(lastRole) ? List.of() : toolCalls(request, lastUser, id, json);
        if (!calls.isEmpty()) {
            long completion = 0;
            for (ToolCall c : calls) {
                completion += count(c.name()) + count(c.arguments());
            }
            return new SandboxAnswer(id, null, List.of(), calls, "tool_calls", null, prompt, completion, n, includeUsage);
        }

        String text;
        String format = request.path("response_format").path("type").asText("");
        if ("json_schema".equals(format)) {
            JsonNode schema = request.path("response_format").path("json_schema").path("schema");
            text = json.valueToTree(exampleOf(schema, schema, lastUser, json, 0)).toString();
        } else if ("json_object".equals(format)) {
            ObjectNode o = json.createObjectNode();
            o.put("echo", lastUser);
            o.put("words", count(lastUser));
            text = o.toString();
        } else if ("tool".equals(lastRole)) {
            text = "The tool returned: " + lastContent;
        } else if (lastUser.isBlank()) {
            text = "Hello from the ModelHub sandbox.";
        } else {
            text = "Echo: " + lastUser;
        }

        String finish = "stop";
        String matched = null;
        for (String stop : stops(request.path("stop"))) {
            int at = stop.isEmpty() ? -1 : text.indexOf(stop);
            if (at >= 0) {
                text = text.substring(0, at);
                matched = stop;
            }
        }
        List<String> tokens = split(text);
        long max = request.has("max_completion_tokens") ? request.path("max_completion_tokens").asLong()
                : request.path("max_tokens").asLong(0);
        if (max > 0 && tokens.size() > max) {
            tokens = List.copyOf(tokens.subList(0, (int) max));
            text = String.join("", tokens);
            finish = "length";
            matched = null;
        }
        return new SandboxAnswer(id, text, tokens, List.of(), finish, matched, prompt, tokens.size(), n, includeUsage);
    }

    private static String toolCallsText(JsonNode message) {
        JsonNode calls = message.path("tool_calls");
        return calls.isMissingNode() ? "" : calls.toString();
    }

    private static List<ToolCall> toolCalls(ObjectNode request, String lastUser, String id, ObjectMapper json) {
        JsonNode tools = request.path("tools");
        if (!tools.isArray() || tools.isEmpty()) {
            return List.of();
        }
        JsonNode choice = request.path("tool_choice");
        List<JsonNode> functions = new ArrayList<>();
        for (JsonNode t : tools) {
            if (t.path("function").has("name")) {
                functions.add(t.path("function"));
            }
        }
        List<JsonNode> chosen = new ArrayList<>();
        String mode = choice.isTextual() ? choice.asText() : choice.isObject() ? "named" : "auto";
        String said = lastUser.toLowerCase(Locale.ROOT);
        switch (mode) {
            case "none" -> { }
            case "named" -> {
                String name = choice.path("function").path("name").asText();
                functions.stream().filter(f -> f.path("name").asText().equals(name)).findFirst().ifPresent(chosen::add);
            }
            default -> {
                for (JsonNode f : functions) {
                    if (mentions(said, f.path("name").asText())) {
                        chosen.add(f);
                    }
                }
                if (chosen.isEmpty() && "required".equals(mode)) {
                    chosen.add(functions.getFirst());
                }
            }
        }
        boolean parallel = request.path("parallel_tool_calls").asBoolean(true);
        if (!parallel && chosen.size() > 1) {
            chosen = chosen.subList(0, 1);
        }
        List<ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            JsonNode f = chosen.get(i);
            String args = json.valueToTree(exampleOf(f.path("parameters"), f.path("parameters"), lastUser, json, 0)).toString();
            calls.add(new ToolCall("call_" + digest(id + i + f.path("name").asText()).substring(0, 24), f.path("name").asText(), args));
        }
        return List.copyOf(calls);
    }

    /** Words of a tool's name that say nothing about what it is for ("get_weather" is about "weather"). */
    private static final Set<String> GENERIC_WORDS = Set.of("get", "set", "fetch", "lookup", "look", "find", "search",
            "list", "create", "update", "delete", "make", "call", "run", "tool", "agent", "transfer", "the", "for", "from", "with");

    /**
     * Whether the user's message asks for this tool: it names it ("get_weather" or "get weather"), or
     * uses one of the telling words of its name ("What's the weather in Oslo?" for get_weather).
     */
    static boolean mentions(String said, String toolName) {
        String name = toolName.toLowerCase(Locale.ROOT);
        if (said.contains(name) || said.contains(name.replace('_', ' '))) {
            return true;
        }
        for (String word : toolName.split("[_\\-\\s.]+|(?<=[a-z])(?=[A-Z])")) {
            String w = word.toLowerCase(Locale.ROOT);
            if (w.length() >= 4 && !GENERIC_WORDS.contains(w) && said.contains(w)) {
                return true;
            }
        }
        return false;
    }

    /** A value that fits the JSON schema, built from the user's words. */
    private static JsonNode exampleOf(JsonNode schema, JsonNode root, String said, ObjectMapper json, int depth) {
        if (depth > 16) {
            // a recursive schema: stop with the smallest value rather than loop
            return json.getNodeFactory().nullNode();
        }
        String ref = schema.path("$ref").asText("");
        if (ref.startsWith("#/")) {
            // Local references, as Pydantic and Zod write nested models ("#/$defs/Address").
            JsonNode target = root.at(ref.substring(1).replace("~1", "/").replace("~0", "~"));
            return exampleOf(target.isMissingNode() ? json.createObjectNode() : target, root, said, json, depth + 1);
        }
        JsonNode type = schema.path("type");
        String t = type.isArray() && !type.isEmpty() ? type.get(0).asText() : type.asText("object");
        if (schema.has("enum") && schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
            return schema.path("enum").get(0);
        }
        if (schema.has("const")) {
            return schema.path("const");
        }
        for (String alternatives : new String[] {"anyOf", "oneOf", "allOf"}) {
            JsonNode options = schema.path(alternatives);
            if (options.isArray() && !options.isEmpty()) {
                return exampleOf(options.get(0), root, said, json, depth + 1);
            }
        }
        return switch (t) {
            case "string" -> json.getNodeFactory().textNode(said.isBlank() ? "sandbox" : abbreviate(said));
            case "integer" -> json.getNodeFactory().numberNode(count(said));
            case "number" -> json.getNodeFactory().numberNode((double) count(said));
            case "boolean" -> json.getNodeFactory().booleanNode(true);
            case "null" -> json.getNodeFactory().nullNode();
            case "array" -> {
                ArrayNode a = json.createArrayNode();
                if (schema.has("items")) {
                    a.add(exampleOf(schema.path("items"), root, said, json, depth + 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = json.createObjectNode();
                schema.path("properties").fields().forEachRemaining(e -> o.set(e.getKey(), exampleOf(e.getValue(), root, said, json, depth + 1)));
                yield o;
            }
        };
    }

    private static String abbreviate(String s) {
        String one = s.strip();
        return one.length() > 80 ? one.substring(0, 80) : one;
    }

    private static List<String> stops(JsonNode stop) {
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        List<String> out = new ArrayList<>();
        stop.forEach(s -> out.add(s.asText()));
        return out;
    }

    /** The text of a message's content: a string, or the text parts of a multi-part content ("[image]" for images). */
    static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            if ("text".equals(type)) {
                sb.append(part.path("text").asText());
            } else if ("image_url".equals(type)) {
                sb.append("[image]");
            } else {
                sb.append('[').append(type).append(']');
            }
        }
        return sb.toString();
    }

    static long count(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        Matcher m = TOKEN.matcher(text);
        long n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** Splits text into tokens that keep their leading white space, so joining them gives the text back. */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = SPACED_TOKEN.matcher(text);
        int last = 0;
        while (m.find()) {
            out.add(text.substring(last, m.end()));
            last = m.end();
        }
        if (last < text.length()) {
            if (out.isEmpty()) {
                out.add(text.substring(last));
            } else {
                out.set(out.size() - 1, out.getLast() + text.substring(last));
            }
        }
        return out;
    }

    /** Splits a string into pieces of at most {@code size} characters (tool-call arguments arrive in pieces). */
    static List<String> split(String text, int size) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < text.length(); i += size) {
            out.add(text.substring(i, Math.min(text.length(), i + size)));
        }
        return out;
    }

    private static String digest(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
