package io.modelhub.bench;

import com.sun.net.httpserver.HttpServer;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

/**
 * What tracing costs per chat completion: two hubs in this JVM in front of the same mock upstream, one with
 * tracing off and one exporting every span over OTLP/HTTP to an in-process sink, driven in turn by one
 * sequential client. Reports the process CPU time per request (robust to other load on the machine, which
 * moves wall times far more than the few microseconds measured) and the wall-clock p50. Run by bench/tracing/run.sh.
 */
public final class TracingBench {
    private TracingBench() {}

    public static void main(String[] args) throws Exception {
        int perRound = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        sink.createContext("/v1/traces", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        sink.start();
        try (MockUpstream upstream = new MockUpstream().noRecording();
             TestHub off = TestHub.start(TestHub.oneProvider("mock", upstream, "bench/echo") + "usage: {enabled: false}\n");
             TestHub on = TestHub.start("telemetry: {otlp_endpoint: \"http://127.0.0.1:" + sink.getAddress().getPort() + "\"}\n"
                     + TestHub.oneProvider("mock", upstream, "bench/echo") + "usage: {enabled: false}\n")) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            run(http, off, perRound);
            run(http, on, perRound);
            double[] cpuOff = new double[rounds];
            double[] cpuOn = new double[rounds];
            long[] p50Off = new long[rounds];
            long[] p50On = new long[rounds];
            for (int r = 0; r < rounds; r++) {
                long c0 = os.getProcessCpuTime();
                p50Off[r] = run(http, off, perRound);
                long c1 = os.getProcessCpuTime();
                p50On[r] = run(http, on, perRound);
                long c2 = os.getProcessCpuTime();
                cpuOff[r] = (c1 - c0) / 1000.0 / perRound;
                cpuOn[r] = (c2 - c1) / 1000.0 / perRound;
                System.out.printf("round %d: tracing off %.1f us CPU/request (p50 %d us), on %.1f us CPU/request (p50 %d us)%n",
                        r + 1, cpuOff[r], p50Off[r], cpuOn[r], p50On[r]);
            }
            Arrays.sort(cpuOff);
            Arrays.sort(cpuOn);
            Arrays.sort(p50Off);
            Arrays.sort(p50On);
            System.out.printf("median of %d rounds x %d requests: CPU/request off %.1f us, on %.1f us (+%.1f us, +%.0f%%); p50 off %d us, on %d us%n",
                    rounds, perRound, cpuOff[rounds / 2], cpuOn[rounds / 2], cpuOn[rounds / 2] - cpuOff[rounds / 2],
                    100 * (cpuOn[rounds / 2] - cpuOff[rounds / 2]) / cpuOff[rounds / 2], p50Off[rounds / 2], p50On[rounds / 2]);
        } finally {
            sink.stop(0);
        }
    }

    /** {@code n} sequential chat completions; returns their p50 in microseconds. */
    private static long run(HttpClient http, TestHub hub, int n) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TestHub.ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"bench/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
        long[] took = new long[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            took[i] = (System.nanoTime() - t) / 1000;
            if (r.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + r.statusCode() + ": " + new String(r.body()));
            }
        }
        Arrays.sort(took);
        return took[n / 2];
    }
}
