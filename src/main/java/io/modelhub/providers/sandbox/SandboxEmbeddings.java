package io.modelhub.providers.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sandbox's embedding model: each token (a word or punctuation mark, lower-cased; a token id of a
 * token array) adds a few signed counts to hashed positions of the vector, which is then L2-normalised.
 * So the same text always gives the same vector, and texts sharing words point the same way, which is
 * enough to try retrieval end to end without a model. {@code dimensions} sets the length (default 256).
 */
final class SandboxEmbeddings {
    static final int DEFAULT_DIMENSIONS = 256;
    private static final int MAX_DIMENSIONS = 8192;
    private static final int SPREAD = 4;
    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}]+|[^\\s\\p{L}\\p{N}]");

    private SandboxEmbeddings() {}

    /** The OpenAI embeddings answer to {@code request} (already checked by the hub's endpoint). */
    static ObjectNode answer(ObjectNode request, ObjectMapper json) {
        int dims = request.path("dimensions").asInt(DEFAULT_DIMENSIONS);
        dims = Math.max(1, Math.min(MAX_DIMENSIONS, dims));
        boolean base64 = "base64".equals(request.path("encoding_format").asText("float"));
        List<List<String>> inputs = inputs(request.path("input"));
        ObjectNode root = json.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        long tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            List<String> t = inputs.get(i);
            tokens += t.size();
            float[] v = vector(t, dims);
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            if (base64) {
                ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : v) {
                    buf.putFloat(f);
                }
                item.put("embedding", Base64.getEncoder().encodeToString(buf.array()));
            } else {
                ArrayNode e = item.putArray("embedding");
                for (float f : v) {
                    e.add(f);
                }
            }
        }
        root.put("model", request.path("model").asText("sandbox/embed"));
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", tokens);
        usage.put("total_tokens", tokens);
        return root;
    }

    /** The tokens of each input: a string, an array of strings, a token array or an array of token arrays. */
    static List<List<String>> inputs(JsonNode input) {
        List<List<String>> out = new ArrayList<>();
        if (input.isTextual()) {
            out.add(words(input.asText()));
        } else if (input.isArray() && !input.isEmpty() && input.get(0).isNumber()) {
            out.add(ids(input));
        } else if (input.isArray()) {
            for (JsonNode item : input) {
                out.add(item.isArray() ? ids(item) : words(item.asText()));
            }
        }
        return out;
    }

    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static List<String> ids(JsonNode tokens) {
        List<String> out = new ArrayList<>(tokens.size());
        for (JsonNode t : tokens) {
            out.add("#" + t.asLong());
        }
        return out;
    }

    static float[] vector(List<String> tokens, int dims) {
        double[] acc = new double[dims];
        for (String token : tokens) {
            long h = fnv(token);
            for (int k = 0; k < SPREAD; k++) {
                h = mix(h + k);
                int at = (int) Long.remainderUnsigned(h >>> 1, dims);
                acc[at] += (h & 1) == 0 ? 1.0 : -1.0;
            }
        }
        double norm = 0;
        for (double a : acc) {
            norm += a * a;
        }
        float[] out = new float[dims];
        if (norm == 0) {
            // No token at all (or every count cancelled out): a fixed unit vector rather than zeros.
            out[0] = 1f;
            return out;
        }
        double scale = 1 / Math.sqrt(norm);
        for (int i = 0; i < dims; i++) {
            out[i] = (float) (acc[i] * scale);
        }
        return out;
    }

    private static long fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** SplitMix64's finaliser: spreads the bits of one hash over the whole word. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
