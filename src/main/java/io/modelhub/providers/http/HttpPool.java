package io.modelhub.providers.http;

import io.modelhub.providers.ConnectionGate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Keep-alive HTTP/1.1 connections to one upstream origin (http or https), reused most-recent-first.
 *
 * <p>Why not a general-purpose client: on the hub's hot path every microsecond counts, and the
 * upstream exchange is always the same shape (POST a JSON body, read JSON or SSE back). Writing the
 * request head once per provider and parsing only the headers the hub needs cut the per-call CPU cost
 * several times against the general client (see docs/benchmarks.md). Blocking sockets suit virtual
 * threads; read timeouts are plain socket timeouts, changed per phase (first byte, then idle).
 */
public final class HttpPool implements AutoCloseable {
    private static final long MAX_IDLE_NANOS = 30_000_000_000L;
    private static final long SPIN_NANOS = 200_000L;
    private static final int SPIN_WHILE_ACTIVE_AT_MOST = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

    private final String host;
    private final int port;
    private final boolean tls;
    private final String basePath;
    private final int connectTimeoutMs;
    private final int maxIdle;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();
    private final SSLSocketFactory tlsFactory;
    private final ProxyConfig.Proxy proxy;
    private final ConnectionGate gate;
    private final java.util.concurrent.ScheduledFuture<?> sweeper;
    private volatile boolean closed;

    public HttpPool(String baseUrl, int connectTimeoutMs, int maxIdle) {
        this(baseUrl, connectTimeoutMs, maxIdle, ProxyConfig.NONE);
    }

    /** A pool that reaches the origin through the proxy {@code proxies} names for it (CONNECT tunnels for https). */
    public HttpPool(String baseUrl, int connectTimeoutMs, int maxIdle, ProxyConfig proxies) {
        this(baseUrl, connectTimeoutMs, maxIdle, proxies, ConnectionGate.UNLIMITED);
    }

