package io.modelhub.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.testing.TestHub;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A hub in its own JVM, under load, gets SIGTERM: every request that got an answer has its usage
 * record in the store afterwards, and the answers in flight were finished, not cut.
 */
class ShutdownLosesNoUsageTest {
    static final String BODY = "{\"model\":\"sandbox/chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"one two three four five six seven eight nine ten eleven twelve\"}]}";

    @Test
    void sigtermDuringLoadLosesNoUsageRecord() throws Exception {
        Path dir = Files.createTempDirectory("modelhub-sigterm");
        Path config = dir.resolve("hub.yaml");
        // Streams take about 0.4 s, and the writer holds records up to 2 s: SIGTERM finds both in flight.
        Files.writeString(config, "sandbox: {token_delay_ms: 25}\nusage: {flush_interval_ms: 2000, batch_size: 1000}\n");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.modelhub.server.ModelHub", "serve", "--config", config.toString(), "--port", Integer.toString(port),
                "--data-dir", dir.toString());
        pb.environment().put("MODELHUB_ADMIN_KEY", TestHub.ADMIN_KEY);
        pb.environment().remove("MODELHUB_STORE_URL");
        pb.environment().remove("MODELHUB_CONFIG");
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("hub.log").toFile());
        Process hub = pb.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            URI chat = URI.create("http://127.0.0.1:" + port + "/v1/chat/completions");
            awaitReady(http, port);

            AtomicInteger answered = new AtomicInteger();
            AtomicInteger completed = new AtomicInteger();
            AtomicInteger inFlight = new AtomicInteger();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 12; c++) {
                clients.add(Thread.ofVirtual().start(() -> {
                    while (true) {
                        inFlight.incrementAndGet();
                        try {
                            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(chat).timeout(Duration.ofSeconds(30))
                                    .header("Authorization", "Bearer " + TestHub.ADMIN_KEY).header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofInputStream());
                            answered.incrementAndGet();
                            if (readToDone(r.body())) {
                                completed.incrementAndGet();
                            }
                        } catch (IOException e) {
                            return; // the hub stopped listening
                        } catch (InterruptedException e) {
                            return;
                        } finally {
                            inFlight.decrementAndGet();
                        }
                    }
                }));
            }
            Thread.sleep(1500);
            int inFlightAtSigterm = inFlight.get();
            hub.destroy(); // SIGTERM
            for (Thread t : clients) {
                t.join(Duration.ofSeconds(60));
            }
            assertThat(hub.waitFor(60, TimeUnit.SECONDS)).as("hub exits").isTrue();

            assertThat(inFlightAtSigterm).isPositive();
            assertThat(answered.get()).isPositive();
            assertThat(completed.get()).as("answers in flight at SIGTERM finish").isEqualTo(answered.get());
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("modelhub.db"));
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM usage_records")) {
                rs.next();
                assertThat(rs.getLong(1)).as("usage records").isEqualTo(answered.get());
            }
        } finally {
            if (hub.isAlive()) {
                hub.destroyForcibly();
            }
        }
    }

    private static boolean readToDone(InputStream body) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            boolean done = false;
            while ((line = r.readLine()) != null) {
                done |= line.equals("data: [DONE]");
            }
            return done;
        }
    }

    private static void awaitReady(HttpClient http, int port) throws InterruptedException {
        URI ready = URI.create("http://127.0.0.1:" + port + "/health/ready");
        for (int i = 0; i < 300; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the hub did not become ready");
    }
}
