package io.modelhub.providers;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.catalog.Catalog;
import io.modelhub.catalog.ProviderInfo;
import io.modelhub.providers.http.ProxyConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live {@link Provider} for each provider of the catalog, one per wire protocol instance. On a
 * catalog reload, providers whose settings did not change keep their pooled connections.
 */
public final class ProviderRegistry implements AutoCloseable {
    private final ProviderKind.Context context;
    private final Map<String, Entry> live = new ConcurrentHashMap<>();

    private record Entry(ProviderInfo info, Provider provider) {}

    public ProviderRegistry(ObjectMapper json, Duration sandboxTokenDelay) {
        this(new ProviderKind.Context(json, sandboxTokenDelay, ProxyConfig.NONE));
    }

    public ProviderRegistry(ProviderKind.Context context) {
        this.context = context;
    }

    /** Makes the live providers match the catalog: new ones are created, changed ones replaced, gone ones closed. */
    public synchronized void sync(Catalog catalog) {
        Map<String, Entry> keep = new HashMap<>();
        for (ProviderInfo info : catalog.providers()) {
            Entry current = live.get(info.id());
            if (current != null && current.info().equals(info)) {
                keep.put(info.id(), current);
            } else {
                keep.put(info.id(), new Entry(info, create(info)));
            }
        }
        for (Map.Entry<String, Entry> e : live.entrySet()) {
            if (keep.get(e.getKey()) != e.getValue()) {
                e.getValue().provider().close();
            }
        }
        live.keySet().retainAll(keep.keySet());
        live.putAll(keep);
    }

    private Provider create(ProviderInfo info) {
        ProviderKind kind = ProviderKinds.of(info.kind());
        if (kind == null) {
            throw new IllegalArgumentException("provider " + info.id() + ": unknown kind " + info.kind());
        }
        return kind.factory().create(info, context);
    }

    /** The provider with this id, or null. */
    public Provider get(String id) {
        Entry e = live.get(id);
        return e == null ? null : e.provider();
    }

    /** The connection gates of the live providers that have a limit, by provider id (for metrics). */
    public Map<String, ConnectionGate.Bounded> connectionGates() {
        Map<String, ConnectionGate.Bounded> out = new java.util.TreeMap<>();
        live.forEach((id, e) -> {
            if (e.provider().connectionGate() instanceof ConnectionGate.Bounded b) {
                out.put(id, b);
            }
        });
        return out;
    }

    @Override
    public void close() {
        live.values().forEach(e -> e.provider().close());
        live.clear();
    }
}
