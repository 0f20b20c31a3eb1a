package io.modelhub.catalog;

import io.modelhub.config.ConfigException;
import io.modelhub.config.ConfigLoader;
import io.modelhub.config.HubConfig;
import io.modelhub.config.KindSettings;
import io.modelhub.config.Secret;
import io.modelhub.providers.ProviderKind;
import io.modelhub.providers.ProviderKinds;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the catalog from three layers, each overriding the one before: the built-in list of well-known
 * providers and models (shipped in the jar as {@code catalog/builtin.yaml}), the user's {@code providers:}
 * and {@code models:}, and what discovery found. Only enabled providers and the models they serve appear.
 */
public final class CatalogLoader {
    public static final String SANDBOX = "sandbox";
    public static final String BUILTIN_RESOURCE = "catalog/builtin.yaml";

    private final ConfigLoader.CatalogEntries builtin;

    /** A loader over the built-in catalog of the jar. */
    public CatalogLoader() {
        this(readBuiltin());
    }

    /** A loader over another built-in list (benchmarks use a large synthetic one). */
    public CatalogLoader(ConfigLoader.CatalogEntries builtin) {
        this.builtin = builtin;
    }

    /** The catalog of the jar, parsed; a broken built-in file is a build defect, so it fails loudly. */
    public static ConfigLoader.CatalogEntries readBuiltin() {
        try (InputStream in = CatalogLoader.class.getClassLoader().getResourceAsStream(BUILTIN_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing " + BUILTIN_RESOURCE + " on the class path");
            }
            return new ConfigLoader(Map.of()).parseCatalog(BUILTIN_RESOURCE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Catalog load(HubConfig config) {
        return load(config, Map.of(), System.currentTimeMillis() / 1000);
    }

    /**
     * The catalog for this configuration plus the models each provider listed at its last successful
     * discovery. {@code created} is the creation time given to models that have no time of their own.
     */
    public Catalog load(HubConfig config, Map<String, List<DiscoveredModel>> discovered, long created) {
        Map<String, HubConfig.ProviderConfig> declared = new LinkedHashMap<>();
        Set<String> builtinIds = new HashSet<>();
        for (HubConfig.ProviderConfig p : builtin.providers()) {
            declared.put(p.id(), p);
            builtinIds.add(p.id());
        }
        Set<String> namedByUser = new HashSet<>();
        for (HubConfig.ProviderConfig p : config.providers()) {
            declared.merge(p.id(), p, CatalogLoader::override);
            namedByUser.add(p.id());
        }

        Map<String, ProviderInfo> providers = new LinkedHashMap<>();
        Map<String, HubConfig.ProviderConfig> enabled = new HashMap<>();
        if (config.sandbox().enabled() && !declared.containsKey(SANDBOX)) {
            providers.put(SANDBOX, new ProviderInfo(SANDBOX, "ModelHub Sandbox", "sandbox", null, null, true, false,
                    HubConfig.Timeouts.DEFAULT, null, "built-in"));
        }
        for (HubConfig.ProviderConfig p : declared.values()) {
            Secret key = p.apiKey();
            if (key == null && p.apiKeyEnv() != null) {
                key = Secret.ofNullable(config.env(p.apiKeyEnv()));
            }
            ProviderKind kindOf = ProviderKinds.of(p.kind());
            for (int i = 0; key == null && kindOf != null && i < kindOf.keyEnv().size(); i++) {
                // The kind's own variables (ANTHROPIC_API_KEY, GEMINI_API_KEY or GOOGLE_API_KEY...): API.md section 11.
                key = Secret.ofNullable(config.env(kindOf.keyEnv().get(i)));
            }
            boolean local = Boolean.TRUE.equals(p.local());
            // A built-in remote provider needs its key; a built-in local one must be asked for by name,
            // since probing localhost ports nobody configured would only produce noise.
            boolean on = namedByUser.contains(p.id()) || (builtinIds.contains(p.id()) && !local && key != null);
            if (!on) {
                continue;
            }
            String where = builtinIds.contains(p.id()) ? "built-in provider" : "providers";
            if (p.kind() == null) {
                throw new ConfigException(where + ": '" + p.id() + "': kind is required");
            }
            ProviderKind kind = ProviderKinds.of(p.kind());
            if (kind == null) {
                throw new ConfigException(where + ": '" + p.id() + "': kind must be one of " + String.join(", ", ProviderKinds.names())
                        + " (was '" + p.kind() + "')");
            }
            KindSettings settings = p.settings() == null ? KindSettings.NONE : p.settings();
            String baseUrl = p.baseUrl() != null ? p.baseUrl() : kind.defaultBaseUrl().apply(settings);
            if (kind.network() && baseUrl == null) {
                throw new ConfigException(where + ": '" + p.id() + "': base_url is required for kind " + kind.name()
                        + (kind.settings().contains("region") ? " (or a region, from which it is derived)" : ""));
            }
            providers.put(p.id(), new ProviderInfo(p.id(), p.name() == null ? p.id() : p.name(), p.kind(), baseUrl, key, local,
                    Boolean.TRUE.equals(p.discover()), p.timeouts() == null ? HubConfig.Timeouts.DEFAULT : p.timeouts(),
                    p.docs(), p.source(), settings, Boolean.TRUE.equals(p.responses()), p.headers(), p.connections()));
            enabled.put(p.id(), p);
        }

        Map<String, HubConfig.ModelConfig> modelConfigs = new LinkedHashMap<>();
        for (HubConfig.ModelConfig m : builtin.models()) {
            modelConfigs.put(m.id(), m);
        }
        for (HubConfig.ModelConfig m : config.models()) {
            for (HubConfig.OfferingConfig o : m.offerings()) {
                if (!declared.containsKey(o.provider()) && !(SANDBOX.equals(o.provider()) && providers.containsKey(SANDBOX))) {
                    throw new ConfigException("models: '" + m.id() + "': offering names unknown provider '" + o.provider() + "'");
                }
            }
            modelConfigs.merge(m.id(), m, CatalogLoader::override);
        }

        List<Model> models = new ArrayList<>();
        Map<String, Integer> positionById = new HashMap<>();
        if (providers.containsKey(SANDBOX)) {
            for (Model builtIn : List.of(sandboxModel(created), sandboxEmbedModel(created))) {
                if (!modelConfigs.containsKey(builtIn.id())) {
                    positionById.put(builtIn.id(), models.size());
                    models.add(builtIn);
                }
            }
        }
        for (HubConfig.ModelConfig m : modelConfigs.values()) {
            Set<Capability> caps = capabilities(m.capabilities(), EnumSet.of(Capability.STREAMING));
            List<Offering> offerings = new ArrayList<>();
            for (HubConfig.OfferingConfig o : m.offerings()) {
                if (!providers.containsKey(o.provider())) {
                    continue;
                }
                HubConfig.ProviderConfig p = enabled.get(o.provider());
                List<String> params = o.supportedParameters() != null ? o.supportedParameters() : p == null ? null : p.supportedParameters();
                Map<String, HubConfig.Range> ranges = o.parameterRanges() != null ? o.parameterRanges()
                        : p == null || p.parameterRanges() == null ? Map.of() : p.parameterRanges();
                offerings.add(new Offering(m.id(), o.provider(), o.upstreamModel() == null ? m.id() : o.upstreamModel(),
                        o.contextLength() != null ? o.contextLength() : m.contextLength(), o.maxOutputTokens(),
                        priceOf(providers.get(o.provider()), o.pricing()),
                        params == null ? null : Set.copyOf(params), ranges,
                        o.capabilities() == null ? caps : capabilities(o.capabilities(), caps), o.source(), o.asOf()));
            }
            if (offerings.isEmpty()) {
                continue;
            }
            positionById.put(m.id(), models.size());
            models.add(new Model(m.id(), m.name() == null ? m.id() : m.name(), m.ownedBy() == null ? owner(m.id()) : m.ownedBy(),
                    m.aliases() == null ? List.of() : m.aliases(), m.contextLength(), caps, List.copyOf(offerings), created));
        }
        addDiscovered(models, positionById, providers, enabled, discovered, created);
        warnUnpriced(models);
        return new Catalog(new ArrayList<>(providers.values()), models);
    }

    private static final HubConfig.Pricing FREE = new HubConfig.Pricing(0, 0);
    private static final System.Logger LOG = System.getLogger("io.modelhub.catalog");
    private static volatile Set<String> lastUnpriced = Set.of();

    /** An offering's price: as configured; a local server's is free; otherwise null, meaning "not known". */
    private static HubConfig.Pricing priceOf(ProviderInfo provider, HubConfig.Pricing configured) {
        if (configured != null) {
            return configured;
        }
        return provider != null && provider.local() ? FREE : null;
    }

    /** Warns, once per distinct set, of offerings whose calls will be metered with {@code cost_usd: null}. */
    private static void warnUnpriced(List<Model> models) {
        Set<String> unpriced = new java.util.TreeSet<>();
        for (Model m : models) {
            for (Offering o : m.offerings()) {
                if (o.pricing() == null) {
                    unpriced.add(o.providerId() + "/" + o.upstreamModel());
                }
            }
        }
        if (!unpriced.isEmpty() && !unpriced.equals(lastUnpriced)) {
            List<String> shown = unpriced.stream().limit(20).toList();
            LOG.log(System.Logger.Level.WARNING, unpriced.size() + " offering(s) have no known price; their calls are metered with"
                    + " cost_usd null until a pricing is configured: " + String.join(", ", shown) + (unpriced.size() > 20 ? ", ..." : ""));
        }
        lastUnpriced = Set.copyOf(unpriced);
    }

    /**
     * Adds an offering for every listed model that the catalog does not already know under this provider:
     * to the model with that id or alias if there is one, else to a new model named by the upstream id.
     */
    private static void addDiscovered(List<Model> models, Map<String, Integer> positionById, Map<String, ProviderInfo> providers,
            Map<String, HubConfig.ProviderConfig> enabled, Map<String, List<DiscoveredModel>> discovered, long created) {
        if (discovered.isEmpty()) {
            return;
        }
        Map<String, Integer> positionByAlias = new HashMap<>();
        Set<String> known = new HashSet<>();
        for (int i = 0; i < models.size(); i++) {
            for (String alias : models.get(i).aliases()) {
                positionByAlias.putIfAbsent(alias, i);
            }
            for (Offering o : models.get(i).offerings()) {
                known.add(o.providerId() + "\n" + o.upstreamModel());
            }
        }
        for (Map.Entry<String, List<DiscoveredModel>> e : discovered.entrySet()) {
            ProviderInfo info = providers.get(e.getKey());
            if (info == null || !info.discover()) {
                continue;
            }
            HubConfig.ProviderConfig p = enabled.get(info.id());
            Set<String> params = p == null || p.supportedParameters() == null ? null : Set.copyOf(p.supportedParameters());
            Map<String, HubConfig.Range> ranges = p == null || p.parameterRanges() == null ? Map.of() : p.parameterRanges();
            for (DiscoveredModel d : e.getValue()) {
                if (d.id() == null || d.id().isBlank() || !known.add(info.id() + "\n" + d.id())) {
                    continue;
                }
                Integer at = positionById.get(d.id());
                if (at == null) {
                    at = positionByAlias.get(d.id());
                }
                if (at == null) {
                    Set<Capability> caps = EnumSet.of(Capability.STREAMING);
                    Offering o = new Offering(d.id(), info.id(), d.id(), null, null, priceOf(info, null), params, ranges, caps, "discovered", null);
                    positionById.put(d.id(), models.size());
                    models.add(new Model(d.id(), d.id(), d.ownedBy() == null || d.ownedBy().isBlank() ? owner(d.id()) : d.ownedBy(),
                            List.of(), null, caps, List.of(o), d.created() == null ? created : d.created()));
                } else {
                    Model m = models.get(at);
                    List<Offering> offerings = new ArrayList<>(m.offerings());
                    offerings.add(new Offering(m.id(), info.id(), d.id(), m.contextLength(), null, priceOf(info, null), params, ranges,
                            m.capabilities(), "discovered", null));
                    models.set(at, new Model(m.id(), m.name(), m.ownedBy(), m.aliases(), m.contextLength(), m.capabilities(),
                            List.copyOf(offerings), m.created()));
                }
            }
        }
    }

    /** The built-in provider with the user's fields laid over it (a field the user leaves out keeps its built-in value). */
    private static HubConfig.ProviderConfig override(HubConfig.ProviderConfig base, HubConfig.ProviderConfig user) {
        return new HubConfig.ProviderConfig(base.id(), or(user.name(), base.name()), or(user.kind(), base.kind()),
                or(user.baseUrl(), base.baseUrl()), or(user.apiKey(), base.apiKey()), or(user.apiKeyEnv(), base.apiKeyEnv()),
                or(user.local(), base.local()), or(user.discover(), base.discover()), or(user.timeouts(), base.timeouts()),
                or(user.docs(), base.docs()), or(user.source(), base.source()), or(user.asOf(), base.asOf()),
                or(user.supportedParameters(), base.supportedParameters()), or(user.parameterRanges(), base.parameterRanges()),
                base.settings() == null ? user.settings() : base.settings().with(user.settings()),
                or(user.responses(), base.responses()), or(user.headers(), base.headers()),
                or(user.connections(), base.connections()));
    }

    /** A known model with the user's fields laid over it; offerings are merged by provider, the user's winning field by field. */
    private static HubConfig.ModelConfig override(HubConfig.ModelConfig base, HubConfig.ModelConfig user) {
        Map<String, HubConfig.OfferingConfig> offerings = new LinkedHashMap<>();
        for (HubConfig.OfferingConfig o : base.offerings()) {
            offerings.put(o.provider(), o);
        }
        for (HubConfig.OfferingConfig o : user.offerings()) {
            offerings.merge(o.provider(), o, CatalogLoader::override);
        }
        return new HubConfig.ModelConfig(base.id(), or(user.name(), base.name()), or(user.ownedBy(), base.ownedBy()),
                or(user.aliases(), base.aliases()), or(user.contextLength(), base.contextLength()),
                or(user.capabilities(), base.capabilities()), List.copyOf(offerings.values()), or(user.source(), base.source()));
    }

    private static HubConfig.OfferingConfig override(HubConfig.OfferingConfig base, HubConfig.OfferingConfig user) {
        return new HubConfig.OfferingConfig(base.provider(), or(user.upstreamModel(), base.upstreamModel()),
                or(user.contextLength(), base.contextLength()), or(user.maxOutputTokens(), base.maxOutputTokens()),
                or(user.pricing(), base.pricing()), or(user.supportedParameters(), base.supportedParameters()),
                or(user.parameterRanges(), base.parameterRanges()), or(user.capabilities(), base.capabilities()),
                or(user.source(), base.source()), or(user.asOf(), base.asOf()));
    }

    private static <T> T or(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }

    static Model sandboxModel(long created) {
        Set<Capability> all = EnumSet.complementOf(EnumSet.of(Capability.EMBEDDINGS));
        Offering o = new Offering("sandbox/chat", SANDBOX, "sandbox/chat", 32768, 4096, new HubConfig.Pricing(0, 0), null, Map.of(), all, "built-in", null);
        return new Model("sandbox/chat", "Sandbox Chat", SANDBOX, List.of(), 32768, all, List.of(o), created);
    }

    /** The sandbox's deterministic embedding model (its vectors come from the text alone; see the sandbox provider). */
    static Model sandboxEmbedModel(long created) {
        Set<Capability> caps = EnumSet.of(Capability.EMBEDDINGS);
        Offering o = new Offering("sandbox/embed", SANDBOX, "sandbox/embed", 8192, null, new HubConfig.Pricing(0, 0), null, Map.of(), caps, "built-in", null);
        return new Model("sandbox/embed", "Sandbox Embeddings", SANDBOX, List.of(), 8192, caps, List.of(o), created);
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
