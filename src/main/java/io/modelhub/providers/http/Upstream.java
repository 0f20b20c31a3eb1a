package io.modelhub.providers.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.config.HubConfig;
import io.modelhub.providers.ConnectionGate;
import io.modelhub.providers.SseReader;
import io.modelhub.providers.UpstreamException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * The one upstream client every provider kind uses: pooled keep-alive connections to one origin
 * (through the environment's proxy when it names one), a request sent with the first-byte timeout,
 * any non-2xx status turned into an {@link UpstreamException} with the upstream's Retry-After and
 * error message, and the body read whole, as Server-Sent Events or as AWS event-stream messages,
 * the first within the first-byte timeout and each next within the idle timeout.
 * An adapter only builds its request head and body and translates what comes back.
 */
public final class Upstream implements AutoCloseable {
    private static final int MAX_ERROR_BODY = 64 * 1024;
    // Idle keep-alive connections kept per provider: a burst of streams reuses them instead of connecting anew.
    private static final int MAX_IDLE_CONNECTIONS = 1024;
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final String providerId;
    private final HubConfig.Timeouts timeouts;
    private final HttpPool pool;
    private final ObjectMapper json;
    private final IdleWatch idle;
    private final ConnectionGate gate;

    public Upstream(String providerId, String baseUrl, HubConfig.Timeouts timeouts, ProxyConfig proxies, ObjectMapper json) {
        this(providerId, baseUrl, timeouts, null, proxies, json);
    }

    /** An upstream with at most {@code connections} exchanges in flight (null: no limit). */
    public Upstream(String providerId, String baseUrl, HubConfig.Timeouts timeouts, HubConfig.Connections connections,
                    ProxyConfig proxies, ObjectMapper json) {
        this.providerId = providerId;
        this.timeouts = timeouts == null ? HubConfig.Timeouts.DEFAULT : timeouts;
        this.json = json;
        this.gate = ConnectionGate.of(connections, this.timeouts.connect());
        this.pool = new HttpPool(baseUrl, millis(this.timeouts.connect()), MAX_IDLE_CONNECTIONS, proxies == null ? ProxyConfig.NONE : proxies, gate);
        this.idle = new IdleWatch(providerId, this.timeouts.idle().toMillis());
    }

    public String providerId() {
        return providerId;
    }

    /** The slots of this upstream's exchanges in flight ({@link ConnectionGate#UNLIMITED} without a limit). */
    public ConnectionGate gate() {
        return gate;
    }

    /** The first lines of a request head for {@code method path} (path below the base URL): request line and Host. */
    public String requestLine(String method, String path) {
        return pool.requestLine(method, path);
    }

    /**
     * Sends one request ({@code head} is complete, ending with the empty line) and returns the 2xx
     * exchange, waiting at most the first-byte timeout (or {@code timeout} when given) for the answer head.
     * {@code doing} names the call in a failure message (never the URL: it may carry a key).
     */
    public Exchange send(String head, byte[] payload, Duration timeout, String doing) throws UpstreamException {
        Duration wait = timeout != null ? timeout : timeouts.firstByte();
        Exchange exchange;
        try {
            exchange = pool.send(head, payload, millis(wait));
        } catch (IOException e) {
            throw failure(e, doing, wait);
        }
        int status = exchange.status();
        if (status / 100 != 2) {
            throw statusError(exchange, status);
        }
        return exchange;
    }

    /** Reads a whole (2xx) body and returns the connection to the pool. */
    public byte[] readAll(Exchange exchange, String doing) throws UpstreamException {
        try (exchange) {
            return exchange.body().readAllBytes();
        } catch (IOException e) {
            throw failure(e, doing, timeouts.firstByte());
        }
    }

    /** A 2xx body as Server-Sent Events: each {@code data:} payload; an OpenAI-style {@code [DONE]} ends it. */
    public Frames<byte[]> sse(Exchange exchange) {
        SseReader reader = new SseReader(exchange.body());
        return new Frames<>(exchange, () -> {
            byte[] data = reader.next();
            if (data != null && Arrays.equals(data, DONE)) {
                // After [DONE] only the end of the chunked body remains; reading it lets the connection be reused.
                while (reader.next() != null) {
                    // nothing is expected after [DONE]
                }
                return null;
            }
            return data;
        });
    }

    /** A 2xx body in the AWS event-stream binary framing (Bedrock ConverseStream), message by message. */
    public Frames<AwsEventStream.Message> awsEvents(Exchange exchange) {
        AwsEventStream reader = new AwsEventStream(exchange.body());
        return new Frames<>(exchange, reader::next);
    }

    /** Reads one frame of a body; null at its end. */
    @FunctionalInterface
    public interface FrameReader<T> {
        T read() throws IOException;
    }

    /**
     * The frames of a streaming body: the first within the first-byte timeout, each next within the idle
     * timeout; any read failure closes the connection and becomes an {@link UpstreamException}. Closing
     * before the end cancels the upstream request.
     */
    public final class Frames<T> implements AutoCloseable, IdleWatch.Watched {
        private final Exchange exchange;
        private final FrameReader<T> reader;
        private boolean first = true;
        private boolean ended;
        private volatile long lastProgressNanos;
        private volatile boolean expired;

        Frames(Exchange exchange, FrameReader<T> reader) {
            this.exchange = exchange;
            exchange.noSpin();
            this.reader = reader;
        }

        /** The next frame, or null once the body has ended. */
        public T next() throws UpstreamException {
            if (ended) {
                return null;
            }
            T frame;
            try {
                frame = reader.read();
            } catch (SocketTimeoutException e) {
                close();
                throw first
                        ? UpstreamException.timeout(providerId, "no first chunk within " + timeouts.firstByte().toMillis() + " ms")
                        : UpstreamException.timeout(providerId, "no chunk for " + timeouts.idle().toMillis() + " ms");
            } catch (IOException e) {
                close();
                if (expired) {
                    throw UpstreamException.timeout(providerId, "no chunk for " + timeouts.idle().toMillis() + " ms");
                }
                throw failure(e, "reading the stream", timeouts.idle());
            }
            lastProgressNanos = System.nanoTime();
            if (frame == null) {
                // A body that ends cleanly was ended on purpose.
                close();
                return null;
            }
            if (first) {
                // From here on the idle timeout is kept by the watch, not by a timed read per chunk.
                first = false;
                try {
                    exchange.readTimeout(0);
                } catch (IOException e) {
                    close();
                    throw failure(e, "reading the stream", timeouts.idle());
                }
                idle.watch(this);
            }
            return frame;
        }

        @Override
        public long lastProgressNanos() {
            return lastProgressNanos;
        }

        @Override
        public void expire() {
            expired = true;
            exchange.abort();
        }

        @Override
        public void close() {
            ended = true;
            idle.unwatch(this);
            exchange.close();
        }
    }

    /** A non-2xx answer as an exception: status, Retry-After, and the upstream's own error message. */
    private UpstreamException statusError(Exchange exchange, int status) {
        byte[] body;
        try (exchange) {
            body = exchange.body().readNBytes(MAX_ERROR_BODY);
        } catch (IOException e) {
            body = new byte[0];
        }
        String ra = exchange.header("retry-after");
        Duration retryAfter = ra == null ? null : parseRetryAfter(ra);
        return UpstreamException.status(providerId, status, "HTTP " + status + errorDetail(body), retryAfter, body);
    }

    /**
     * The message of an error body in any of the shapes the kinds use: OpenAI, Anthropic and Gemini
     * {@code {"error":{"message"}}}, a bare {@code {"error":"..."}}, or AWS {@code {"message"}} / {@code {"Message"}}.
     */
    private String errorDetail(byte[] body) {
        if (body.length == 0) {
            return "";
        }
        try {
            JsonNode n = json.readTree(body);
            if (n == null) {
                return "";
            }
            String m = n.path("error").path("message").asText(null);
            if (m == null && n.path("error").isTextual()) {
                m = n.path("error").asText();
            }
            if (m == null) {
                m = n.path("message").asText(null);
            }
            if (m == null) {
                m = n.path("Message").asText(null);
            }
            return m == null ? "" : ": " + abbreviate(m);
        } catch (IOException e) {
            return ": " + abbreviate(new String(body, StandardCharsets.UTF_8));
        }
    }

    public static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }

    /** Retry-After as seconds (fractions allowed) or an HTTP date; null when it is neither. */
    public static Duration parseRetryAfter(String value) {
        try {
            double seconds = Double.parseDouble(value.trim());
            return seconds < 0 ? null : Duration.ofMillis((long) (seconds * 1000));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime when = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(Instant.now(), when.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException ignored) {
                return null;
            }
        }
    }

    /** An I/O failure as a timeout or connection error; the message names what was being done, never the URL. */
    public UpstreamException failure(IOException e, String doing, Duration waited) {
        if (e instanceof ConnectionGate.Refused refused) {
            return UpstreamException.busy(providerId, refused.getMessage() + " (nothing was sent)", refused.retryAfter());
        }
        if (e instanceof SocketTimeoutException) {
            return UpstreamException.timeout(providerId, "no answer within " + waited.toMillis() + " ms " + doing);
        }
        String msg = e.getMessage();
        return UpstreamException.connection(providerId, "connection failed " + doing + ": " + e.getClass().getSimpleName()
                + (msg == null ? "" : " (" + abbreviate(msg) + ")"), e);
    }

    public static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    @Override
    public void close() {
        idle.close();
        pool.close();
    }
}
