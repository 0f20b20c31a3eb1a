package io.modelhub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The hub's HTTP API as the admin commands use it: {@code MODELHUB_URL} (default http://127.0.0.1:8080)
 * with {@code MODELHUB_KEY} as the bearer credential. Every error answer becomes a {@link CliException}
 * carrying the hub's own message; the key is never printed.
 */
public final class AdminClient {
    public static final String DEFAULT_URL = "http://127.0.0.1:8080";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** An answer: status, the headers the commands read, and the JSON body. */
    public record Answer(int status, JsonNode body, HttpResponse<byte[]> raw) {
        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String key;

    private AdminClient(String base, String key) {
        this.base = base;
        this.key = key;
    }

    /** A client for the hub the environment names; fails when no key is set (every admin call needs one). */
    public static AdminClient from(Map<String, String> env) {
        String url = env.getOrDefault("MODELHUB_URL", "");
        if (url.isBlank()) {
            url = DEFAULT_URL;
        }
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new CliException("MODELHUB_URL must be an http:// or https:// URL (was '" + url + "')", CliException.USAGE);
        }
        String key = env.get("MODELHUB_KEY");
        if (key == null || key.isBlank()) {
            throw new CliException("MODELHUB_KEY is not set: export MODELHUB_KEY=mh-... (an admin API key) and try again",
                    CliException.USAGE);
        }
        return new AdminClient(url.endsWith("/") ? url.substring(0, url.length() - 1) : url, key.trim());
    }

    public ObjectMapper json() {
        return json;
    }

    public static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public JsonNode get(String path) {
        return ok(send("GET", path, null, Map.of()));
    }

    public JsonNode post(String path, JsonNode body) {
        return ok(send("POST", path, body, Map.of()));
    }

    public JsonNode patch(String path, JsonNode body) {
        return ok(send("PATCH", path, body, Map.of()));
    }

    public JsonNode delete(String path) {
        return ok(send("DELETE", path, null, Map.of()));
    }

    /** Sends one request and returns whatever the hub answered (errors included); fails only when it cannot be reached. */
    public Answer send(String method, String path, JsonNode body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + key).header("Accept", "application/json");
        headers.forEach(b::header);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode parsed;
            try {
                parsed = r.body().length == 0 ? json.createObjectNode() : json.readTree(r.body());
            } catch (IOException e) {
                parsed = null;
            }
            return new Answer(r.statusCode(), parsed, r);
        } catch (ConnectException e) {
            throw new CliException("cannot reach the hub at " + base + " (is it running? MODELHUB_URL sets where it is)", CliException.API);
        } catch (IOException e) {
            throw new CliException("the request to " + base + path + " failed: " + e.getMessage(), CliException.API);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", CliException.API);
        }
    }

    /** The body of a 2xx answer; any other answer fails with the hub's error message. */
    public JsonNode ok(Answer a) {
        if (a.status() / 100 == 2 && a.body() != null) {
            return a.body();
        }
        throw new CliException(errorOf(a), CliException.API);
    }

    /** "HTTP 404 not_found_error: <message>" from an error answer. */
    public static String errorOf(Answer a) {
        JsonNode e = a.body() == null ? null : a.body().path("error");
        if (e == null || e.isMissingNode() || !e.has("message")) {
            return "HTTP " + a.status() + " from the hub";
        }
        return "HTTP " + a.status() + " " + e.path("type").asText("error") + ": " + e.path("message").asText();
    }
}
