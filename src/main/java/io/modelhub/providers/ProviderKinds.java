package io.modelhub.providers;

import io.modelhub.providers.openai.OpenAiProvider;
import io.modelhub.providers.sandbox.SandboxProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every provider kind the hub speaks, by name: the one list config validation, the catalog and the
 * {@link ProviderRegistry} read. A new kind is its package plus one line here.
 */
public final class ProviderKinds {
    private static final Map<String, ProviderKind> KINDS = new LinkedHashMap<>();

    static {
        add(new ProviderKind("openai", Set.of(), Set.of(), ProviderKind.fixed(null), true,
                (info, c) -> new OpenAiProvider(info, c.json(), c.proxies())));
        add(io.modelhub.providers.anthropic.AnthropicProvider.KIND);
        add(io.modelhub.providers.azure.AzureProvider.KIND);
        add(io.modelhub.providers.gemini.GeminiProvider.KIND);
        add(io.modelhub.providers.bedrock.BedrockProvider.KIND);
        add(new ProviderKind("sandbox", Set.of(), Set.of(), ProviderKind.fixed(null), false,
                (info, c) -> new SandboxProvider(c.json(), c.sandboxTokenDelay())));
    }

    private static void add(ProviderKind kind) {
        KINDS.put(kind.name(), kind);
    }

    private ProviderKinds() {}

    /** The kind of this name, or null when there is none. */
    public static ProviderKind of(String name) {
        return name == null ? null : KINDS.get(name);
    }

    /** The kind names, sorted. */
    public static Set<String> names() {
        return new TreeSet<>(KINDS.keySet());
    }

    /** Whether some kind declares a setting of this name a credential. */
    public static boolean isSecretSetting(String name) {
        return KINDS.values().stream().anyMatch(k -> k.secretSettings().contains(name));
    }

    /** Every kind-specific setting name of every kind. */
    public static Set<String> allSettings() {
        Set<String> all = new TreeSet<>();
        KINDS.values().forEach(k -> all.addAll(k.settings()));
        return all;
    }
}
