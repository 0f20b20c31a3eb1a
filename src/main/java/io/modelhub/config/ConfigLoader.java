package io.modelhub.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.modelhub.providers.ProviderKind;
import io.modelhub.providers.ProviderKinds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a {@link HubConfig} from the YAML file, the environment and command-line flags. Flags win over
 * the environment, the environment over the file. {@code ${NAME}} in any string value of the file is
 * replaced by the environment variable NAME (empty when unset).
 */
public final class ConfigLoader {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern PROVIDER_ID = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Set<String> POLICIES = Set.of("priority", "price", "latency", "throughput");

    /** What the command line said; null means "not given". */
    public record Flags(Path config, Integer port, Path dataDir) {
        public static final Flags NONE = new Flags(null, null, null);
    }

    private final Map<String, String> env;

    public ConfigLoader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public HubConfig load(Flags flags) {
        Path file = file(flags);
        JsonNode root = file == null ? JsonNodeFactory.instance.objectNode() : read(file);
        String name = file == null ? "(no config file)" : file.toString();
        return parse(new ConfigNode(name, "", root), flags);
    }

    /** The config file these flags and this environment name ({@code --config}, {@code MODELHUB_CONFIG}, ./modelhub.yaml), or null. */
    public Path file(Flags flags) {
        Path file = flags.config();
        if (file == null && env.get("MODELHUB_CONFIG") != null && !env.get("MODELHUB_CONFIG").isBlank()) {
            file = Path.of(env.get("MODELHUB_CONFIG"));
        }
        if (file == null && Files.isRegularFile(Path.of("modelhub.yaml"))) {
            file = Path.of("modelhub.yaml");
        }
        return file;
    }

    /** Parses YAML text as if it were the config file named {@code name}; used by reload and tests. */
    public HubConfig parse(String name, String yaml, Flags flags) {
        return parse(new ConfigNode(name, "", parseYaml(name, yaml)), flags);
    }

