import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelhub.server.Hub;
import io.modelhub.config.ConfigLoader;
import io.modelhub.config.HubConfig;
import io.modelhub.store.Store;
import io.modelhub.usage.UsageRecord;
import io.modelhub.usage.UsageStore;
import io.modelhub.usage.UsageWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Usage metering benchmark. Part 1: how many usage records per second the background writer stores
 * (SQLite, PostgreSQL), producers pushing as fast as they can through the default queue. Part 2: the
 * latency of sequential chat completions on two hubs in one JVM, metering on and off, against the
 * sandbox provider (no network upstream, so the hub's own cost is all there is to see).
 *
 * <p>Run by bench/usage/run.sh. Arguments: records per store, warm-up requests per hub, measured requests as a
 * multiple of the warm-up (so 2000 and 5: 2000 warm-up, then 10000 measured, per hub).
 */
public final class UsageBench {
    static final String ADMIN_KEY = "mh-bench.0123456789abcdef0123456789abcdef";

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        String pg = System.getProperty("bench.postgres", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

        System.out.println("## writer throughput (" + records + " records, 4 producer threads, default usage config)");
        Path dir = Files.createTempDirectory("usage-bench");
        try (Store sqlite = Store.open("jdbc:sqlite:" + dir.resolve("bench.db"))) {
            writerThroughput("SQLite", sqlite, records);
        }
        String schema = "bench_" + Long.toHexString(System.nanoTime());
        try (Store postgres = Store.open(pg, schema)) {
            writerThroughput("PostgreSQL", postgres, records);
        } finally {
            try (Connection c = DriverManager.getConnection(pg); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }

        System.out.println();
        System.out.println("## request latency, metering on vs off (" + requests * rounds
                + " sequential non-streaming requests per hub, alternating between the hubs, sandbox provider, after "
                + requests + " warm-up requests each)");
        latency(requests, rounds);
    }

    static void writerThroughput(String name, Store store, int n) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        UsageWriter writer = new UsageWriter(new UsageStore(store), HubConfig.Usage.DEFAULT, meters);
        int producers = 4;
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int pp = p;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = pp; i < n; i += producers) {
                    writer.onUsage(new UsageRecord(UsageRecord.newId(), System.currentTimeMillis(), "key" + (i % 10),
                            "acme/chat-" + (i % 5), "provider" + (i % 3), null, null, null, false, 100 + i % 50, 200 + i % 70,
                            0.0001 * (i % 9), 120 + i % 40, 30L, 200, null, "req_" + i));
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        writer.flush();
        double seconds = (System.nanoTime() - start) / 1e9;
        writer.close();
        long stored = new UsageStore(store).count();
        System.out.printf("%-10s %,d records stored in %.2f s = %,.0f records/s (queue-full events %,.0f, written on the caller's thread %,.0f)%n",
                name, stored, seconds, stored / seconds,
                meters.get("modelhub.usage.queue.full").counter().count(),
                meters.get("modelhub.usage.records.written").tag("path", "direct").counter().count());
    }

    static void latency(int requests, int rounds) throws Exception {
        Hub on = hub(true);
        Hub off = hub(false);
        HttpClient http = HttpClient.newHttpClient();
        try {
            Call callOn = new Call(http, on);
            Call callOff = new Call(http, off);
            for (int i = 0; i < requests; i++) {
                callOn.time();
                callOff.time();
            }
            int n = requests * rounds;
            long[] onTimes = new long[n];
            long[] offTimes = new long[n];
            // One request to each hub in turn, the order swapped every time, so that drift (JIT, GC, the
            // neighbours' load) and any first-or-second effect hit both alike.
            for (int i = 0; i < n; i++) {
                if (i % 2 == 0) {
                    onTimes[i] = callOn.time();
                    offTimes[i] = callOff.time();
                } else {
                    offTimes[i] = callOff.time();
                    onTimes[i] = callOn.time();
                }
            }
            report("metering on ", onTimes);
            report("metering off", offTimes);
            on.usageWriter().flush();
            System.out.println("usage records stored by the metering-on hub: " + new UsageStore(on.store()).count()
                    + " (warm-up included); by the metering-off hub: " + new UsageStore(off.store()).count());
        } finally {
            on.close();
            off.close();
        }
    }

    static Hub hub(boolean usage) throws Exception {
        Path dir = Files.createTempDirectory("usage-bench-hub");
        String yaml = "usage: {enabled: " + usage + "}\n";
        HubConfig cfg = new ConfigLoader(Map.of("MODELHUB_ADMIN_KEY", ADMIN_KEY)).parse("bench.yaml", yaml,
                new ConfigLoader.Flags(null, 0, dir));
        return new Hub(cfg).start();
    }

    /** One sequential chat completion against one hub, timed. */
    record Call(HttpClient http, HttpRequest request) {
        Call(HttpClient http, Hub hub) {
            this(http, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"sandbox/chat\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello, hub! How are you today?\"}]}"))
                    .build());
        }

        long time() throws Exception {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            long t = System.nanoTime() - t0;
            if (r.statusCode() != 200) {
                throw new IllegalStateException("status " + r.statusCode() + ": " + new String(r.body()));
            }
            return t;
        }
    }

    static void report(String name, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        double mean = Arrays.stream(s).average().orElse(0) / 1000.0;
        System.out.printf("%s  n=%,d  p50 %.0f us  p90 %.0f us  p99 %.0f us  mean %.0f us%n", name, s.length,
                pct(s, 0.50), pct(s, 0.90), pct(s, 0.99), mean);
    }

    static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1000.0;
    }
}
