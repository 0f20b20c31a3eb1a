package io.modelhub.catalog;

import io.modelhub.auth.Guard;
import io.helidon.webserver.http.HttpRouting;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.auth.Principal;
import io.modelhub.config.ConfigException;
import io.modelhub.config.HubConfig;
import io.modelhub.api.ApiException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The catalog endpoints of API.md section 3: models, providers, offerings (with usage examples) and the
 * admin reload. List answers come from a {@link CatalogView} built once per catalog snapshot.
 */
public final class CatalogEndpoints {
    private static final Header JSON_TYPE = HeaderValues.create(HeaderNames.CONTENT_TYPE, "application/json");
    private static final String MODELS_PREFIX = "/v1/models/";
    private static final Pattern SAFE_HOST = Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]{1,255}");

    private final ObjectMapper json;
    private final CatalogHolder holder;
    private final LiveCatalog live;
    private final Health health;
    private final HubConfig.Server server;
    private final Supplier<Catalog> reload;
    private volatile CatalogView view;

    /**
     * {@code reload} reads the configuration again (same file, environment and flags as at start-up), installs
     * it and answers the new catalog; it throws {@link ConfigException}, changing nothing, when it cannot be used.
     */
    public CatalogEndpoints(ObjectMapper json, CatalogHolder holder, LiveCatalog live, Health health, HubConfig.Server server,
            Supplier<Catalog> reload) {
        this.json = json;
        this.holder = holder;
        this.live = live;
        this.health = health;
        this.server = server;
        this.reload = reload;
    }

    /** The view of the catalog in force, rebuilt lazily the first time a new snapshot is seen. */
    public CatalogView view() {
        Catalog current = holder.get();
        CatalogView v = view;
        if (v == null || v.catalog() != current) {
            v = new CatalogView(current, json);
            view = v;
        }
        return v;
    }

    /** {@code GET /v1/models}. */
    public void listModels(ServerRequest req, ServerResponse res, Principal caller) {
        send(res, view().list(filter(req.query())));
    }

    /** {@code GET /v1/models/{model}}, {@code .../providers} and {@code .../providers/{provider}}: ids may hold a slash. */
    public void modelPath(ServerRequest req, ServerResponse res, Principal caller) {
        String raw = req.path().rawPath();
        String rest = raw.length() > MODELS_PREFIX.length() ? percentDecode(raw.substring(MODELS_PREFIX.length())) : "";
        CatalogView v = view();
        Catalog catalog = v.catalog();
        Model model = catalog.model(rest);
        if (model != null) {
            send(res, v.item(model));
            return;
        }
        if (rest.endsWith("/providers")) {
            String id = rest.substring(0, rest.length() - "/providers".length());
            send(res, offeringsList(catalog, requireModel(catalog, id)));
            return;
        }
        int at = rest.lastIndexOf("/providers/");
        if (at > 0) {
            Model m = requireModel(catalog, rest.substring(0, at));
            String providerId = rest.substring(at + "/providers/".length());
            send(res, offering(req, catalog, m, providerId));
            return;
        }
        throw modelNotFound(rest);
    }

    /** {@code GET /v1/providers}. */
    public void listProviders(ServerRequest req, ServerResponse res, Principal caller) {
        CatalogView v = view();
        ObjectNode root = json.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (ProviderInfo p : v.catalog().providers()) {
            data.add(providerItem(v, p, false));
        }
        send(res, root);
    }

    /** {@code GET /v1/providers/{provider}}. */
    public void provider(ServerRequest req, ServerResponse res, Principal caller) {
        CatalogView v = view();
        send(res, providerItem(v, requireProvider(v.catalog(), req.path().pathParameters().get("provider")), true));
    }

    /** {@code GET /v1/providers/{provider}/models}: the same filters as {@code /v1/models}, within one provider. */
    public void providerModels(ServerRequest req, ServerResponse res, Principal caller) {
        CatalogView v = view();
        ProviderInfo p = requireProvider(v.catalog(), req.path().pathParameters().get("provider"));
        ModelFilter f = filter(req.query());
        // A provider filter naming another provider leaves nothing: no model is served by both at this path.
        send(res, f.provider() != null && !f.provider().equals(p.id()) ? CatalogView.EMPTY_LIST : v.list(f.withProvider(p.id())));
    }

    /** {@code POST /v1/catalog/reload}: re-reads the configuration; a bad one is refused and the catalog stays. */
    public void reload(ServerRequest req, ServerResponse res, Principal caller) {
        Catalog next;
        try {
            next = reload.get();
        } catch (ConfigException e) {
            throw ApiException.badRequest("The configuration was not reloaded, the catalog in force is unchanged: " + e.getMessage(),
                    null, "invalid_config");
        }
        ObjectNode root = json.createObjectNode();
        root.put("object", "catalog.reload");
        root.put("reloaded", true);
        root.put("providers", next.providers().size());
        root.put("models", next.models().size());
        send(res, root);
    }

    static ModelFilter filter(UriQuery query) {
        String provider = param(query, "provider");
        Set<Capability> caps = EnumSet.noneOf(Capability.class);
        String capability = param(query, "capability");
        if (capability != null) {
            for (String name : capability.split(",")) {
                Capability c = Capability.fromWire(name.trim());
                if (c == null) {
                    throw ApiException.badRequest("Query parameter 'capability' must be one of streaming, tools, vision, json_mode, embeddings "
                            + "(comma-separated for several); got '" + capability + "'.", "capability", "invalid_filter");
                }
                caps.add(c);
            }
        }
        Double maxPrice = null;
        String price = param(query, "max_input_price");
        if (price != null) {
            try {
                maxPrice = Double.parseDouble(price);
            } catch (NumberFormatException e) {
                maxPrice = Double.NaN;
            }
            if (maxPrice.isNaN() || maxPrice < 0 || maxPrice.isInfinite()) {
                throw ApiException.badRequest("Query parameter 'max_input_price' must be a non-negative number (USD per million "
                        + "input tokens); got '" + price + "'.", "max_input_price", "invalid_filter");
            }
        }
        Integer minContext = null;
        String context = param(query, "min_context");
        if (context != null) {
            try {
                minContext = Integer.parseInt(context);
            } catch (NumberFormatException e) {
                minContext = -1;
            }
            if (minContext < 0) {
                throw ApiException.badRequest("Query parameter 'min_context' must be a non-negative whole number of tokens; got '"
                        + context + "'.", "min_context", "invalid_filter");
            }
        }
        return new ModelFilter(provider, caps, param(query, "q"), maxPrice, minContext);
    }

    private static String param(UriQuery query, String name) {
        if (!query.contains(name)) {
            return null;
        }
        String v = query.get(name).trim();
        return v.isEmpty() ? null : v;
    }

    private byte[] offeringsList(Catalog catalog, Model m) {
        ObjectNode root = json.createObjectNode();
        root.put("object", "list");
        root.put("model", m.id());
        ArrayNode data = root.putArray("data");
        for (Offering o : m.offerings()) {
            ObjectNode n = offeringHead(catalog, o);
            OfferingStats stats = health.stats(o);
            n.put("latency_ms", stats.p50LatencyMs());
            n.set("stats", stats(stats));
            data.add(n);
        }
        return bytes(root);
    }

    private byte[] offering(ServerRequest req, Catalog catalog, Model m, String providerId) {
        Offering o = null;
        for (Offering candidate : m.offerings()) {
            if (candidate.providerId().equals(providerId)) {
                o = candidate;
            }
        }
        if (o == null) {
            if (catalog.provider(providerId) == null) {
                throw providerNotFound(providerId);
            }
            throw ApiException.notFound("Provider '" + providerId + "' does not serve model '" + m.id() + "'. GET /v1/models/"
                    + m.id() + "/providers lists the providers that do.", "provider", "offering_not_found");
        }
        ObjectNode n = offeringHead(catalog, o);
        if (o.supportedParameters() == null) {
            n.putNull("supported_parameters");
        } else {
            ArrayNode params = n.putArray("supported_parameters");
            new TreeSet<>(o.supportedParameters()).forEach(params::add);
        }
        ObjectNode ranges = n.putObject("parameter_ranges");
        for (Map.Entry<String, HubConfig.Range> r : new TreeMap<>(o.parameterRanges()).entrySet()) {
            ObjectNode range = ranges.putObject(r.getKey());
            if (r.getValue().min() != null) {
                range.put("min", r.getValue().min());
            }
            if (r.getValue().max() != null) {
                range.put("max", r.getValue().max());
            }
        }
        ArrayNode caps = n.putArray("capabilities");
        for (Capability c : Capability.values()) {
            if (o.capabilities().contains(c)) {
                caps.add(c.wireName());
            }
        }
        n.set("stats", stats(health.stats(o)));
        n.put("source", o.source());
        n.put("as_of", o.asOf());
        UsageExamples usage = UsageExamples.of(apiBase(req), m.id(), o.providerId());
        ObjectNode u = n.putObject("usage");
        u.put("base_url", apiBase(req));
        u.put("curl", usage.curl());
        u.put("python", usage.python());
        u.put("javascript", usage.javascript());
        u.put("langchain", usage.langchain());
        return bytes(n);
    }

    /** What both offering answers share: who serves it, under which name, at what price and context. */
    private ObjectNode offeringHead(Catalog catalog, Offering o) {
        ProviderInfo p = catalog.provider(o.providerId());
        ObjectNode n = json.createObjectNode();
        n.put("object", "offering");
        n.put("id", o.providerId());
        n.put("model", o.modelId());
        n.put("provider", o.providerId());
        n.put("provider_name", p == null ? o.providerId() : p.name());
        n.put("status", status(o.providerId()).wireName());
        n.put("upstream_model", o.upstreamModel());
        putNullable(n, "context_length", o.contextLength());
        putNullable(n, "max_output_tokens", o.maxOutputTokens());
        if (o.pricing() == null) {
            n.putNull("pricing");
        } else {
            ObjectNode pr = n.putObject("pricing");
            pr.put("input_per_mtok", o.pricing().inputPerMtok());
            pr.put("output_per_mtok", o.pricing().outputPerMtok());
            if (o.pricing().cacheReadPerMtok() != null) {
                pr.put("cache_read_per_mtok", o.pricing().cacheReadPerMtok());
            }
            if (o.pricing().cacheWritePerMtok() != null) {
                pr.put("cache_write_per_mtok", o.pricing().cacheWritePerMtok());
            }
            pr.put("currency", "USD");
        }
        return n;
    }

    private ObjectNode providerItem(CatalogView v, ProviderInfo p, boolean full) {
        ObjectNode n = json.createObjectNode();
        n.put("id", p.id());
        n.put("object", "provider");
        n.put("name", p.name());
        n.put("kind", p.kind());
        n.put("status", status(p.id()).wireName());
        n.put("models", v.modelCount(p.id()));
        n.put("base_url", io.modelhub.api.Redaction.url(p.baseUrl()));
        n.put("local", p.local());
        n.put("discover", p.discover());
        n.put("docs", p.docs());
        if (full) {
            n.put("source", p.source());
            LiveCatalog.DiscoveryState d = live.discovery(p.id());
            if (d != null) {
                ObjectNode dn = n.putObject("discovery");
                dn.put("status", d.status().wireName());
                dn.put("last_attempt", d.lastAttempt() / 1000);
                if (d.lastSuccess() == 0) {
                    dn.putNull("last_success");
                } else {
                    dn.put("last_success", d.lastSuccess() / 1000);
                }
                dn.put("error", d.error());
                dn.put("models", d.models());
            }
        }
        return n;
    }

    /** What the hub measured, worsened by a failing discovery. */
    private ProviderStatus status(String providerId) {
        return health.status(providerId).worst(live.discoveryStatus(providerId));
    }

    private ObjectNode stats(OfferingStats s) {
        ObjectNode n = json.createObjectNode();
        n.put("p50_latency_ms", s.p50LatencyMs());
        n.put("tokens_per_second", s.tokensPerSecond());
        n.put("success_rate", s.successRate());
        n.put("calls", s.calls());
        return n;
    }

    /** The hub's {@code .../v1} URL as the caller reaches it: the configured public URL, else the request's Host. */
    private String apiBase(ServerRequest req) {
        String root = server.publicBaseUrl();
        if (root == null) {
            String host = req.headers().first(HeaderNames.HOST).orElse(null);
            if (host == null || !SAFE_HOST.matcher(host).matches()) {
                host = server.host() + ":" + server.port();
            }
            String proto = req.headers().first(HeaderNames.X_FORWARDED_PROTO).orElse("http");
            root = ("https".equalsIgnoreCase(proto) ? "https" : "http") + "://" + host;
        }
        return root.endsWith("/v1") ? root : root + "/v1";
    }

    private static Model requireModel(Catalog catalog, String id) {
        Model m = catalog.model(id);
        if (m == null) {
            throw modelNotFound(id);
        }
        return m;
    }

    private static ProviderInfo requireProvider(Catalog catalog, String id) {
        ProviderInfo p = catalog.provider(id);
        if (p == null) {
            throw providerNotFound(id);
        }
        return p;
    }

    private static ApiException modelNotFound(String id) {
        return ApiException.notFound("Model '" + id + "' does not exist. GET /v1/models lists the models.", "model", "model_not_found");
    }

    private static ApiException providerNotFound(String id) {
        return ApiException.notFound("Provider '" + id + "' does not exist or is not enabled. GET /v1/providers lists the providers.",
                "provider", "provider_not_found");
    }

    private static void putNullable(ObjectNode n, String field, Integer value) {
        if (value == null) {
            n.putNull(field);
        } else {
            n.put(field, value);
        }
    }

    /** Decodes %XX escapes (so {@code %2F} is a slash) but, unlike form decoding, leaves '+' alone. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    private void send(ServerResponse res, ObjectNode body) {
        send(res, bytes(body));
    }

    private void send(ServerResponse res, byte[] body) {
        res.header(JSON_TYPE);
        res.send(body);
    }

    private byte[] bytes(ObjectNode n) {
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Catalog and discovery (API.md section 3); model ids may hold a slash, so {@code /v1/models/*} is parsed by the handler. */
    public void routes(HttpRouting.Builder r, Guard guard) {
        r.get("/v1/models", guard.read(this::listModels));
        r.get("/v1/models/*", guard.read(this::modelPath));
        r.get("/v1/providers", guard.read(this::listProviders));
        r.get("/v1/providers/{provider}", guard.read(this::provider));
        r.get("/v1/providers/{provider}/models", guard.read(this::providerModels));
        r.post("/v1/catalog/reload", guard.admin(this::reload));
    }
}