    private JsonNode read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file + ": no such file");
        }
        try {
            return parseYaml(file.toString(), Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    private JsonNode parseYaml(String name, String yaml) {
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
            if (root == null || root.isMissingNode() || root.isNull()) {
                return JsonNodeFactory.instance.objectNode();
            }
            if (!root.isObject()) {
                throw new ConfigException(name + ": (top level): must be a mapping");
            }
            return substitute(root);
        } catch (IOException e) {
            throw new ConfigException(name + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    private JsonNode substitute(JsonNode node) {
        if (node.isTextual()) {
            String text = node.asText();
            if (!text.contains("${")) {
                return node;
            }
            Matcher m = VARIABLE.matcher(text);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String value = env.getOrDefault(m.group(1), "");
                m.appendReplacement(sb, Matcher.quoteReplacement(value));
            }
            m.appendTail(sb);
            return TextNode.valueOf(sb.toString());
        }
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                e.setValue(substitute(e.getValue()));
            }
        } else if (node.isArray()) {
            ArrayNode a = (ArrayNode) node;
            for (int i = 0; i < a.size(); i++) {
                a.set(i, substitute(a.get(i)));
            }
        }
        return node;
    }

    /** {@code server.*_timeout_ms}: each at least 1 ms; the idle one at least a second (the server's idle clock ticks per second). */
    private static HubConfig.ConnectionTimeouts connectionTimeouts(ConfigNode s) {
        HubConfig.ConnectionTimeouts d = HubConfig.ConnectionTimeouts.DEFAULT;
        Duration header = s.millis("header_timeout_ms", d.header());
        if (header.toMillis() < 1) {
            throw s.child("header_timeout_ms").error("must be at least 1");
        }
        Duration body = s.millis("body_timeout_ms", d.body());
        if (body.toMillis() < 1) {
            throw s.child("body_timeout_ms").error("must be at least 1");
        }
        Duration idle = s.millis("idle_timeout_ms", d.idle());
        if (idle.toMillis() < 1000) {
            throw s.child("idle_timeout_ms").error("must be at least 1000");
        }
        return new HubConfig.ConnectionTimeouts(header, body, idle);
    }

    private HubConfig parse(ConfigNode root, Flags flags) {
        root.onlyFields(Set.of("server", "store", "providers", "models", "routing", "sandbox", "catalog", "data_dir", "auth", "limits",
                "usage", "metrics", "logging", "cache", "telemetry"));

        ConfigNode s = root.child("server").onlyFields(Set.of("host", "port", "max_body_bytes", "public_base_url",
                "header_timeout_ms", "body_timeout_ms", "idle_timeout_ms"));
        int port = s.integer("port", 8080);
        if (env.get("MODELHUB_PORT") != null && !env.get("MODELHUB_PORT").isBlank()) {
            port = parseEnvInt("MODELHUB_PORT");
        }
        if (flags.port() != null) {
            port = flags.port();
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException("port " + port + " is out of range 0..65535");
        }
        long maxBody = s.longValue("max_body_bytes", 10L * 1024 * 1024);
        if (maxBody < 1024) {
            throw s.child("max_body_bytes").error("must be at least 1024");
        }
        HubConfig.Server server = new HubConfig.Server(
                s.string("host", "127.0.0.1"), port, maxBody, trimSlash(s.string("public_base_url", null)), connectionTimeouts(s));

        Path dataDir = Path.of(root.string("data_dir", "data"));
        if (env.get("MODELHUB_DATA_DIR") != null && !env.get("MODELHUB_DATA_DIR").isBlank()) {
            dataDir = Path.of(env.get("MODELHUB_DATA_DIR"));
        }
        if (flags.dataDir() != null) {
            dataDir = flags.dataDir();
        }

        ConfigNode st = root.child("store").onlyFields(Set.of("url"));
        String storeUrl = st.string("url", null);
        if (env.get("MODELHUB_STORE_URL") != null && !env.get("MODELHUB_STORE_URL").isBlank()) {
            storeUrl = env.get("MODELHUB_STORE_URL");
        }
        if (storeUrl == null) {
            storeUrl = "jdbc:sqlite:" + dataDir.resolve("modelhub.db");
        }
        if (!storeUrl.startsWith("jdbc:sqlite:") && !storeUrl.startsWith("jdbc:postgresql:")) {
            throw st.child("url").error("must start with jdbc:sqlite: or jdbc:postgresql: (was '" + storeUrl + "')");
        }

        List<HubConfig.ProviderConfig> providers = root.list("providers", this::provider);
        List<HubConfig.ModelConfig> models = root.list("models", this::model);

        HubConfig.Routing routing = routing(root.child("routing"));

        ConfigNode sb = root.child("sandbox").onlyFields(Set.of("enabled", "token_delay_ms"));
        HubConfig.Sandbox sandbox = new HubConfig.Sandbox(sb.bool("enabled", true), sb.millis("token_delay_ms", Duration.ZERO));

        ConfigNode c = root.child("catalog").onlyFields(Set.of("discovery_interval_seconds", "discovery_timeout_ms"));
        HubConfig.CatalogSettings cd = HubConfig.CatalogSettings.DEFAULT;
        long interval = c.longValue("discovery_interval_seconds", cd.discoveryInterval().toSeconds());
        if (interval < 1) {
            throw c.child("discovery_interval_seconds").error("must be at least 1");
        }
        Duration discoveryTimeout = c.millis("discovery_timeout_ms", cd.discoveryTimeout());
        if (discoveryTimeout.toMillis() < 1) {
            throw c.child("discovery_timeout_ms").error("must be at least 1");
        }
        HubConfig.CatalogSettings catalog = new HubConfig.CatalogSettings(Duration.ofSeconds(interval), discoveryTimeout);

        ConfigNode m = root.child("metrics").onlyFields(Set.of("require_admin"));
        HubConfig.Metrics metrics = new HubConfig.Metrics(m.bool("require_admin", false));

        return new HubConfig(server, dataDir, new HubConfig.Store(storeUrl), providers, models, routing, sandbox, catalog,
                auth(root.child("auth")), limits(root.child("limits")), usage(root.child("usage")), metrics,
                Operations.parse(root, env), env);
    }

    /** The providers and models of a catalog file (the built-in one is in this same format, plus api_key_env and local). */
    public record CatalogEntries(List<HubConfig.ProviderConfig> providers, List<HubConfig.ModelConfig> models) {}

    /** Parses a catalog file: a mapping with only {@code providers} and {@code models}, as in the config file. */
    public CatalogEntries parseCatalog(String name, String yaml) {
        ConfigNode root = new ConfigNode(name, "", parseYaml(name, yaml));
        root.onlyFields(Set.of("providers", "models"));
        return new CatalogEntries(root.list("providers", this::provider), root.list("models", this::model));
    }

    private static HubConfig.Auth auth(ConfigNode a) {
        a.onlyFields(Set.of("token_ttl_seconds", "oidc", "session_idle_minutes", "session_max_hours"));
        long ttl = a.longValue("token_ttl_seconds", HubConfig.Auth.DEFAULT.tokenTtlSeconds());
        if (ttl < 1 || ttl > 86_400) {
            throw a.child("token_ttl_seconds").error("must be between 1 and 86400 seconds");
        }
        ConfigNode o = a.child("oidc").onlyFields(Set.of("issuer", "audience", "jwks_url", "scopes_claim", "client_id", "client_secret",
                "authorization_endpoint", "token_endpoint", "redirect_uri"));
        HubConfig.Oidc oidc = null;
        if (!o.isMissing()) {
            String jwks = httpUrl(o, "jwks_url", o.requiredString("jwks_url"));
            oidc = new HubConfig.Oidc(o.requiredString("issuer"), o.requiredString("audience"), jwks, o.string("scopes_claim", "scope"),
                    blankToNull(o.string("client_id", null)), Secret.ofNullable(o.string("client_secret", null)),
                    httpUrl(o, "authorization_endpoint", blankToNull(o.string("authorization_endpoint", null))),
                    httpUrl(o, "token_endpoint", blankToNull(o.string("token_endpoint", null))),
                    httpUrl(o, "redirect_uri", blankToNull(o.string("redirect_uri", null))));
        }
        Integer idle = a.integer("session_idle_minutes", HubConfig.Auth.DEFAULT_SESSION_IDLE_MINUTES);
        if (idle < 1 || idle > 43_200) {
            throw a.child("session_idle_minutes").error("must be between 1 and 43200 minutes (30 days)");
        }
        Integer max = a.integer("session_max_hours", HubConfig.Auth.DEFAULT_SESSION_MAX_HOURS);
        if (max < 1 || max > 8_760) {
            throw a.child("session_max_hours").error("must be between 1 and 8760 hours (a year)");
        }
        return new HubConfig.Auth(ttl, oidc, idle, max);
    }

    /** {@code value} when null or an http(s) URL; else the error names the field. */
    private static String httpUrl(ConfigNode parent, String field, String value) {
        if (value != null && !value.startsWith("http://") && !value.startsWith("https://")) {
            throw parent.child(field).error("must be an http:// or https:// URL (was '" + value + "')");
        }
        return value;
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static HubConfig.Limits limits(ConfigNode l) {
        l.onlyFields(Set.of("rpm", "tpm"));
        return new HubConfig.Limits(positive(l, "rpm"), positive(l, "tpm"));
    }

    private static Integer positive(ConfigNode n, String field) {
        Integer v = n.integer(field, null);
        if (v != null && v < 1) {
            throw n.child(field).error("must be at least 1 (leave it out for no limit)");
        }
        return v;
    }

    private static HubConfig.Routing routing(ConfigNode r) {
        r.onlyFields(Set.of("policy", "fallbacks", "max_attempts", "backoff", "breaker", "window_calls"));
        String policy = r.string("policy", "priority");
        if (!POLICIES.contains(policy)) {
            throw r.child("policy").error("must be one of priority, price, latency, throughput (was '" + policy + "')");
        }
        int maxAttempts = r.integer("max_attempts", 3);
        if (maxAttempts < 1) {
            throw r.child("max_attempts").error("must be at least 1");
        }
        int window = r.integer("window_calls", 100);
        if (window < 1 || window > 10_000) {
            throw r.child("window_calls").error("must be between 1 and 10000");
        }
        HubConfig.Backoff db = HubConfig.Backoff.DEFAULT;
        ConfigNode b = r.child("backoff").onlyFields(Set.of("base_ms", "max_ms", "retry_after_max_ms"));
        HubConfig.Backoff backoff = new HubConfig.Backoff(b.millis("base_ms", db.base()), b.millis("max_ms", db.max()),
                b.millis("retry_after_max_ms", db.retryAfterMax()));
        if (backoff.max().compareTo(backoff.base()) < 0) {
            throw b.child("max_ms").error("must not be less than base_ms");
        }
        HubConfig.Breaker dk = HubConfig.Breaker.DEFAULT;
        ConfigNode k = r.child("breaker").onlyFields(Set.of("consecutive_failures", "failure_rate", "min_calls", "open_ms"));
        int consecutive = k.integer("consecutive_failures", dk.consecutiveFailures());
        if (consecutive < 1) {
            throw k.child("consecutive_failures").error("must be at least 1");
        }
        double rate = k.number("failure_rate", dk.failureRate());
        if (rate <= 0 || rate > 1) {
            throw k.child("failure_rate").error("must be greater than 0 and at most 1");
        }
        int minCalls = k.integer("min_calls", dk.minCalls());
        if (minCalls < 1) {
            throw k.child("min_calls").error("must be at least 1");
        }
        HubConfig.Breaker breaker = new HubConfig.Breaker(consecutive, rate, minCalls, k.millis("open_ms", dk.openFor()));
        return new HubConfig.Routing(policy, r.bool("fallbacks", true), maxAttempts, backoff, breaker, window);
    }

    private static HubConfig.Usage usage(ConfigNode u) {
        u.onlyFields(Set.of("enabled", "queue_capacity", "batch_size", "flush_interval_ms"));
        HubConfig.Usage d = HubConfig.Usage.DEFAULT;
        int capacity = u.integer("queue_capacity", d.queueCapacity());
        if (capacity < 1) {
            throw u.child("queue_capacity").error("must be at least 1");
        }
        int batch = u.integer("batch_size", d.batchSize());
        if (batch < 1) {
            throw u.child("batch_size").error("must be at least 1");
        }
        Duration flush = u.millis("flush_interval_ms", d.flushInterval());
        if (flush.isZero()) {
            throw u.child("flush_interval_ms").error("must be at least 1");
        }
        return new HubConfig.Usage(u.bool("enabled", d.enabled()), capacity, batch, flush);
    }

    private HubConfig.ProviderConfig provider(ConfigNode p) {
        String kind = p.string("kind", null);
        ProviderKind known = ProviderKinds.of(kind);
        if (kind != null && known == null) {
            throw p.child("kind").error("must be one of " + String.join(", ", ProviderKinds.names()) + " (was '" + kind + "')");
        }
        // A kind's own settings are allowed with that kind; an entry without a kind (overriding a built-in) may carry any.
        Set<String> kindFields = known != null ? known.settings() : ProviderKinds.allSettings();
        Set<String> fields = new java.util.HashSet<>(COMMON_PROVIDER_FIELDS);
        fields.addAll(kindFields);
        p.onlyFields(fields);
        String id = p.requiredString("id");
        if (!PROVIDER_ID.matcher(id).matches()) {
            throw p.child("id").error("must be lower-case letters, digits and '-' (was '" + id + "')");
        }
        Map<String, String> settingValues = new java.util.HashMap<>();
        Set<String> secretSettings = new java.util.HashSet<>();
        for (String name : kindFields) {
            String v = p.string(name, null);
            if (v != null && !v.isBlank()) {
                settingValues.put(name, v);
                if (known != null ? known.secretSettings().contains(name) : ProviderKinds.isSecretSetting(name)) {
                    secretSettings.add(name);
                }
            }
        }
        String baseUrl = trimSlash(p.string("base_url", null));
        if (baseUrl != null && !baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
            throw p.child("base_url").error("must be an http:// or https:// URL (was '" + baseUrl + "')");
        }
        HubConfig.Timeouts timeouts = null;
        ConfigNode t = p.child("timeouts").onlyFields(Set.of("connect_ms", "first_byte_ms", "idle_ms"));
        if (!t.isMissing()) {
            HubConfig.Timeouts d = HubConfig.Timeouts.DEFAULT;
            timeouts = new HubConfig.Timeouts(
                    t.millis("connect_ms", d.connect()), t.millis("first_byte_ms", d.firstByte()), t.millis("idle_ms", d.idle()));
        }
        return new HubConfig.ProviderConfig(id, p.string("name", null), kind, baseUrl, Secret.ofNullable(p.string("api_key", null)),
                p.string("api_key_env", null), optionalBool(p, "local"), optionalBool(p, "discover"), timeouts,
                p.string("docs", null), p.string("source", null), p.string("as_of", null),
                p.strings("supported_parameters"), p.map("parameter_ranges", ConfigLoader::range),
                settingValues.isEmpty() ? null : new KindSettings(settingValues, secretSettings), responses(p, kind),
                headers(p, kind), connections(p, kind));
    }

    /**
     * {@code connections: {max, queue, queue_timeout_ms}}: at most {@code max} upstream exchanges in flight,
     * {@code queue} calls waiting (default {@code max}), each at most {@code queue_timeout_ms} (default: the
     * provider's connect timeout, left null here so that a built-in provider's timeouts still apply).
     */
    private static HubConfig.Connections connections(ConfigNode p, String kind) {
        ConfigNode c = p.child("connections").onlyFields(Set.of("max", "queue", "queue_timeout_ms"));
        if (c.isMissing()) {
            return null;
        }
        if ("sandbox".equals(kind)) {
            throw c.error("is only for kinds that call an upstream (was kind 'sandbox')");
        }
        Integer max = c.integer("max", null);
        if (max == null) {
            throw c.child("max").error("is required (the most upstream exchanges in flight at once)");
        }
        if (max < 1) {
            throw c.child("max").error("must be at least 1 (was " + max + ")");
        }
        int queue = c.integer("queue", max);
        if (queue < 0) {
            throw c.child("queue").error("must not be negative (was " + queue + ")");
        }
        return new HubConfig.Connections(max, queue, c.millis("queue_timeout_ms", null));
    }

    /** RFC 9110 token characters: what a header name may be made of. */
    private static final java.util.regex.Pattern HEADER_NAME = java.util.regex.Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /** {@code headers}: extra headers for an OpenAI-wire upstream (kinds openai and azure), checked so none can split a request. */
    private static Map<String, Secret> headers(ConfigNode p, String kind) {
        Map<String, String> raw = p.map("headers", h -> {
            if (h.isMissing() || !h.isValue()) {
                throw h.error("must be a string");
            }
            return h.text();
        });
        if (raw == null) {
            return null;
        }
        if (kind != null && !"openai".equals(kind) && !"azure".equals(kind)) {
            throw p.child("headers").error("is only for kinds openai and azure (was kind '" + kind + "')");
        }
        Map<String, Secret> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            if (!HEADER_NAME.matcher(e.getKey()).matches()) {
                throw p.child("headers").error("'" + e.getKey() + "' is not a valid header name");
            }
            if (e.getValue().chars().anyMatch(ch -> ch < 0x20 && ch != '\t' || ch == 0x7f)) {
                throw p.child("headers").child(e.getKey()).error("must not contain control characters or line breaks");
            }
            out.put(e.getKey(), Secret.ofNullable(e.getValue()));
        }
        return out;
    }

    /** {@code responses: true} only for kind openai: the other protocols have no Responses API to pass through to. */
    private static Boolean responses(ConfigNode p, String kind) {
        Boolean responses = optionalBool(p, "responses");
        if (Boolean.TRUE.equals(responses) && kind != null && !"openai".equals(kind)) {
            throw p.child("responses").error("is only for kind openai (was kind '" + kind + "')");
        }
        return responses;
    }

    private static final Set<String> COMMON_PROVIDER_FIELDS = Set.of("id", "name", "kind", "base_url", "api_key", "api_key_env",
            "local", "discover", "timeouts", "docs", "source", "as_of", "supported_parameters", "parameter_ranges",
            "responses", "headers", "connections");

    private static Boolean optionalBool(ConfigNode n, String field) {
        return n.has(field) ? n.bool(field, false) : null;
    }

    private HubConfig.ModelConfig model(ConfigNode m) {
        m.onlyFields(Set.of("id", "name", "owned_by", "aliases", "context_length", "capabilities", "offerings", "source", "as_of"));
        String id = m.requiredString("id");
        if (id.chars().filter(c -> c == '/').count() > 1 || id.startsWith("/") || id.endsWith("/") || id.isBlank()) {
            throw m.child("id").error("must be a name with at most one '/' (was '" + id + "')");
        }
        return new HubConfig.ModelConfig(id, m.string("name", null), m.string("owned_by", null), m.strings("aliases"),
                m.integer("context_length", null), capabilities(m), m.list("offerings", this::offering), m.string("source", null));
    }

    private HubConfig.OfferingConfig offering(ConfigNode o) {
        o.onlyFields(Set.of("provider", "upstream_model", "context_length", "max_output_tokens", "pricing",
                "supported_parameters", "parameter_ranges", "capabilities", "source", "as_of"));
        HubConfig.Pricing pricing = null;
        ConfigNode pr = o.child("pricing").onlyFields(Set.of("input_per_mtok", "output_per_mtok", "cache_read_per_mtok", "cache_write_per_mtok"));
        if (!pr.isMissing()) {
            pricing = new HubConfig.Pricing(nonNegative(pr, "input_per_mtok"), nonNegative(pr, "output_per_mtok"),
                    pr.has("cache_read_per_mtok") ? nonNegative(pr, "cache_read_per_mtok") : null,
                    pr.has("cache_write_per_mtok") ? nonNegative(pr, "cache_write_per_mtok") : null);
        }
        return new HubConfig.OfferingConfig(o.requiredString("provider"), o.string("upstream_model", null),
                o.integer("context_length", null), o.integer("max_output_tokens", null), pricing,
                o.strings("supported_parameters"), o.map("parameter_ranges", ConfigLoader::range), capabilities(o),
                o.string("source", null), o.string("as_of", null));
    }

    private static double nonNegative(ConfigNode n, String field) {
        double v = n.number(field, 0.0);
        if (v < 0) {
            throw n.child(field).error("must not be negative");
        }
        return v;
    }

    private static HubConfig.Range range(ConfigNode r) {
        r.onlyFields(Set.of("min", "max"));
        Double min = r.number("min", null);
        Double max = r.number("max", null);
        if (min != null && max != null && min > max) {
            throw r.error("min must not be greater than max");
        }
        return new HubConfig.Range(min, max);
    }

    private static final Set<String> CAPABILITIES = Set.of("streaming", "tools", "vision", "json_mode", "embeddings");

    private static List<String> capabilities(ConfigNode n) {
        List<String> caps = n.strings("capabilities");
        if (caps != null) {
            for (String c : caps) {
                if (!CAPABILITIES.contains(c)) {
                    throw n.child("capabilities").error("unknown capability '" + c + "' (known: embeddings, json_mode, streaming, tools, vision)");
                }
            }
        }
        return caps;
    }

    private int parseEnvInt(String name) {
        try {
            return Integer.parseInt(env.get(name).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException("environment variable " + name + ": must be a whole number (was '" + env.get(name) + "')");
        }
    }

    private static String trimSlash(String url) {
        if (url == null) {
            return null;
        }
        String u = url.trim();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }
}
