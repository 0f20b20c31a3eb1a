package io.modelhub.routing;

import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several mock upstreams, one per provider, each serving the model {@code acme/chat} behind one real
 * hub; offerings are listed in the order the providers were added.
 */
final class Upstreams implements AutoCloseable {
    static final String MODEL = "acme/chat";
    static final String ROUTING_DEFAULTS = "{policy: priority, max_attempts: 3, window_calls: 4,"
            + " backoff: {base_ms: 10, max_ms: 40, retry_after_max_ms: 1500},"
            + " breaker: {consecutive_failures: 3, open_ms: 300}}";

    private final Map<String, MockUpstream> mocks = new LinkedHashMap<>();
    private final Map<String, String> offeringYaml = new LinkedHashMap<>();
    private String routing = ROUTING_DEFAULTS;
    private TestHub hub;

    /** Adds provider {@code id} with its own mock; {@code extra} is YAML lines added to its offering. */
    Upstreams provider(String id, String... extra) {
        mocks.put(id, new MockUpstream());
        StringBuilder sb = new StringBuilder();
        for (String line : extra) {
            sb.append("        ").append(line).append('\n');
        }
        offeringYaml.put(id, sb.toString());
        return this;
    }

    Upstreams routing(String yaml) {
        this.routing = yaml;
        return this;
    }

    Upstreams start() {
        StringBuilder y = new StringBuilder("providers:\n");
        for (Map.Entry<String, MockUpstream> e : mocks.entrySet()) {
            y.append("""
                      - id: %s
                        kind: openai
                        base_url: %s
                        api_key: key-%s
                        timeouts: {connect_ms: 1000, first_byte_ms: 400, idle_ms: 400}
                    """.formatted(e.getKey(), e.getValue().baseUrl(), e.getKey()));
        }
        y.append("models:\n  - id: ").append(MODEL).append("\n    capabilities: [streaming, tools, vision, json_mode]\n    offerings:\n");
        for (Map.Entry<String, String> e : offeringYaml.entrySet()) {
            y.append("      - provider: ").append(e.getKey()).append('\n')
                    .append("        upstream_model: up-").append(e.getKey()).append('\n')
                    .append(e.getValue());
        }
        y.append("routing: ").append(routing).append('\n');
        hub = TestHub.start(y.toString());
        return this;
    }

    MockUpstream mock(String id) {
        return mocks.get(id);
    }

    int calls(String id) {
        return mocks.get(id).received().size();
    }

    TestHub hub() {
        return hub;
    }

    static String body(String extra) {
        return "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    TestHub.Response chat(String extra) {
        return hub.post("/v1/chat/completions", body(extra));
    }

    TestHub.Response chat(String extra, Map<String, String> headers) {
        return hub.send("POST", "/v1/chat/completions", body(extra), TestHub.ADMIN_KEY, headers);
    }

    /** A streaming call read to its end: every {@code data:} payload. */
    List<String> stream(String extra, TestHub.Response[] head) {
        TestHub.Response r = chat("\"stream\":true" + (extra.isEmpty() ? "" : "," + extra));
        head[0] = r;
        return r.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
    }

    @Override
    public void close() {
        if (hub != null) {
            hub.close();
        }
        mocks.values().forEach(MockUpstream::close);
    }
}
