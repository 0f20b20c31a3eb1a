package io.modelhub.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.server.Hub;
import io.modelhub.config.ConfigLoader;
import io.modelhub.config.HubConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real hub on a free port with its own temporary data directory, configured from YAML text, plus
 * a plain HTTP client that talks to it. Requests carry the bootstrap admin key unless told otherwise.
 */
public final class TestHub implements AutoCloseable {
    public static final String ADMIN_KEY = "mh-testadmin.0123456789abcdef0123456789abcdef";

    private final Hub hub;
    private final Path dataDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    private TestHub(Hub hub, Path dataDir) {
        this.hub = hub;
        this.dataDir = dataDir;
    }

    public static TestHub start(String yaml) {
        return start(yaml, Map.of());
    }

    public static TestHub start(String yaml, Map<String, String> extraEnv) {
        try {
            Path dir = Files.createTempDirectory("modelhub-test");
            Map<String, String> env = new HashMap<>();
            env.put("MODELHUB_ADMIN_KEY", ADMIN_KEY);
            env.putAll(extraEnv);
            HubConfig cfg = new ConfigLoader(env).parse("test.yaml", yaml, new ConfigLoader.Flags(null, 0, dir));
            return new TestHub(new Hub(cfg).start(), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A hub configured from a real file, as {@code modelhub serve --config FILE} would be: a catalog
     * reload re-reads that file with the same environment and flags.
     */
    public static TestHub startFromFile(Path file, Map<String, String> extraEnv) {
        try {
            Path dir = Files.createTempDirectory("modelhub-test");
            Map<String, String> env = new HashMap<>();
            env.put("MODELHUB_ADMIN_KEY", ADMIN_KEY);
            env.putAll(extraEnv);
            ConfigLoader loader = new ConfigLoader(env);
            ConfigLoader.Flags flags = new ConfigLoader.Flags(file, 0, dir);
            return new TestHub(new Hub(loader.load(flags), () -> loader.load(flags)).start(), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** YAML for one openai-kind provider {@code id} at {@code upstream} serving {@code model}. */
    public static String oneProvider(String id, MockUpstream upstream, String model) {
        return """
                providers:
                  - id: %s
                    kind: openai
                    base_url: %s
                    api_key: upstream-secret-%s
                    timeouts: {connect_ms: 1000, first_byte_ms: 2000, idle_ms: 1000}
                models:
                  - id: %s
                    capabilities: [streaming, tools, vision, json_mode]
                    offerings:
                      - provider: %s
                        upstream_model: upstream-%s
                        pricing: {input_per_mtok: 1.0, output_per_mtok: 2.0}
                """.formatted(id, upstream.baseUrl(), id, model, id, model.replace('/', '-'));
    }

    public Hub hub() {
        return hub;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + hub.port();
    }

    public ObjectMapper json() {
        return json;
    }

    /** A response as the test sees it. */
    public record Response(int status, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.getFirst();
        }

        public JsonNode json() {
            try {
                return new ObjectMapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    public Response get(String path) {
        return send("GET", path, null, ADMIN_KEY, Map.of());
    }

    public Response post(String path, String body) {
        return send("POST", path, body, ADMIN_KEY, Map.of());
    }

    public Response send(String method, String path, String body, String credential, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (credential != null) {
            b.header("Authorization", "Bearer " + credential);
        }
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, List<String>> h = new HashMap<>();
            r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v));
            return new Response(r.statusCode(), h, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Opens a streaming POST and returns its status, headers and a reader of its SSE lines. */
    public StreamResponse stream(String path, String body, String credential) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (credential != null) {
            b.header("Authorization", "Bearer " + credential);
        }
        try {
            HttpResponse<java.io.InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            return new StreamResponse(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A streaming answer read one SSE data payload at a time. */
    public static final class StreamResponse implements AutoCloseable {
        private final HttpResponse<java.io.InputStream> response;
        private final BufferedReader reader;

        StreamResponse(HttpResponse<java.io.InputStream> response) {
            this.response = response;
            this.reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        }

        public int status() {
            return response.statusCode();
        }

        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        /** The next {@code data:} payload, or null at the end of the body. */
        public String nextData() {
            try {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.startsWith("data: ")) {
                        return line.substring(6);
                    }
                }
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Every remaining payload. */
        public List<String> rest() {
            List<String> out = new ArrayList<>();
            String d;
            while ((d = nextData()) != null) {
                out.add(d);
            }
            return out;
        }

        @Override
        public void close() {
            try {
                response.body().close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }
    }

    @Override
    public void close() {
        hub.close();
    }
}
