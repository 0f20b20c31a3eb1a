package io.modelhub.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** OpenAI chat completions: {@code POST /v1/chat/completions}, JSON and SSE chunks ending in {@code [DONE]}. */
public class OpenAiWire implements Wire {
    @Override
    public String kind() {
        return "openai";
    }

    @Override
    public String baseUrl(String origin) {
        return origin + "/v1";
    }

    @Override
    public boolean streams(String path, JsonNode body) {
        return body.path("stream").asBoolean(false);
    }

    @Override
    public String model(String path, JsonNode body) {
        return body.path("model").asText();
    }

    @Override
    public String error(int status) {
        return "{\"error\":{\"message\":\"mock failure " + status + "\",\"type\":\"server_error\",\"code\":null}}";
    }

    @Override
    public String completion(String model, String text, JsonNode body) {
        boolean tools = body.has("tools") && !"none".equals(body.path("tool_choice").asText(""));
        String message = tools
                ? "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_mock\",\"type\":\"function\",\"function\":{\"name\":\""
                        + body.path("tools").get(0).path("function").path("name").asText() + "\",\"arguments\":\"{}\"}}]}"
                : "{\"role\":\"assistant\",\"content\":\"" + text + "\"}";
        return "{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"" + model
                + "\",\"choices\":[{\"index\":0,\"message\":" + message + ",\"finish_reason\":\"" + (tools ? "tool_calls" : "stop")
                + "\"}],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7,\"total_tokens\":18}}";
    }

    @Override
    public List<byte[]> streamStart(String model, JsonNode body) {
        return List.of(Wire.sse(chunkJson(model, "", "assistant")));
    }

    private static boolean tool(JsonNode body) {
        return Wire.wantsTool(body.get("tools"), body.path("tool_choice").asText(""));
    }

    @Override
    public List<byte[]> streamToken(String model, int i, String text, JsonNode body) {
        if (tool(body)) {
            return i < ARGUMENT_PIECES.length ? List.of(toolDelta(model, i, body)) : List.of();
        }
        return List.of(Wire.sse(chunkJson(model, text, null)));
    }

    /** Tool call argument piece {@code i}; the first names the call (id, type, function name), as OpenAI streams them. */
    private static byte[] toolDelta(String model, int i, JsonNode body) {
        String head = i == 0 ? "\"id\":\"call_mock\",\"type\":\"function\"," : "";
        String name = i == 0 ? "\"name\":\"" + body.path("tools").get(0).path("function").path("name").asText() + "\"," : "";
        return Wire.sse("{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model
                + "\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0," + head + "\"function\":{" + name
                + "\"arguments\":" + Wire.quote(ARGUMENT_PIECES[i]) + "}}]},\"finish_reason\":null}]}");
    }

    @Override
    public List<byte[]> streamEnd(String model, int tokens, JsonNode body) {
        boolean usage = body.path("stream_options").path("include_usage").asBoolean(false);
        List<byte[]> out = new ArrayList<>();
        if (tool(body)) {
            for (int i = tokens; i < ARGUMENT_PIECES.length; i++) {
                out.add(toolDelta(model, i, body));
            }
        }
        out.add(Wire.sse("{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model
                + "\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + (tool(body) ? "tool_calls" : "stop") + "\"}]"
                + (usage ? ",\"usage\":null" : "") + "}"));
        if (usage) {
            out.add(Wire.sse("{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model
                    + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":" + tokens + ",\"total_tokens\":" + (11 + tokens) + "}}"));
        }
        out.add(Wire.sse("[DONE]"));
        return out;
    }

    @Override
    public List<byte[]> partialStream(String model, int tokens, JsonNode body) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < tokens; i++) {
            out.add(Wire.sse(chunkJson(model, "tok" + i + " ", i == 0 ? "assistant" : null)));
        }
        return out;
    }

    static String chunkJson(String model, String content, String role) {
        return "{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model
                + "\",\"choices\":[{\"index\":0,\"delta\":{" + (role != null ? "\"role\":\"" + role + "\"," : "")
                + "\"content\":\"" + content + "\"},\"finish_reason\":null}]}";
    }
}
