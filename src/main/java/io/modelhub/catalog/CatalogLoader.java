package io.modelhub.catalog;

import io.modelhub.config.ConfigException;
import io.modelhub.config.HubConfig;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the catalog from the configuration: the sandbox provider (unless disabled) and the user's own entries. */
public final class CatalogLoader {
    public static final String SANDBOX = "sandbox";

    public Catalog load(HubConfig config) {
        Map<String, ProviderInfo> providers = new LinkedHashMap<>();
        List<Model> models = new ArrayList<>();
        long now = System.currentTimeMillis() / 1000;
        if (config.sandbox().enabled()) {
            providers.put(SANDBOX, new ProviderInfo(SANDBOX, "ModelHub Sandbox", "sandbox", null, null, true, false,
                    HubConfig.Timeouts.DEFAULT, null, "built-in"));
            models.add(sandboxModel(now));
        }
        for (HubConfig.ProviderConfig p : config.providers()) {
            if (p.kind() == null) {
                throw new ConfigException("providers: '" + p.id() + "': kind is required");
            }
            if ("openai".equals(p.kind()) && p.baseUrl() == null) {
                throw new ConfigException("providers: '" + p.id() + "': base_url is required for kind openai");
            }
            providers.put(p.id(), new ProviderInfo(p.id(), p.name() == null ? p.id() : p.name(), p.kind(), p.baseUrl(),
                    p.apiKey(), false, p.discover(), p.timeouts() == null ? HubConfig.Timeouts.DEFAULT : p.timeouts(), null, p.source()));
        }
        for (HubConfig.ModelConfig m : config.models()) {
            List<Offering> offerings = new ArrayList<>();
            Set<Capability> caps = capabilities(m.capabilities(), EnumSet.of(Capability.STREAMING));
            for (HubConfig.OfferingConfig o : m.offerings()) {
                if (!providers.containsKey(o.provider())) {
                    throw new ConfigException("models: '" + m.id() + "': offering names unknown provider '" + o.provider() + "'");
                }
                offerings.add(new Offering(m.id(), o.provider(), o.upstreamModel() == null ? m.id() : o.upstreamModel(),
                        o.contextLength() != null ? o.contextLength() : m.contextLength(), o.maxOutputTokens(), o.pricing(),
                        o.supportedParameters() == null ? null : Set.copyOf(o.supportedParameters()),
                        o.parameterRanges() == null ? Map.of() : o.parameterRanges(),
                        o.capabilities() == null ? caps : capabilities(o.capabilities(), caps), o.source(), o.asOf()));
            }
            models.add(new Model(m.id(), m.name() == null ? m.id() : m.name(), m.ownedBy() == null ? owner(m.id()) : m.ownedBy(),
                    m.aliases() == null ? List.of() : m.aliases(), m.contextLength(), caps, List.copyOf(offerings), now));
        }
        return new Catalog(new ArrayList<>(providers.values()), models);
    }

    static Model sandboxModel(long created) {
        Set<Capability> all = EnumSet.allOf(Capability.class);
        Offering o = new Offering("sandbox/chat", SANDBOX, "chat", 32768, 4096, new HubConfig.Pricing(0, 0), null, Map.of(), all, "built-in", null);
        return new Model("sandbox/chat", "Sandbox Chat", SANDBOX, List.of(), 32768, all, List.of(o), created);
    }

    private static String owner(String id) {
        int slash = id.indexOf('/');
        return slash > 0 ? id.substring(0, slash) : "modelhub";
    }

    private static Set<Capability> capabilities(List<String> names, Set<Capability> fallback) {
        if (names == null) {
            return fallback;
        }
        Set<Capability> out = EnumSet.noneOf(Capability.class);
        for (String n : names) {
            Capability c = Capability.fromWire(n);
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }
}
