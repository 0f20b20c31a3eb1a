package io.modelhub.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the chart's Go templates without Helm (none can be installed here), for the subset the chart keeps
 * to: {@code .Values.*}, {@code .Release.Name}, {@code .Chart.*}, {@code if}/{@code if not}/{@code else}/{@code end},
 * {@code range $k, $v := ...}, and the functions {@code quote}, {@code toYaml} and {@code nindent}, with the
 * {@code {{-}} / {@code -}}} whitespace trimming. Anything else fails loudly, so the chart cannot drift from what is checked.
 */
final class ChartTemplates {
    private static final Pattern ACTION = Pattern.compile("\\{\\{(-?)\\s*(.*?)\\s*(-?)}}", Pattern.DOTALL);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private sealed interface Node {}
    private record Text(String text) implements Node {}
    private record Out(String pipeline) implements Node {}
    private record If(String condition, List<Node> then, List<Node> otherwise) implements Node {}
    private record Range(String key, String value, String over, List<Node> body) implements Node {}

    private final JsonNode root;

    /** {@code values} the chart's values.yaml (with overrides merged), {@code release} the release name. */
    ChartTemplates(JsonNode values, String release, JsonNode chart) {
        ObjectMapper m = new ObjectMapper();
        var r = m.createObjectNode();
        r.set("Values", values);
        r.putObject("Release").put("Name", release);
        r.set("Chart", chart);
        this.root = r;
    }

    String render(String template) {
        List<Object> tokens = tokenize(template);
        int[] pos = {0};
        List<Node> nodes = parse(tokens, pos, false);
        StringBuilder out = new StringBuilder();
        eval(nodes, new HashMap<>(), out);
        return out.toString();
    }

    /** Text and actions, with the trim markers applied to the neighbouring text. */
    private static List<Object> tokenize(String t) {
        List<Object> out = new ArrayList<>();
        Matcher m = ACTION.matcher(t);
        int at = 0;
        boolean trimNext = false;
        while (m.find()) {
            String text = t.substring(at, m.start());
            if (trimNext) {
                text = text.stripLeading();
            }
            if (!m.group(1).isEmpty()) {
                text = text.stripTrailing();
            }
            out.add(text);
            out.add(new String[] {m.group(2)});
            trimNext = !m.group(3).isEmpty();
            at = m.end();
        }
        String tail = t.substring(at);
        out.add(trimNext ? tail.stripLeading() : tail);
        return out;
    }

    private List<Node> parse(List<Object> tokens, int[] pos, boolean nested) {
        List<Node> nodes = new ArrayList<>();
        while (pos[0] < tokens.size()) {
            Object tok = tokens.get(pos[0]++);
            if (tok instanceof String s) {
                nodes.add(new Text(s));
                continue;
            }
            String action = ((String[]) tok)[0];
            if (action.equals("end") || action.equals("else")) {
                if (!nested) {
                    throw new IllegalStateException("unexpected {{" + action + "}}");
                }
                pos[0]--;
                return nodes;
            }
            if (action.startsWith("if ")) {
                List<Node> then = parse(tokens, pos, true);
                List<Node> otherwise = List.of();
                if (((String[]) tokens.get(pos[0]))[0].equals("else")) {
                    pos[0]++;
                    otherwise = parse(tokens, pos, true);
                }
                expect(tokens, pos, "end");
                nodes.add(new If(action.substring(3).trim(), then, otherwise));
            } else if (action.startsWith("range ")) {
                Matcher r = Pattern.compile("range \\$(\\w+), \\$(\\w+) := (\\S+)").matcher(action);
                if (!r.matches()) {
                    throw new IllegalStateException("unsupported range: " + action);
                }
                List<Node> body = parse(tokens, pos, true);
                expect(tokens, pos, "end");
                nodes.add(new Range(r.group(1), r.group(2), r.group(3), body));
            } else {
                nodes.add(new Out(action));
            }
        }
        if (nested) {
            throw new IllegalStateException("missing {{end}}");
        }
        return nodes;
    }

    private static void expect(List<Object> tokens, int[] pos, String what) {
        Object tok = tokens.get(pos[0]++);
        if (!(tok instanceof String[] a) || !a[0].equals(what)) {
            throw new IllegalStateException("expected {{" + what + "}}");
        }
    }

    private void eval(List<Node> nodes, Map<String, Object> vars, StringBuilder out) {
        for (Node n : nodes) {
            switch (n) {
                case Text t -> out.append(t.text());
                case Out o -> out.append(text(pipeline(o.pipeline(), vars)));
                case If i -> eval(truthy(pipeline(i.condition(), vars)) ? i.then() : i.otherwise(), vars, out);
                case Range r -> {
                    Object over = pipeline(r.over(), vars);
                    if (over instanceof JsonNode j && j.isObject()) {
                        for (Iterator<Map.Entry<String, JsonNode>> it = j.fields(); it.hasNext(); ) {
                            Map.Entry<String, JsonNode> e = it.next();
                            Map<String, Object> inner = new HashMap<>(vars);
                            inner.put(r.key(), e.getKey());
                            inner.put(r.value(), e.getValue());
                            eval(r.body(), inner, out);
                        }
                    }
                }
            }
        }
    }

    private Object pipeline(String p, Map<String, Object> vars) {
        String[] stages = p.split("\\|");
        Object v = term(stages[0].trim(), vars);
        for (int i = 1; i < stages.length; i++) {
            String[] fn = stages[i].trim().split("\\s+");
            v = switch (fn[0]) {
                case "quote" -> "\"" + text(v).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
                case "nindent" -> "\n" + text(v).indent(Integer.parseInt(fn[1])).stripTrailing();
                case "toYaml" -> toYaml(v);
                default -> throw new IllegalStateException("unsupported function: " + fn[0]);
            };
        }
        return v;
    }

    private Object term(String t, Map<String, Object> vars) {
        if (t.startsWith("not ")) {
            return !truthy(term(t.substring(4).trim(), vars));
        }
        if (t.startsWith("toYaml ")) {
            return toYaml(term(t.substring(7).trim(), vars));
        }
        if (t.startsWith("$")) {
            return vars.get(t.substring(1));
        }
        if (t.startsWith(".")) {
            JsonNode n = root;
            for (String part : t.substring(1).split("\\.")) {
                n = n == null ? null : n.get(part);
            }
            return n;
        }
        throw new IllegalStateException("unsupported term: " + t);
    }

    private static String toYaml(Object v) {
        try {
            return YAML.writeValueAsString(v).stripTrailing();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean truthy(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof JsonNode n) {
            return !(n.isNull() || n.isMissingNode() || (n.isBoolean() && !n.booleanValue()) || (n.isTextual() && n.asText().isEmpty())
                    || (n.isNumber() && n.asDouble() == 0) || (n.isContainerNode() && n.isEmpty()));
        }
        return v != null && !(v instanceof String s && s.isEmpty());
    }

    private static String text(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof JsonNode n) {
            return n.isValueNode() ? n.asText() : toYaml(n);
        }
        return v.toString();
    }
}