    /** A pool whose exchanges in flight are bounded by {@code gate}: each takes a slot before it sends and gives it back when it ends. */
    public HttpPool(String baseUrl, int connectTimeoutMs, int maxIdle, ProxyConfig proxies, ConnectionGate gate) {
        this.gate = gate;
        URI uri = URI.create(baseUrl);
        this.tls = "https".equalsIgnoreCase(uri.getScheme());
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : (tls ? 443 : 80);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.connectTimeoutMs = connectTimeoutMs;
        this.maxIdle = maxIdle;
        this.tlsFactory = tls ? (SSLSocketFactory) SSLSocketFactory.getDefault() : null;
        this.proxy = proxies.forHost(host, tls);
        this.sweeper = SWEEPS.scheduleWithFixedDelay(this::sweep, SWEEP_EVERY_MS, SWEEP_EVERY_MS,
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    // One daemon thread for every pool's sweep; the probes themselves run on virtual threads.
    private static final long SWEEP_EVERY_MS = 2000;
    private static final long PROBE_AFTER_IDLE_NANOS = 1_000_000_000L;
    private static final java.util.concurrent.ScheduledExecutorService SWEEPS =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("modelhub-pool-sweeper").factory());

    /**
     * Closes the idle connections the upstream has closed (they would sit in CLOSE-WAIT until reused, holding
     * a file descriptor each) and those idle past the limit; every two seconds, for connections idle a second or more. Each idle connection is taken out of the pool
     * while it is probed, so no exchange can pick it up meanwhile.
     */
    void sweep() {
        if (closed || idleCount.get() == 0) {
            return;
        }
        long now = System.nanoTime();
        java.util.List<Connection> taken = new java.util.ArrayList<>();
        for (Connection c : idle) {
            // connections in use moments ago are left alone: taking them out would make the next calls open new ones
            if (now - c.idleSinceNanos() >= PROBE_AFTER_IDLE_NANOS && idle.remove(c)) {
                idleCount.decrementAndGet();
                taken.add(c);
            }
        }
        java.util.List<Thread> probes = new java.util.ArrayList<>(taken.size());
        java.util.Set<Connection> alive = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (Connection c : taken) {
            probes.add(Thread.ofVirtual().start(() -> {
                if (now - c.idleSinceNanos() >= MAX_IDLE_NANOS || c.peerClosed()) {
                    c.close();
                } else {
                    alive.add(c);
                }
            }));
        }
        for (Thread t : probes) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        // back in their old order (most recently used first), behind any connection released meanwhile
        for (Connection c : taken) {
            if (alive.contains(c)) {
                if (closed || idleCount.get() >= maxIdle) {
                    c.close();
                } else {
                    idleCount.incrementAndGet();
                    idle.offerLast(c);
                }
            }
        }
    }

    /** The request head's first lines for {@code method path}: request line and Host. */
    public String requestLine(String method, String path) {
        String hostHeader = (port == 80 && !tls) || (port == 443 && tls) ? host : host + ":" + port;
        if (proxy != null && !tls) {
            // Through a plain-http proxy the request line names the whole URL.
            return method + " http://" + hostHeader + basePath + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\n"
                    + (proxy.authorization() == null ? "" : "Proxy-Authorization: " + proxy.authorization() + "\r\n");
        }
        return method + " " + basePath + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\n";
    }

    /**
     * Sends one request ({@code head} is the complete request head, ending with an empty line) and
     * reads the response head, waiting at most {@code firstByteMs} for it. A pooled connection that
     * turns out to have been closed by the server while idle is replaced once, transparently: nothing
     * of the request can have been processed then. The exchange holds a slot of the gate until it is
     * closed; when no slot can be had, {@link ConnectionGate.Refused} and nothing was sent.
     */
    public Exchange send(String head, byte[] body, int firstByteMs) throws IOException {
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        gate.enter();
        // Few calls in flight: the cores are idle, and busy-waiting briefly for a fast upstream's answer
        // beats parking and being woken (see Connection.spin). Many in flight: never spin.
        // Not over TLS: there available() sees no bytes until a read decrypts them, so spinning would only burn time.
        boolean spin = active.incrementAndGet() <= SPIN_WHILE_ACTIVE_AT_MOST && !tls;
        try {
            return sendCounted(headBytes, body, firstByteMs, spin ? SPIN_NANOS : 0);
        } catch (IOException | RuntimeException | Error e) {
            // No exchange was made, so none will end: its slot is given back here, the one place for this path.
            active.decrementAndGet();
            gate.leave();
            throw e;
        }
    }

    /** An exchange has ended (closed or failed): it no longer counts as in flight, and its slot is free. */
    void ended() {
        active.decrementAndGet();
        gate.leave();
    }

    private Exchange sendCounted(byte[] headBytes, byte[] body, int firstByteMs, long spinNanos) throws IOException {
        Connection c = acquire();
        c.spin(spinNanos);
        try {
            return exchange(c, headBytes, body, firstByteMs);
        } catch (SocketTimeoutException e) {
            c.close();
            throw e;
        } catch (IOException e) {
            c.close();
            if (!c.reused()) {
                throw e;
            }
            Connection fresh = open();
            fresh.spin(spinNanos);
            try {
                return exchange(fresh, headBytes, body, firstByteMs);
            } catch (IOException again) {
                fresh.close();
                throw again;
            }
        }
    }

    private Exchange exchange(Connection c, byte[] head, byte[] body, int firstByteMs) throws IOException {
        c.readTimeout(firstByteMs);
        c.write(head, body);
        StringBuilder sb = new StringBuilder(64);
        String statusLine = c.readLine(sb);
        if (!statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x response: '" + abbreviate(statusLine) + "'");
        }
        int status;
        try {
            status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (RuntimeException e) {
            throw new IOException("bad status line '" + abbreviate(statusLine) + "'");
        }
        Map<String, String> headers = new HashMap<>(16);
        String line;
        while (!(line = c.readLine(sb)).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        String connection = headers.get("connection");
        boolean keepAlive = statusLine.startsWith("HTTP/1.1") && (connection == null || !connection.toLowerCase(Locale.ROOT).contains("close"));
        return new Exchange(this, c, status, headers, keepAlive);
    }

    private Connection acquire() throws IOException {
        long now = System.nanoTime();
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            if (c.isOpen() && now - c.idleSinceNanos() < MAX_IDLE_NANOS) {
                return c;
            }
            c.close();
        }
        return open();
    }

    private Connection open() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            if (proxy == null) {
                s.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            } else {
                s.connect(new InetSocketAddress(proxy.host(), proxy.port()), connectTimeoutMs);
                if (tls) {
                    tunnel(s);
                }
            }
            if (tls) {
                SSLSocket ssl = (SSLSocket) tlsFactory.createSocket(s, host, port, true);
                SSLParameters params = ssl.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(params);
                ssl.setSoTimeout(connectTimeoutMs);
                ssl.startHandshake();
                return new Connection(ssl);
            }
            return new Connection(s);
        } catch (IOException e) {
            s.close();
            if (e instanceof SocketTimeoutException) {
                throw new java.net.ConnectException("connect timed out after " + connectTimeoutMs + " ms");
            }
            throw e;
        }
    }

    /** Asks the proxy for a tunnel to the origin ({@code CONNECT host:port}) and reads its answer head. */
    private void tunnel(Socket s) throws IOException {
        s.setSoTimeout(connectTimeoutMs);
        String req = "CONNECT " + host + ":" + port + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n"
                + (proxy.authorization() == null ? "" : "Proxy-Authorization: " + proxy.authorization() + "\r\n") + "\r\n";
        s.getOutputStream().write(req.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        // Read byte by byte up to the empty line: nothing of the tunnelled TLS stream may be consumed.
        java.io.InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new java.net.ConnectException("the proxy " + proxy + " closed the connection during CONNECT");
            }
            if (head.length() > 16384) {
                throw new java.net.ConnectException("the proxy " + proxy + " sent an over-long answer to CONNECT");
            }
            head.append((char) b);
        }
        String status = head.substring(0, Math.max(0, head.indexOf("\r\n")));
        if (status.length() < 12 || !status.startsWith("HTTP/1.") || status.charAt(9) != '2') {
            throw new java.net.ConnectException("the proxy " + proxy + " refused the tunnel: '" + abbreviate(status) + "'");
        }
    }

    void release(Connection c) {
        if (closed || idleCount.get() >= maxIdle) {
            c.close();
            return;
        }
        c.markIdle();
        idleCount.incrementAndGet();
        idle.offerFirst(c);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    @Override
    public void close() {
        closed = true;
        sweeper.cancel(false);
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            c.close();
        }
    }
}
