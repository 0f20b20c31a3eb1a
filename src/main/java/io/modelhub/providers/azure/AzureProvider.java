package io.modelhub.providers.azure;

import io.modelhub.catalog.ProviderInfo;
import io.modelhub.providers.ProviderKind;
import io.modelhub.providers.openai.OpenAiProvider;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Azure OpenAI: the OpenAI chat completions wire at the resource's deployment URLs,
 * {@code {base_url}/openai/deployments/{deployment}/chat/completions?api-version=...}, where an
 * offering's {@code upstream_model} is the deployment name, with the key in the {@code api-key} header.
 * With {@code api_version: v1} the GA v1 API is used instead ({@code {base_url}/openai/v1/chat/completions},
 * the deployment named by {@code model}). Answers are OpenAI's and pass through untouched.
 */
public final class AzureProvider {
    /** The API version used when the configuration names none (the latest GA data-plane version). */
    public static final String DEFAULT_API_VERSION = "2024-10-21";

    public static final ProviderKind KIND = new ProviderKind("azure", Set.of("api_version"), Set.of(), ProviderKind.fixed(null), true,
            (info, c) -> create(info, c), java.util.List.of("AZURE_OPENAI_API_KEY"));

    private AzureProvider() {}

    static OpenAiProvider create(ProviderInfo info, ProviderKind.Context c) {
        String version = info.settings().get("api_version", DEFAULT_API_VERSION);
        if (!version.matches("[A-Za-z0-9.-]+")) {
            throw new IllegalArgumentException("provider " + info.id() + ": api_version must look like " + DEFAULT_API_VERSION + " or v1 (was '" + version + "')");
        }
        String key = OpenAiProvider.keyLine(info, "api-key: ");
        if ("v1".equals(version)) {
            return new OpenAiProvider(info, c.json(), c.proxies(), deployment -> "/openai/v1/chat/completions", null, key);
        }
        String query = "?api-version=" + version;
        return new OpenAiProvider(info, c.json(), c.proxies(),
                deployment -> "/openai/deployments/" + URLEncoder.encode(deployment, StandardCharsets.UTF_8).replace("+", "%20")
                        + "/chat/completions" + query, null, key);
    }
}
