package io.modelhub.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Times out clients that begin a request and do not finish it: the headers must be in within the header
 * timeout of the request line, and the whole body within the body timeout of the headers. A late client
 * gets a 408 JSON error and the connection is closed. (Idle keep-alive connections are closed by the
 * server's own idle timeout; Helidon has no header or body deadline of its own.)
 *
 * <p>It hears the request line and headers as Helidon's receive listener, the response status as its send
 * listener, and the request being served from {@link HttpLayer}'s filter. One daemon thread checks the
 * deadlines a few times a second; the request path only updates a map entry.
 */
final class ConnectionDeadlines implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ConnectionDeadlines.class.getName());

    private enum Phase { HEADERS, BODY, DRAIN }

    /** One connection with a request under way. */
    private static final class Watch {
        final ConnectionContext ctx;
        volatile Phase phase;
        volatile long deadline;
        volatile ServerRequest request;
        volatile boolean responding;

        Watch(ConnectionContext ctx) {
            this.ctx = ctx;
        }
    }

    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    private final long headerNanos;
    private final long bodyNanos;
    private final Function<Duration, byte[]> timeoutResponse;
    private final Thread checker;
    private volatile boolean running = true;

    /**
     * @param timeoutResponse the complete HTTP/1.1 408 response (status line, headers, JSON body) for a
     *                        request that took longer than the given timeout
     */
    ConnectionDeadlines(Duration header, Duration body, Function<Duration, byte[]> timeoutResponse) {
        this.headerNanos = header.toNanos();
        this.bodyNanos = body.toNanos();
        this.timeoutResponse = timeoutResponse;
        long tick = Math.clamp(Math.min(header.toMillis(), body.toMillis()) / 4, 20, 250);
        this.checker = Thread.ofPlatform().daemon().name("modelhub-connection-deadlines").unstarted(() -> check(tick));
        checker.start();
    }

    static String key(ConnectionContext ctx) {
        return ctx.socketId() + " " + ctx.childSocketId();
    }

    static String key(ServerRequest req) {
        return req.serverSocketId() + " " + req.socketId();
    }

    /** Listens to what Helidon reads: the request line starts the header deadline, the headers end it. */
    Http1ConnectionListener receiveListener() {
        return new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                Watch w = watches.computeIfAbsent(key(ctx), k -> new Watch(ctx));
                w.request = null;
                w.responding = false;
                w.deadline = System.nanoTime() + headerNanos;
                w.phase = Phase.HEADERS;
            }

            @Override
            public void headers(ConnectionContext ctx, Headers headers) {
                String key = key(ctx);
                if (hasBody(headers)) {
                    Watch w = watches.computeIfAbsent(key, k -> new Watch(ctx));
                    w.deadline = System.nanoTime() + bodyNanos;
                    w.phase = Phase.BODY;
                } else {
                    watches.remove(key);
                }
            }
        };
    }

    /** Listens to what Helidon writes: once a response has begun, no 408 may be written over it. */
    Http1ConnectionListener sendListener() {
        return new Http1ConnectionListener() {
            @Override
            public void status(ConnectionContext ctx, Status status) {
                Watch w = watches.get(key(ctx));
                if (w != null) {
                    w.responding = true;
                }
            }
        };
    }

    /** The request on this connection is being routed: its body counts as received once it is consumed. */
    void routing(ServerRequest req) {
        Watch w = watches.get(key(req));
        if (w != null) {
            w.request = req;
        }
    }

    /**
     * The request has been answered. If its body was left unread, Helidon now reads and discards it; that
     * too must end within the body timeout.
     */
    void answered(ServerRequest req) {
        String key = key(req);
        Watch w = watches.get(key);
        if (w == null) {
            return;
        }
        if (w.phase == Phase.BODY && !req.content().consumed()) {
            w.deadline = System.nanoTime() + bodyNanos;
            w.phase = Phase.DRAIN;
        } else {
            watches.remove(key, w);
        }
    }

    private static boolean hasBody(Headers headers) {
        if (headers.contains(HeaderNames.TRANSFER_ENCODING)) {
            return true;
        }
        if (!headers.contains(HeaderNames.CONTENT_LENGTH)) {
            return false;
        }
        String cl = headers.get(HeaderNames.CONTENT_LENGTH).get().trim();
        return !cl.equals("0");
    }

    private void check(long tickMillis) {
        while (running) {
            try {
                Thread.sleep(tickMillis);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Map.Entry<String, Watch> e : watches.entrySet()) {
                Watch w = e.getValue();
                if (now - w.deadline < 0) {
                    continue;
                }
                Phase phase = w.phase;
                ServerRequest req = w.request;
                if (phase != Phase.HEADERS && req != null && req.content().consumed()) {
                    // the whole body is in: the handler is at work (no deadline here), or the connection is idle
                    // after an answer (the server's idle timeout's business)
                    watches.remove(e.getKey(), w);
                    continue;
                }
                watches.remove(e.getKey(), w);
                expire(w, phase);
            }
        }
    }

    private void expire(Watch w, Phase phase) {
        Duration limit = Duration.ofNanos(phase == Phase.HEADERS ? headerNanos : bodyNanos);
        LOG.log(System.Logger.Level.DEBUG, () -> "closing a connection from " + w.ctx.remotePeer().host()
                + ": its request " + (phase == Phase.HEADERS ? "headers" : "body") + " did not arrive within "
                + limit.toMillis() + " ms");
        try {
            if (phase != Phase.DRAIN && !w.responding) {
                w.ctx.dataWriter().writeNow(BufferData.create(timeoutResponse.apply(limit)));
            }
        } catch (RuntimeException ignored) {
            // the client is gone already; closing is all that is left
        }
        try {
            w.ctx.serverSocket().close();
        } catch (RuntimeException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        running = false;
        checker.interrupt();
    }
}
