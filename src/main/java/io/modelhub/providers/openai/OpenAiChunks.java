package io.modelhub.providers.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.modelhub.usage.TokenUsage;
import java.io.IOException;

/**
 * Reads what the hub needs from OpenAI chat completions and chunks (the {@code usage} object and the
 * finish reason) without building a tree: a streaming parse that skips everything else. A chunk that
 * contains neither the bytes {@code "usage"} nor a non-null {@code "finish_reason"} is passed over by a
 * byte scan before any parsing, which is what nearly every chunk of a stream is.
 */
final class OpenAiChunks {
    private static final byte[] USAGE = {'"', 'u', 's', 'a', 'g', 'e', '"'};
    private static final byte[] FINISH = "\"finish_reason\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** What one chunk says: its usage (or null), whether its choices are empty, and its first non-null finish reason (or null). */
    record Found(TokenUsage usage, boolean choicesEmpty, String finishReason) {}

    private final JsonFactory json;

    OpenAiChunks(JsonFactory json) {
        this.json = json;
    }

    /** What this chunk says about usage and finish, or null when it says nothing (or is not a JSON object). */
    Found find(byte[] doc) {
        if (!mayMatter(doc)) {
            return null;
        }
        try (JsonParser p = json.createParser(doc)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            TokenUsage usage = null;
            boolean choicesEmpty = false;
            String finish = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("usage".equals(name) && value == JsonToken.START_OBJECT) {
                    usage = readUsage(p);
                } else if ("choices".equals(name) && value == JsonToken.START_ARRAY) {
                    JsonToken t = p.nextToken();
                    choicesEmpty = t == JsonToken.END_ARRAY;
                    while (t != null && t != JsonToken.END_ARRAY) {
                        String f = t == JsonToken.START_OBJECT ? readFinish(p) : skip(p);
                        if (finish == null) {
                            finish = f;
                        }
                        t = p.nextToken();
                    }
                } else {
                    p.skipChildren();
                }
            }
            return usage == null && finish == null ? null : new Found(usage, choicesEmpty, finish);
        } catch (IOException e) {
            return null;
        }
    }

    private static String skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    /** Reads one choice object to its end; its finish_reason when textual. */
    private static String readFinish(JsonParser p) throws IOException {
        String finish = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_STRING && "finish_reason".equals(name)) {
                finish = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return finish;
    }

    private static TokenUsage readUsage(JsonParser p) throws IOException {
        long prompt = 0;
        long completion = 0;
        long cached = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v.isNumeric() && "prompt_tokens".equals(name)) {
                prompt = p.getLongValue();
            } else if (v.isNumeric() && "completion_tokens".equals(name)) {
                completion = p.getLongValue();
            } else if (v == JsonToken.START_OBJECT && "prompt_tokens_details".equals(name)) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String detail = p.currentName();
                    JsonToken dv = p.nextToken();
                    if (dv.isNumeric() && "cached_tokens".equals(detail)) {
                        cached = p.getLongValue();
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return new TokenUsage(prompt, completion, cached, 0);
    }

    /**
     * Reads a whole non-streaming answer in one pass: checks it is one well-formed JSON object and
     * returns its usage ({@link TokenUsage#NONE} when it has none) and first finish reason.
     *
     * @throws IOException when the body is not a well-formed JSON object
     */
    Found completeBody(byte[] body) throws IOException {
        try (JsonParser p = json.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("the answer is not a JSON object");
            }
            TokenUsage usage = TokenUsage.NONE;
            String finish = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("usage".equals(name) && value == JsonToken.START_OBJECT) {
                    usage = readUsage(p);
                } else if ("choices".equals(name) && value == JsonToken.START_ARRAY) {
                    for (JsonToken t = p.nextToken(); t != null && t != JsonToken.END_ARRAY; t = p.nextToken()) {
                        String f = t == JsonToken.START_OBJECT ? readFinish(p) : skip(p);
                        if (finish == null) {
                            finish = f;
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IOException("the answer has trailing content after its JSON object");
            }
            return new Found(usage, false, finish);
        }
    }

    /** Whether the bytes contain {@code "usage"} or a {@code "finish_reason":} not followed by {@code null}. */
    static boolean mayMatter(byte[] doc) {
        for (int i = 0, n = doc.length; i < n; i++) {
            if (doc[i] != '"') {
                continue;
            }
            if (at(doc, i, USAGE)) {
                return true;
            }
            if (at(doc, i, FINISH)) {
                int j = i + FINISH.length;
                while (j < n && doc[j] == ' ') {
                    j++;
                }
                if (j < n && doc[j] != 'n') {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean at(byte[] doc, int i, byte[] key) {
        if (i + key.length > doc.length) {
            return false;
        }
        for (int j = 1; j < key.length; j++) {
            if (doc[i + j] != key[j]) {
                return false;
            }
        }
        return true;
    }
}
