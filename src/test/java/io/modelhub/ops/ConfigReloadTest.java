package io.modelhub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.config.ConfigException;
import io.modelhub.config.ConfigLoader;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config file is watched and re-read on SIGHUP; a valid file replaces the running one without dropping a request, an invalid one is refused. */
class ConfigReloadTest {
    static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    @TempDir
    Path dir;
    Path file;
    MockUpstream upstream;
    final List<String> logged = new CopyOnWriteArrayList<>();
    final Logger jul = Logger.getLogger("io.modelhub");
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void setUp() {
        upstream = new MockUpstream();
        file = dir.resolve("modelhub.yaml");
        jul.addHandler(capture);
    }

    @AfterEach
    void tearDown() {
        jul.removeHandler(capture);
        upstream.close();
    }

    String config(String models, String extra) {
        return extra + """
                providers:
                  - {id: acme, kind: openai, base_url: %s, api_key: k, timeouts: {connect_ms: 2000, first_byte_ms: 5000, idle_ms: 5000}}
                models:
                %s""".formatted(upstream.baseUrl(), models);
    }

    static String model(String id, double price) {
        return "  - {id: " + id + ", capabilities: [streaming], offerings: [{provider: acme, pricing: {input_per_mtok: " + price
                + ", output_per_mtok: " + price + "}}]}\n";
    }

    static void await(String what, BooleanSupplier done) throws InterruptedException {
        for (int i = 0; i < 3000 && !done.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertThat(done.getAsBoolean()).as(what).isTrue();
    }

    /** Writes the file as editors do: a new file renamed over the old one. */
    void save(String yaml) throws Exception {
        Path tmp = dir.resolve(".modelhub.yaml.tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aChangedFileIsPickedUpWithoutARestartOrARequest() throws Exception {
        Files.writeString(file, config(model("acme/one", 1), ""));
        try (TestHub hub = TestHub.startFromFile(file, Map.of())) {
            hub.hub().reloadOnChange(file, false);
            assertThat(hub.get("/v1/models/acme/two").status()).isEqualTo(404);
            Files.writeString(file, config(model("acme/one", 1) + model("acme/two", 1), ""));
            await("the new model appears", () -> hub.get("/v1/models/acme/two").status() == 200);
            assertThat(hub.post("/v1/chat/completions", CHAT.formatted("acme/two")).status()).isEqualTo(200);
        }
    }

    @Test
    void reloadUnderLoadDropsNoRequest() throws Exception {
        upstream.always(new MockUpstream.Answer("steady answer", 4, 15));
        Files.writeString(file, config(model("acme/one", 1), ""));
        try (TestHub hub = TestHub.startFromFile(file, Map.of())) {
            hub.hub().reloadOnChange(file, false);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger ok = new AtomicInteger();
            List<String> failures = new CopyOnWriteArrayList<>();
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                boolean streaming = t % 2 == 0;
                clients.add(Thread.ofVirtual().start(() -> {
                    while (!stop.get()) {
                        if (streaming) {
                            try (TestHub.StreamResponse s = hub.stream("/v1/chat/completions",
                                    CHAT.formatted("acme/one").replace("{\"model\"", "{\"stream\":true,\"model\""), TestHub.ADMIN_KEY)) {
                                List<String> data = s.rest();
                                if (s.status() == 200 && !data.isEmpty() && data.getLast().equals("[DONE]")
                                        && data.stream().noneMatch(d -> d.contains("\"error\""))) {
                                    ok.incrementAndGet();
                                } else {
                                    failures.add(s.status() + " " + data);
                                }
                            }
                        } else {
                            TestHub.Response r = hub.post("/v1/chat/completions", CHAT.formatted("acme/one"));
                            if (r.status() == 200) {
                                ok.incrementAndGet();
                            } else {
                                failures.add(r.status() + " " + r.body());
                            }
                        }
                    }
                }));
            }
            await("traffic flows", () -> ok.get() > 10);
            // New prices, a new model, new routing, then a changed provider (its timeouts): each one live while requests run.
            save(config(model("acme/one", 2) + model("acme/two", 2), "routing: {policy: price, max_attempts: 2}\n"));
            await("second model", () -> hub.get("/v1/models/acme/two").status() == 200);
            save(config(model("acme/one", 3) + model("acme/two", 3) + model("acme/three", 3), "")
                    .replace("first_byte_ms: 5000", "first_byte_ms: 6000"));
            await("third model", () -> hub.get("/v1/models/acme/three").status() == 200);
            int before = ok.get();
            await("traffic still flows", () -> ok.get() > before + 10);
            stop.set(true);
            for (Thread c : clients) {
                c.join();
            }
            assertThat(failures).isEmpty();
            assertThat(ok.get()).isGreaterThan(20);
        }
    }

    @Test
    void anInvalidFileIsRefusedWithTheStartUpMessageAndTheRunningConfigurationStays() throws Exception {
        Files.writeString(file, config(model("acme/kept", 1), ""));
        try (TestHub hub = TestHub.startFromFile(file, Map.of())) {
            hub.hub().reloadOnChange(file, false);
            String bad = config(model("acme/kept", 1), "routing: {policy: fastest}\n");
            String startUp;
            Path other = dir.resolve("other.yaml");
            Files.writeString(other, bad);
            try {
                new ConfigLoader(Map.of()).load(new ConfigLoader.Flags(other, 0, dir));
                throw new AssertionError("the bad file loaded");
            } catch (ConfigException e) {
                startUp = "modelhub: configuration error: " + e.getMessage().replace(other.toString(), file.toString());
            }
            save(bad);
            String expected = startUp;
            await("the refusal is logged", () -> logged.stream().anyMatch(m -> m.startsWith(expected)));
            assertThat(hub.get("/v1/models/acme/kept").status()).isEqualTo(200);
            assertThat(hub.post("/v1/chat/completions", CHAT.formatted("acme/kept")).status()).isEqualTo(200);
            TestHub.Response r = hub.post("/v1/catalog/reload", "");
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.json().path("error").path("message").asText()).contains(startUp.substring("modelhub: configuration error: ".length()));
        }
    }

    @Test
    void reloadedLimitsApplyToTheNextRequest() throws Exception {
        Files.writeString(file, config(model("acme/one", 1), ""));
        try (TestHub hub = TestHub.startFromFile(file, Map.of())) {
            for (int i = 0; i < 3; i++) {
                assertThat(hub.post("/v1/chat/completions", CHAT.formatted("acme/one")).status()).isEqualTo(200);
            }
            Files.writeString(file, config(model("acme/one", 1), "limits: {rpm: 2}\n"));
            assertThat(hub.post("/v1/catalog/reload", "").status()).isEqualTo(200);
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                statuses.add(hub.post("/v1/chat/completions", CHAT.formatted("acme/one")).status());
            }
            assertThat(statuses).containsExactly(200, 200, 429);
        }
    }

    @Test
    void sighupReReadsTheFile() throws Exception {
        Files.writeString(file, config(model("acme/one", 1), ""));
        try (TestHub hub = TestHub.startFromFile(file, Map.of())) {
            hub.hub().reloadOnChange(null, true);
            Files.writeString(file, config(model("acme/one", 1) + model("acme/hup", 1), ""));
            sun.misc.Signal.raise(new sun.misc.Signal("HUP"));
            await("the model appears after SIGHUP", () -> hub.get("/v1/models/acme/hup").status() == 200);
        }
    }
}
