package io.modelhub.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The one way a request body becomes a JSON object: strict UTF-8, valid JSON, an object at the top. Every
 * refusal is a 400 {@code invalid_json}; the fields inside are then read through {@link JsonField}, whose
 * errors name the field's path.
 */
public final class JsonBodies {
    private JsonBodies() {}

    /**
     * The body as a JSON object.
     *
     * @param emptyAllowed whether an empty body counts as {@code {}} (for bodies whose every field is optional)
     */
    public static ObjectNode object(ObjectMapper json, byte[] bytes, boolean emptyAllowed) {
        if (bytes.length == 0 && emptyAllowed) {
            return json.createObjectNode();
        }
        int bad = firstInvalidUtf8(bytes);
        if (bad >= 0) {
            throw ApiException.badRequest("The request body is not valid UTF-8 (at byte " + bad + "). Send JSON encoded as UTF-8.",
                    null, "invalid_json");
        }
        JsonNode root;
        try {
            root = json.readTree(bytes);
        } catch (JacksonException e) {
            throw ApiException.badRequest("We could not parse the JSON body of your request: " + e.getOriginalMessage()
                    + ". Send a JSON object.", null, "invalid_json");
        } catch (IOException e) {
            throw ApiException.badRequest("The request body could not be read.", null, "invalid_json");
        }
        if (root == null || root.isMissingNode()) {
            if (emptyAllowed) {
                return json.createObjectNode();
            }
            throw ApiException.badRequest("The request body is empty: send a JSON object.", null, "invalid_json");
        }
        if (!(root instanceof ObjectNode o)) {
            throw ApiException.badRequest("The request body must be a JSON object.", null, "invalid_json");
        }
        return o;
    }

    /**
     * The offset of the first byte that breaks UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
     * above U+10FFFF), or -1. Jackson decodes some of these silently, so they are checked here first; the
     * loop is a pass over bytes that are mostly ASCII.
     */
    static int firstInvalidUtf8(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xFF;
            int need;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                min = 0x10000;
            } else {
                return i;
            }
            if (i + need >= n) {
                return i;
            }
            int cp = c & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                int d = b[i + k] & 0xFF;
                if ((d & 0xC0) != 0x80) {
                    return i;
                }
                cp = (cp << 6) | (d & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return i;
            }
            i += need + 1;
        }
        return -1;
    }
}
