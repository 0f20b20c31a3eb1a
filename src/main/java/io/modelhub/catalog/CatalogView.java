package io.modelhub.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One catalog snapshot made ready to answer the list endpoints fast: each model's list item already
 * serialized, and what the filters look at (providers, capabilities, lower-cased id and name, cheapest
 * input price, context length) already worked out. Built once per snapshot; immutable.
 */
public final class CatalogView {
    private static final byte[] LIST_START = "{\"object\":\"list\",\"data\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LIST_END = "]}".getBytes(StandardCharsets.US_ASCII);
    static final byte[] EMPTY_LIST = "{\"object\":\"list\",\"data\":[]}".getBytes(StandardCharsets.US_ASCII);

    /** One model with what the filters need. */
    private record Entry(Model model, byte[] json, Set<String> providers, String haystack, double cheapestInput, int context) {}

    private final Catalog catalog;
    private final List<Entry> entries;
    private final Map<String, Entry> byId;
    private final Map<String, List<Entry>> byProvider;
    private final byte[] everything;

    public CatalogView(Catalog catalog, ObjectMapper json) {
        this.catalog = catalog;
        List<Entry> all = new ArrayList<>(catalog.models().size());
        Map<String, Entry> ids = new HashMap<>();
        Map<String, List<Entry>> providers = new HashMap<>();
        for (Model m : catalog.models()) {
            Set<String> served = new LinkedHashSet<>();
            double cheapest = Double.POSITIVE_INFINITY;
            for (Offering o : m.offerings()) {
                served.add(o.providerId());
                if (o.pricing() != null) {
                    cheapest = Math.min(cheapest, o.pricing().inputPerMtok());
                }
            }
            Integer context = contextLength(m);
            ObjectNode item = modelItem(json, m, context, served);
            Entry e;
            try {
                e = new Entry(m, json.writeValueAsBytes(item), Set.copyOf(served),
                        m.id().toLowerCase(Locale.ROOT) + "\n" + m.name().toLowerCase(Locale.ROOT), cheapest,
                        context == null ? -1 : context);
            } catch (JsonProcessingException ex) {
                throw new UncheckedIOException(ex);
            }
            all.add(e);
            ids.put(m.id(), e);
            for (String p : served) {
                providers.computeIfAbsent(p, k -> new ArrayList<>()).add(e);
            }
        }
        this.entries = List.copyOf(all);
        this.byId = Map.copyOf(ids);
        Map<String, List<Entry>> frozen = new HashMap<>();
        providers.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        this.byProvider = Map.copyOf(frozen);
        int size = LIST_START.length + LIST_END.length;
        for (Entry e : entries) {
            size += e.json().length + 1;
        }
        this.everything = concat(entries.toArray(new Entry[0]), entries.size(), size);
    }

    public Catalog catalog() {
        return catalog;
    }

    /** The OpenAI list body of every model matching {@code filter}, in catalog order. */
    public byte[] list(ModelFilter filter) {
        if (filter.equals(ModelFilter.ALL)) {
            return everything;
        }
        List<Entry> pool = filter.provider() == null ? entries : byProvider.getOrDefault(filter.provider(), List.of());
        Entry[] hits = new Entry[pool.size()];
        int count = 0;
        int size = LIST_START.length + LIST_END.length;
        for (Entry e : pool) {
            if (matches(e, filter)) {
                hits[count++] = e;
                size += e.json().length + 1;
            }
        }
        return concat(hits, count, size);
    }

    /** One allocation of the exact size: lists run to megabytes, and growing a buffer would copy them several times. */
    private static byte[] concat(Entry[] hits, int count, int sizeWithCommas) {
        byte[] out = new byte[count == 0 ? LIST_START.length + LIST_END.length : sizeWithCommas - 1];
        System.arraycopy(LIST_START, 0, out, 0, LIST_START.length);
        int at = LIST_START.length;
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out[at++] = ',';
            }
            byte[] item = hits[i].json();
            System.arraycopy(item, 0, out, at, item.length);
            at += item.length;
        }
        System.arraycopy(LIST_END, 0, out, at, LIST_END.length);
        return out;
    }

    /** The models matching {@code filter}, for callers that want records rather than bytes. */
    public List<Model> models(ModelFilter filter) {
        List<Entry> pool = filter.provider() == null ? entries : byProvider.getOrDefault(filter.provider(), List.of());
        List<Model> out = new ArrayList<>();
        for (Entry e : pool) {
            if (matches(e, filter)) {
                out.add(e.model());
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** The list item of one model (by canonical id), serialized; null if unknown. */
    public byte[] item(Model model) {
        Entry e = byId.get(model.id());
        return e == null ? null : e.json();
    }

    /** How many models this provider serves. */
    public int modelCount(String providerId) {
        return byProvider.getOrDefault(providerId, List.of()).size();
    }

    private static boolean matches(Entry e, ModelFilter f) {
        if (f.provider() != null && !e.providers().contains(f.provider())) {
            return false;
        }
        if (!f.capabilities().isEmpty() && !e.model().capabilities().containsAll(f.capabilities())) {
            return false;
        }
        if (f.minContext() != null && e.context() < f.minContext()) {
            return false;
        }
        if (f.maxInputPrice() != null && !(e.cheapestInput() <= f.maxInputPrice())) {
            return false;
        }
        return f.query() == null || e.haystack().contains(f.query());
    }

    /** The model's own context length, else the largest of its offerings', else null. */
    static Integer contextLength(Model m) {
        if (m.contextLength() != null) {
            return m.contextLength();
        }
        Integer best = null;
        for (Offering o : m.offerings()) {
            if (o.contextLength() != null && (best == null || o.contextLength() > best)) {
                best = o.contextLength();
            }
        }
        return best;
    }

    private static ObjectNode modelItem(ObjectMapper json, Model m, Integer context, Set<String> providers) {
        ObjectNode n = json.createObjectNode();
        n.put("id", m.id());
        n.put("object", "model");
        n.put("created", m.created());
        n.put("owned_by", m.ownedBy());
        n.put("name", m.name());
        if (context == null) {
            n.putNull("context_length");
        } else {
            n.put("context_length", context);
        }
        ArrayNode caps = n.putArray("capabilities");
        for (Capability c : Capability.values()) {
            if (m.capabilities().contains(c)) {
                caps.add(c.wireName());
            }
        }
        ArrayNode p = n.putArray("providers");
        providers.forEach(p::add);
        ArrayNode aliases = n.putArray("aliases");
        m.aliases().forEach(aliases::add);
        return n;
    }
}
