package io.modelhub.providers.http;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The forward proxies the environment names, as curl and most HTTP clients read them:
 * {@code HTTPS_PROXY} for https upstreams (tunnelled with CONNECT), {@code HTTP_PROXY} for plain http
 * ones, and {@code NO_PROXY} (a comma-separated list of host names, {@code .domain} suffixes, or
 * {@code *}) for the hosts reached directly. Lower-case names are read when the upper-case ones are unset.
 */
public record ProxyConfig(Proxy https, Proxy http, List<String> noProxy) {
    public static final ProxyConfig NONE = new ProxyConfig(null, null, List.of());

    /** One proxy's address, and its {@code Proxy-Authorization} value when the URL carries user:password. */
    public record Proxy(String host, int port, String authorization) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    public static ProxyConfig fromEnv(Map<String, String> env) {
        return new ProxyConfig(proxy(var(env, "HTTPS_PROXY"), "HTTPS_PROXY"), proxy(var(env, "HTTP_PROXY"), "HTTP_PROXY"),
                hosts(var(env, "NO_PROXY")));
    }

    /** The proxy to reach {@code host} over {@code tls} (or not) through, or null to connect directly. */
    public Proxy forHost(String host, boolean tls) {
        Proxy p = tls ? https : http;
        if (p == null) {
            return null;
        }
        String h = host.toLowerCase(Locale.ROOT);
        for (String rule : noProxy) {
            if (rule.equals("*") || h.equals(rule) || (rule.startsWith(".") ? h.endsWith(rule) : h.endsWith("." + rule))) {
                return null;
            }
        }
        return p;
    }

    private static String var(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            v = env.get(name.toLowerCase(Locale.ROOT));
        }
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static Proxy proxy(String value, String name) {
        if (value == null) {
            return null;
        }
        URI uri;
        try {
            uri = URI.create(value.contains("://") ? value : "http://" + value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not a proxy URL");
        }
        if (uri.getHost() == null || !"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException(name + " must be an http:// proxy URL with a host");
        }
        String auth = null;
        if (uri.getRawUserInfo() != null) {
            String user = java.net.URLDecoder.decode(uri.getRawUserInfo(), java.nio.charset.StandardCharsets.UTF_8);
            auth = "Basic " + java.util.Base64.getEncoder().encodeToString(user.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return new Proxy(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 80, auth);
    }

    private static List<String> hosts(String value) {
        if (value == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String part : value.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            int colon = p.lastIndexOf(':');
            if (colon > 0 && !p.contains("]")) {
                p = p.substring(0, colon);
            }
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
        return List.copyOf(out);
    }
}
