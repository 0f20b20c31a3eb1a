package io.modelhub.pipelines;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A prompt template parsed once when the pipeline is saved: literal text and {@code {{input.NAME}}} /
 * {@code {{steps.ID.output}}} variables, so that running it is a plain concatenation.
 */
public record Template(String source, List<Part> parts) {

    /** One piece of a template. */
    public sealed interface Part {}

    /** Text copied as it is. */
    public record Literal(String text) implements Part {}

    /** The value of a declared input. */
    public record InputRef(String name) implements Part {}

    /** The output of an earlier step. */
    public record StepRef(String stepId) implements Part {}

    /** Thrown for a template that cannot be parsed; the message says what is wrong. */
    public static final class SyntaxError extends Exception {
        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }

    public static Template parse(String source) throws SyntaxError {
        List<Part> parts = new ArrayList<>();
        int at = 0;
        while (at < source.length()) {
            int open = source.indexOf("{{", at);
            if (open < 0) {
                parts.add(new Literal(source.substring(at)));
                break;
            }
            if (open > at) {
                parts.add(new Literal(source.substring(at, open)));
            }
            int close = source.indexOf("}}", open + 2);
            if (close < 0) {
                throw new SyntaxError("'{{' at character " + open + " is never closed with '}}'");
            }
            parts.add(variable(source.substring(open + 2, close).strip()));
            at = close + 2;
        }
        return new Template(source, List.copyOf(parts));
    }

    private static Part variable(String name) throws SyntaxError {
        String[] path = name.split("\\.", -1);
        if (path.length == 2 && path[0].equals("input") && isName(path[1])) {
            return new InputRef(path[1]);
        }
        if (path.length == 3 && path[0].equals("steps") && isName(path[1]) && path[2].equals("output")) {
            return new StepRef(path[1]);
        }
        throw new SyntaxError("'{{" + name + "}}' is not a variable: use {{input.NAME}} or {{steps.ID.output}}");
    }

    /** Names of inputs and steps: letters, digits, '_' and '-', starting with a letter or '_'. */
    static boolean isName(String s) {
        if (s.isEmpty() || s.length() > 64) {
            return false;
        }
        char first = s.charAt(0);
        if (!(Character.isLetter(first) || first == '_')) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-'))) {
                return false;
            }
        }
        return true;
    }

    /** The text with every variable replaced; inputs are given as text already. */
    public String render(Map<String, String> inputs, Map<String, String> outputs) {
        StringBuilder sb = new StringBuilder(source.length() + 64);
        for (Part p : parts) {
            switch (p) {
                case Literal l -> sb.append(l.text());
                case InputRef i -> sb.append(inputs.getOrDefault(i.name(), ""));
                case StepRef s -> sb.append(outputs.getOrDefault(s.stepId(), ""));
            }
        }
        return sb.toString();
    }
}
