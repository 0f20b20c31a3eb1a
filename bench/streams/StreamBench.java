import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The streams-at-scale benchmark's two halves, one file run by the Java source launcher:
 *
 * <pre>
 *   java StreamBench.java upstream PORT CHUNKS INTERVAL_MS   # a slow OpenAI-compatible SSE upstream
 *   java StreamBench.java client URL STREAMS KEY              # opens STREAMS streams at once, prints the figures
 * </pre>
 *
 * The upstream answers every POST with an SSE chat-completion stream of CHUNKS content chunks
 * INTERVAL_MS apart, then a usage chunk and {@code [DONE]}, over chunked HTTP/1.1 with keep-alive. The
 * client opens every stream on a new connection (one virtual thread each, all released together) and
 * measures, per stream, the time to its first content event and to {@code [DONE]}; it prints one line:
 * {@code completed failed ttft_p50_ms ttft_p99_ms dur_p50_ms dur_p99_ms}.
 */
public class StreamBench {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "upstream" -> upstream(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]));
            case "client" -> client(URI.create(args[1]), Integer.parseInt(args[2]), args.length > 3 ? args[3] : "");
            default -> throw new IllegalArgumentException("upstream|client");
        }
    }

    // ---------------------------------------------------------------- upstream

    static void upstream(int port, int chunks, long intervalMs) throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress("127.0.0.1", port), 16384);
            System.out.println("upstream listening on " + port);
            while (true) {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> serve(s, chunks, intervalMs));
            }
        }
    }

    static void serve(Socket s, int chunks, long intervalMs) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                int length = readHead(in);
                if (length < 0) {
                    return;
                }
                in.skipNBytes(length);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String id = "chatcmpl-bench";
                chunk(out, "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"bench-upstream\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
                for (int i = 0; i < chunks; i++) {
                    Thread.sleep(intervalMs);
                    chunk(out, "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"bench-upstream\","
                            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok" + i + " \"},\"finish_reason\":null}]}\n\n");
                }
                chunk(out, "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"bench-upstream\","
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                        + "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"bench-upstream\","
                        + "\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":" + chunks + ",\"total_tokens\":" + (12 + chunks) + "}}\n\n"
                        + "data: [DONE]\n\n");
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        }
    }

    static void chunk(OutputStream out, String data) throws IOException {
        byte[] b = data.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads one request head; returns its Content-Length (0 if none), or -1 at end of stream. */
    static int readHead(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int length = 0;
        boolean any = false;
        while (true) {
            int c = in.read();
            if (c < 0) {
                return -1;
            }
            any = true;
            if (c == '\n') {
                String l = line.toString().trim();
                line.setLength(0);
                if (l.isEmpty()) {
                    return length;
                }
                int colon = l.indexOf(':');
                if (colon > 0 && l.substring(0, colon).equalsIgnoreCase("content-length")) {
                    length = Integer.parseInt(l.substring(colon + 1).trim());
                }
            } else if (c != '\r') {
                line.append((char) c);
            }
            if (!any) {
                return -1;
            }
        }
    }

    // ---------------------------------------------------------------- client

    static void client(URI url, int streams, String key) throws Exception {
        String body = "{\"model\":\"bench/stream\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"stream to me\"}]}";
        byte[] request = ("POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                + "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n"
                + (key.isEmpty() ? "" : "Authorization: Bearer " + key + "\r\n")
                + "x-portkey-provider: openai\r\nx-portkey-custom-host: " + System.getProperty("bench.customHost", "") + "\r\n"
                + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
        long[] ttft = new long[streams];
        long[] duration = new long[streams];
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(streams);
        List<Thread> threads = new ArrayList<>(streams);
        for (int i = 0; i < streams; i++) {
            int n = i;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    long start = System.nanoTime();
                    long first = one(url, request);
                    long end = System.nanoTime();
                    ttft[n] = first - start;
                    duration[n] = end - start;
                } catch (Exception e) {
                    failed.incrementAndGet();
                    ttft[n] = -1;
                } finally {
                    done.countDown();
                }
            }));
        }
        go.countDown();
        done.await();
        long[] okTtft = Arrays.stream(ttft).filter(t -> t > 0).sorted().toArray();
        long[] okDur = new long[okTtft.length];
        int j = 0;
        for (int i = 0; i < streams; i++) {
            if (ttft[i] > 0) {
                okDur[j++] = duration[i];
            }
        }
        Arrays.sort(okDur);
        System.out.printf("%d %d %.0f %.0f %.0f %.0f%n", okTtft.length, failed.get(),
                pct(okTtft, 50), pct(okTtft, 99), pct(okDur, 50), pct(okDur, 99));
    }

    /** One stream: returns the nanoTime of its first content event; throws unless it reaches {@code [DONE]}. */
    static long one(URI url, byte[] request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(url.getHost(), url.getPort()), 30_000);
            s.setSoTimeout(60_000);
            s.getOutputStream().write(request);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[16384];
            StringBuilder seen = new StringBuilder();
            long first = 0;
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    throw new IOException("stream ended before [DONE]: " + seen.substring(0, Math.min(200, seen.length())));
                }
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                if (first == 0 && seen.indexOf("\"content\":\"tok") >= 0) {
                    first = System.nanoTime();
                }
                if (seen.indexOf("data: [DONE]") >= 0) {
                    if (first == 0 || !seen.substring(0, 12).startsWith("HTTP/1.1 200")) {
                        throw new IOException("no content or not 200: " + seen.substring(0, Math.min(200, seen.length())));
                    }
                    return first;
                }
                if (seen.length() > 8192) {
                    // keep only the tail: the markers are short
                    String head = seen.substring(0, 12);
                    String tail = seen.substring(seen.length() - 64);
                    seen.setLength(0);
                    seen.append(head).append(tail);
                }
            }
        }
    }

    static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }
}
