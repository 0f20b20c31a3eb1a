package io.modelhub.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on a free loopback port that speaks one provider's wire format ({@link Wire}: the
 * OpenAI chat completions one unless told otherwise), JSON and streams, and can be told to misbehave.
 * It records every request it receives.
 */
public final class MockUpstream implements AutoCloseable {
    /** How the next calls are answered. */
    public sealed interface Behaviour {}

    /** A normal answer; the stream sends {@code tokens} content chunks, {@code delayMs} apart. */
    public record Answer(String text, int tokens, long delayMs) implements Behaviour {}

    /** A non-2xx status with an OpenAI error body and optional Retry-After seconds. */
    public record Fail(int status, String retryAfter) implements Behaviour {}

    /** Waits before sending the response headers (slow first byte). */
    public record SlowHeaders(long delayMs, Answer then) implements Behaviour {}

    /** Sends headers then waits before the first event (slow first chunk). */
    public record SlowFirstChunk(long delayMs, Answer then) implements Behaviour {}

    /** Streams {@code chunksBeforeDeath} chunks then cuts the connection (0: right after the headers). */
    public record DieMidStream(int chunksBeforeDeath) implements Behaviour {}

    /** Answers 200 with a body that is not JSON. */
    public record InvalidJson() implements Behaviour {}

    /** Closes the connection without any response. */
    public record Reset() implements Behaviour {}

    /** Answers exactly this: {@code body} when not streaming, else these SSE data payloads and {@code [DONE]}. */
    public record Raw(String body, List<String> events) implements Behaviour {}

    /** Streams exactly these chunk payloads (each one {@code data:} event), then {@code [DONE]}; whole, the last one is the body. */
    public record Chunks(List<String> data) implements Behaviour {}

    /** One request as received; {@code headers} by lower-case name. */
    public record Received(String path, String authorization, JsonNode body, String raw, Map<String, String> headers) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final ServerSocket socket;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Behaviour> script = new ConcurrentLinkedQueue<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile Behaviour fallback = new Answer("Hello from the mock", 5, 0);
    private final AtomicInteger cancelled = new AtomicInteger();
    private volatile CountDownLatch release = new CountDownLatch(0);
    private volatile String modelsJson = "{\"object\":\"list\",\"data\":[{\"id\":\"mock-model\",\"object\":\"model\",\"created\":0,\"owned_by\":\"mock\"}]}";
    private volatile int modelsStatus = 200;
    private volatile boolean recording = true;
    private volatile boolean dropIdleConnections;
    private final AtomicInteger connections = new AtomicInteger();
    private final Wire wire;

    public MockUpstream() {
        this(0);
    }

    /** A mock that speaks this provider wire format. */
    public MockUpstream(Wire wire) {
        this(0, wire);
    }

    public MockUpstream(int port) {
        this(port, new OpenAiWire());
    }

    public MockUpstream(int port, Wire wire) {
        this.wire = wire;
        try {
            socket = new ServerSocket();
            socket.bind(new InetSocketAddress("127.0.0.1", port), 1024);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread.ofVirtual().name("mock-upstream-accept").start(this::accept);
    }

    /** Stops keeping a copy of each request (for long benchmark runs). */
    public MockUpstream noRecording() {
        recording = false;
        return this;
    }

    public int port() {
        return socket.getLocalPort();
    }

    public String baseUrl() {
        return wire.baseUrl("http://127.0.0.1:" + port());
    }

    public Wire wire() {
        return wire;
    }

    /** The YAML of one provider {@code id} of this mock's kind, indented as an item of {@code providers:}. */
    public String providerYaml(String id) {
        return wire.providerYaml(id, this);
    }

    /** Every call from now on behaves like this (until scripted behaviours say otherwise). */
    public MockUpstream always(Behaviour b) {
        this.fallback = b;
        return this;
    }

    /** The next calls behave like these, in order; then {@link #always} applies again. */
    public MockUpstream then(Behaviour... bs) {
        script.addAll(List.of(bs));
        return this;
    }

    public MockUpstream models(int status, String body) {
        this.modelsStatus = status;
        this.modelsJson = body;
        return this;
    }

    /** Streams wait before their last content chunk until {@link #releaseStreams()} (proves relaying is incremental). */
    public void holdStreams() {
        release = new CountDownLatch(1);
    }

    public void releaseStreams() {
        release.countDown();
    }

    public List<Received> received() {
        return received;
    }

    public Received last() {
        return received.getLast();
    }

    /** How many connections clients have opened so far. */
    public int connections() {
        return connections.get();
    }

    /** Closes every connection right after its response, without saying so (as a server whose idle timeout fired would). */
    public MockUpstream dropIdleConnections() {
        dropIdleConnections = true;
        return this;
    }

    /** How many answers could not be written to the end because the client went away. */
    public int cancelledStreams() {
        return cancelled.get();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                connections.incrementAndGet();
                s.setTcpNoDelay(true);
                open.add(s);
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 16384);
            while (true) {
                String requestLine = line(in);
                if (requestLine == null || requestLine.isEmpty()) {
                    return;
                }
                Map<String, String> headers = new HashMap<>();
                String h;
                while ((h = line(in)) != null && !h.isEmpty()) {
                    int colon = h.indexOf(':');
                    headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
                }
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                byte[] body = in.readNBytes(length);
                String path = requestLine.split(" ")[1];
                boolean keepOpen;
                if (path.startsWith("/v1/models")) {
                    keepOpen = plain(out, modelsStatus, modelsJson, null);
                } else {
                    keepOpen = chat(s, out, path, headers, new String(body, StandardCharsets.UTF_8));
                }
                if (!keepOpen || dropIdleConnections) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the peer went away or the test closed the server
        } finally {
            open.remove(s);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int n = sb.length();
                if (n > 0 && sb.charAt(n - 1) == '\r') {
                    sb.setLength(n - 1);
                }
                return sb.toString();
            }
            sb.append((char) c);
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    private boolean plain(OutputStream out, int status, String body, String retryAfter) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n"
                + (retryAfter != null ? "Retry-After: " + retryAfter + "\r\n" : "") + "\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
        return true;
    }

