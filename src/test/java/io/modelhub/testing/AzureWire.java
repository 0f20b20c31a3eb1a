package io.modelhub.testing;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Azure OpenAI: the OpenAI chat completions wire at
 * {@code /openai/deployments/{deployment}/chat/completions?api-version=...}, the deployment named by the path.
 */
public final class AzureWire extends OpenAiWire {
    @Override
    public String kind() {
        return "azure";
    }

    @Override
    public String baseUrl(String origin) {
        return origin;
    }

    @Override
    public String model(String path, JsonNode body) {
        String marker = "/openai/deployments/";
        int at = path.indexOf(marker);
        if (at < 0) {
            return body.path("model").asText();
        }
        String rest = path.substring(at + marker.length());
        return rest.substring(0, rest.indexOf('/'));
    }

    @Override
    public String error(int status) {
        return "{\"error\":{\"code\":\"" + status + "\",\"message\":\"mock failure " + status + "\"}}";
    }
}
