package io.modelhub.catalog;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An immutable snapshot of every provider and model the hub knows; replaced whole on reload. */
public final class Catalog {
    private final Map<String, ProviderInfo> providers;
    private final List<Model> models;
    private final Map<String, Model> byIdOrAlias;

    public Catalog(List<ProviderInfo> providers, List<Model> models) {
        Map<String, ProviderInfo> p = new LinkedHashMap<>();
        providers.forEach(info -> p.put(info.id(), info));
        this.providers = java.util.Collections.unmodifiableMap(p);
        this.models = List.copyOf(models);
        Map<String, Model> index = new HashMap<>();
        for (Model m : models) {
            for (String alias : m.aliases()) {
                index.putIfAbsent(alias, m);
            }
        }
        for (Model m : models) {
            index.put(m.id(), m);
        }
        this.byIdOrAlias = Map.copyOf(index);
    }

    /** The model with this id or alias, or null. */
    public Model model(String idOrAlias) {
        return byIdOrAlias.get(idOrAlias);
    }

    public List<Model> models() {
        return models;
    }

    /** The provider with this id, or null. */
    public ProviderInfo provider(String id) {
        return providers.get(id);
    }

    public List<ProviderInfo> providers() {
        return List.copyOf(providers.values());
    }
}
