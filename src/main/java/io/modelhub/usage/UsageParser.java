package io.modelhub.usage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Finds the {@code usage} object of an OpenAI chat completion or chunk without building a tree: a
 * streaming parse that skips everything else. Chunks that do not even contain the bytes
 * {@code "usage"} are rejected by a byte scan before any parsing.
 */
public final class UsageParser {
    private static final byte[] KEY = {'"', 'u', 's', 'a', 'g', 'e', '"'};

    /** What one chunk or body says about usage. */
    public record Found(TokenUsage usage, boolean choicesEmpty) {}

    private final ObjectMapper json;

    public UsageParser(ObjectMapper json) {
        this.json = json;
    }

    /** The usage in this JSON document, or null when it has none (absent or null). */
    public Found find(byte[] doc) {
        if (!mayContainUsage(doc)) {
            return null;
        }
        try (JsonParser p = json.getFactory().createParser(doc)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            TokenUsage usage = null;
            boolean choicesEmpty = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("usage".equals(name) && value == JsonToken.START_OBJECT) {
                    usage = readUsage(p);
                } else if ("choices".equals(name) && value == JsonToken.START_ARRAY) {
                    JsonToken t = p.nextToken();
                    choicesEmpty = t == JsonToken.END_ARRAY;
                    while (t != null && t != JsonToken.END_ARRAY) {
                        p.skipChildren();
                        t = p.nextToken();
                    }
                } else {
                    p.skipChildren();
                }
            }
            return usage == null ? null : new Found(usage, choicesEmpty);
        } catch (IOException e) {
            return null;
        }
    }

    private static TokenUsage readUsage(JsonParser p) throws IOException {
        long prompt = 0;
        long completion = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v.isNumeric() && "prompt_tokens".equals(name)) {
                prompt = p.getLongValue();
            } else if (v.isNumeric() && "completion_tokens".equals(name)) {
                completion = p.getLongValue();
            } else {
                p.skipChildren();
            }
        }
        return new TokenUsage(prompt, completion);
    }

    /**
     * Reads a whole non-streaming answer in one pass: checks it is one well-formed JSON object and
     * returns its usage ({@link TokenUsage#NONE} when it has none).
     *
     * @throws IOException when the body is not a well-formed JSON object
     */
    public TokenUsage completeBody(byte[] body) throws IOException {
        try (JsonParser p = json.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("the answer is not a JSON object");
            }
            TokenUsage usage = TokenUsage.NONE;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("usage".equals(name) && value == JsonToken.START_OBJECT) {
                    usage = readUsage(p);
                } else {
                    p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IOException("the answer has trailing content after its JSON object");
            }
            return usage;
        }
    }

    static boolean mayContainUsage(byte[] doc) {
        outer:
        for (int i = 0, last = doc.length - KEY.length; i <= last; i++) {
            for (int j = 0; j < KEY.length; j++) {
                if (doc[i + j] != KEY[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