    private boolean chat(Socket s, OutputStream out, String path, Map<String, String> headers, String raw) throws IOException {
        JsonNode body = json.readTree(raw);
        if (recording) {
            received.add(new Received(path, headers.get("authorization"), body, raw, Map.copyOf(headers)));
        }
        Behaviour b = script.poll();
        if (b == null) {
            b = fallback;
        }
        boolean stream = wire.streams(path, body);
        String model = wire.model(path, body);
        if (path.endsWith("/embeddings") && b instanceof Answer) {
            return plain(out, 200, embeddings(model, body), null);
        }
        try {
            return respond(s, out, b, stream, model, body);
        } catch (IOException e) {
            cancelled.incrementAndGet();
            throw e;
        }
    }

    private boolean respond(Socket s, OutputStream out, Behaviour b, boolean stream, String model, JsonNode body) throws IOException {
        switch (b) {
            case Fail f -> {
                return plain(out, f.status(), wire.error(f.status()), f.retryAfter());
            }
            case SlowHeaders sh -> {
                sleep(sh.delayMs());
                return respond(s, out, sh.then(), stream, model, body);
            }
            case InvalidJson ij -> {
                if (stream) {
                    chunkedHead(out);
                    chunk(out, wire.garbageEvent());
                    chunk(out, new byte[0]);
                    out.flush();
                    return true;
                }
                return plain(out, 200, "this is not json{", null);
            }
            case Reset r -> {
                s.setSoLinger(true, 0);
                s.close();
                return false;
            }
            case DieMidStream d -> {
                chunkedHead(out);
                for (byte[] f : wire.partialStream(model, d.chunksBeforeDeath(), body)) {
                    chunk(out, f);
                }
                out.flush();
                sleep(50);
                s.setSoLinger(true, 0);
                s.close();
                return false;
            }
            case SlowFirstChunk sf -> {
                if (!stream) {
                    sleep(sf.delayMs());
                    return respond(s, out, sf.then(), false, model, body);
                }
                chunkedHead(out);
                out.flush();
                sleep(sf.delayMs());
                streamBody(out, sf.then(), model, body);
                return true;
            }
            case Chunks c -> {
                if (!stream) {
                    return plain(out, 200, c.data().getLast(), null);
                }
                chunkedHead(out);
                for (String d : c.data()) {
                    chunk(out, Wire.sse(d));
                    out.flush();
                }
                chunk(out, "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
                chunk(out, new byte[0]);
                out.flush();
                return true;
            }
            case Raw raw -> {
                if (!stream) {
                    return plain(out, 200, raw.body(), null);
                }
                chunkedHead(out);
                for (String e : raw.events()) {
                    chunk(out, Wire.sse(e));
                }
                chunk(out, "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
                chunk(out, new byte[0]);
                out.flush();
                return true;
            }
            case Answer a -> {
                if (stream) {
                    chunkedHead(out);
                    streamBody(out, a, model, body);
                    return true;
                }
                return plain(out, 200, wire.completion(model, a.text(), body), null);
            }
        }
    }

    private void chunkedHead(OutputStream out) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + wire.streamContentType() + "\r\nTransfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    private static void chunk(OutputStream out, byte[] b) throws IOException {
        out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private void streamBody(OutputStream out, Answer a, String model, JsonNode body) throws IOException {
        for (byte[] f : wire.streamStart(model, body)) {
            chunk(out, f);
        }
        out.flush();
        for (int i = 0; i < a.tokens(); i++) {
            if (i == a.tokens() - 1) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            sleep(a.delayMs());
            for (byte[] f : wire.streamToken(model, i, "t" + i + " ", body)) {
                chunk(out, f);
            }
            out.flush();
        }
        for (byte[] f : wire.streamEnd(model, a.tokens(), body)) {
            chunk(out, f);
        }
        chunk(out, new byte[0]);
        out.flush();
    }

    /** An OpenAI embeddings answer: one 3-dimensional vector per input, 3 prompt tokens per input. */
    private static String embeddings(String model, JsonNode body) {
        JsonNode input = body.path("input");
        int n = input.isArray() && !input.isEmpty() && !input.get(0).isNumber() ? input.size() : 1;
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < n; i++) {
            data.append(i == 0 ? "" : ",").append("{\"object\":\"embedding\",\"index\":").append(i)
                    .append(",\"embedding\":[0.6,0.0,0.8]}");
        }
        return "{\"object\":\"list\",\"data\":[" + data + "],\"model\":\"" + model
                + "\",\"usage\":{\"prompt_tokens\":" + (3 * n) + ",\"total_tokens\":" + (3 * n) + "}}";
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        release.countDown();
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
