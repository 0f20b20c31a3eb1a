package io.modelhub.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Google Gemini: {@code POST /v1beta/models/{model}:generateContent} and
 * {@code :streamGenerateContent?alt=sse}, {@code GenerateContentResponse} objects with
 * {@code candidates[].content.parts}, {@code finishReason} and {@code usageMetadata}, as the Gemini API
 * reference and the js-genai SDK describe them. A function call arrives whole in one chunk.
 */
public final class GeminiWire implements Wire {
    @Override
    public String kind() {
        return "gemini";
    }

    @Override
    public String baseUrl(String origin) {
        return origin;
    }

    @Override
    public boolean streams(String path, JsonNode body) {
        return path.contains(":streamGenerateContent");
    }

    @Override
    public String model(String path, JsonNode body) {
        String marker = "/models/";
        String rest = path.substring(path.indexOf(marker) + marker.length());
        return rest.substring(0, rest.indexOf(':'));
    }

    @Override
    public String error(int status) {
        String s = switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 503 -> "UNAVAILABLE";
            default -> "INTERNAL";
        };
        return "{\"error\":{\"code\":" + status + ",\"message\":\"mock failure " + status + "\",\"status\":\"" + s + "\"}}";
    }

    private static boolean tool(JsonNode body) {
        String mode = body.path("toolConfig").path("functionCallingConfig").path("mode").asText("");
        JsonNode decls = body.path("tools").path(0).path("functionDeclarations");
        return decls.isArray() && !decls.isEmpty() && !"NONE".equals(mode);
    }

    private static String toolName(JsonNode body) {
        return body.path("tools").path(0).path("functionDeclarations").get(0).path("name").asText();
    }

    private static String response(String model, String parts, String finish, int outputTokens) {
        return "{\"candidates\":[{\"content\":{\"parts\":" + parts + ",\"role\":\"model\"}"
                + (finish != null ? ",\"finishReason\":\"" + finish + "\"" : "") + ",\"index\":0}],"
                + "\"usageMetadata\":{\"promptTokenCount\":" + PROMPT_TOKENS + ",\"candidatesTokenCount\":" + outputTokens
                + ",\"totalTokenCount\":" + (PROMPT_TOKENS + outputTokens) + "},\"modelVersion\":\"" + model + "\",\"responseId\":\"resp_mock\"}";
    }

    private static String callPart(JsonNode body) {
        return "[{\"functionCall\":{\"name\":\"" + toolName(body) + "\",\"args\":{\"city\":\"Paris\"}}}]";
    }

    @Override
    public String completion(String model, String text, JsonNode body) {
        return response(model, tool(body) ? callPart(body) : "[{\"text\":\"" + text + "\"}]", "STOP", COMPLETION_TOKENS);
    }

    @Override
    public List<byte[]> streamStart(String model, JsonNode body) {
        return List.of();
    }

    @Override
    public List<byte[]> streamToken(String model, int i, String text, JsonNode body) {
        if (tool(body)) {
            return i == 0 ? List.of(Wire.sse(response(model, callPart(body), null, 1))) : List.of();
        }
        return List.of(Wire.sse(response(model, "[{\"text\":\"" + text + "\"}]", null, i + 1)));
    }

    @Override
    public List<byte[]> streamEnd(String model, int tokens, JsonNode body) {
        List<byte[]> out = new ArrayList<>();
        if (tool(body) && tokens == 0) {
            out.add(Wire.sse(response(model, callPart(body), null, 1)));
        }
        out.add(Wire.sse(response(model, "[{\"text\":\"\"}]", "STOP", tokens)));
        return out;
    }
}
