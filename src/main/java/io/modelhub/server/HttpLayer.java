package io.modelhub.server;

import io.helidon.http.DirectHandler;
import io.modelhub.messages.AnthropicErrors;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ErrorHandling;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http1.Http1Config;
import io.modelhub.api.ApiException;
import io.modelhub.api.Errors;
import io.modelhub.api.RequestIds;
import io.modelhub.config.HubConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The hub's HTTP/1.1 layer below routing: size limits, connection timeouts, closing after
 * {@code Connection: close}, and the contract's JSON error for everything Helidon refuses before a handler
 * runs (a bad request line, headers or framing, an over-long URL, too large a body...).
 */
final class HttpLayer implements AutoCloseable {
    /** The longest request line (method, URL, version); longer answers 414. */
    static final int MAX_REQUEST_LINE = 8192;
    /** The most header bytes a request may carry; more answers 431. */
    static final int MAX_HEADER_BYTES = 16384;

    // JUL keeps loggers weakly: the filter stays only while its logger is referenced.
    private static final Logger HELIDON_HTTP1 = Logger.getLogger("io.helidon.webserver.http1.Http1Connection");
    private static final Logger HELIDON_ROUTING = Logger.getLogger("io.helidon.webserver.http.DirectHandlers");
    private static final System.Logger LOG = System.getLogger(HttpLayer.class.getName());

    private final HubConfig.Server config;
    private final Errors errors;
    private final ConnectionDeadlines deadlines;

    private final AnthropicErrors anthropic;

    HttpLayer(HubConfig.Server config, Errors errors, AnthropicErrors anthropic) {
        this.anthropic = anthropic;
        this.config = config;
        this.errors = errors;
        this.deadlines = new ConnectionDeadlines(config.timeouts().header(), config.timeouts().body(), this::timeoutResponse);
        ClientFaults quiet = new ClientFaults();
        HELIDON_HTTP1.setFilter(quiet);
        HELIDON_ROUTING.setFilter(quiet);
    }

    /** Applies the limits, timeouts and error answers to the server being built. */
    void configure(WebServerConfig.Builder server) {
        Duration idle = config.timeouts().idle();
        server.maxPayloadSize(config.maxBodyBytes())
                .idleConnectionTimeout(idle)
                // Helidon's idle clock moves once a second; check often enough that a connection is closed
                // soon after its idle time is up.
                .idleConnectionPeriod(Duration.ofMillis(Math.clamp(idle.toMillis() / 4, 250, 15_000)))
                .errorHandling(ErrorHandling.builder().includeEntity(true).build())
                .directHandlers(directHandlers())
                .protocolsDiscoverServices(false)
                .protocols(java.util.List.of(Http1Config.builder()
                        .maxPrologueLength(MAX_REQUEST_LINE)
                        .maxHeadersSize(MAX_HEADER_BYTES)
                        .addReceiveListener(deadlines.receiveListener())
                        .addSendListener(deadlines.sendListener())
                        .build()));
    }

    /**
     * The outermost filter: tells the deadlines which request is being served, and closes the connection
     * after an answer that said {@code Connection: close} (Helidon 4.5 keeps reading the socket otherwise).
     */
    Filter filter() {
        return this::filter;
    }

    private void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        deadlines.routing(req);
        try {
            chain.proceed();
        } finally {
            deadlines.answered(req);
        }
        if (res.isSent() && (res.headers().containsToken(HeaderValues.CONNECTION_CLOSE)
                || req.headers().containsToken(HeaderValues.CONNECTION_CLOSE))) {
            throw new CloseConnectionException("answered a request with Connection: close");
        }
    }

    private DirectHandlers directHandlers() {
        DirectHandler json = this::direct;
        DirectHandlers.Builder b = DirectHandlers.builder();
        for (DirectHandler.EventType t : DirectHandler.EventType.values()) {
            b.addHandler(t, json);
        }
        return b.build();
    }

    /** Helidon's refusal of a request, as the contract's JSON error. */
    private DirectHandler.TransportResponse direct(DirectHandler.TransportRequest request, DirectHandler.EventType type,
                                                   Status status, ServerResponseHeaders headers, String message) {
        ApiException e = describe(type, status, message);
        String id = null;
        try {
            id = request.headers().first(RequestIds.HEADER).filter(RequestIds::acceptable).orElse(null);
        } catch (RuntimeException ignored) {
            // no headers were read
        }
        headers.set(RequestIds.HEADER, id == null ? RequestIds.newId() : id);
        headers.set(HeaderNames.CONTENT_TYPE, "application/json");
        e.headers().forEach((k, v) -> headers.set(HeaderNames.create(k), v));
        // The Anthropic Messages paths answer every error, the HTTP layer's included, in Anthropic's shape.
        String path = request.path();
        boolean anthropicPath = path != null && path.startsWith(AnthropicErrors.PATH_PREFIX);
        return DirectHandler.TransportResponse.builder()
                .status(Status.create(anthropicPath ? AnthropicErrors.status(e) : e.status()))
                .headers(headers)
                .keepAlive(false)
                .entity(anthropicPath ? anthropic.bytes(e, headers.first(RequestIds.HEADER).orElse(null)) : errors.body(e))
                .build();
    }

    private ApiException describe(DirectHandler.EventType type, Status status, String message) {
        String m = message == null ? "" : message;
        int code = status.code();
        if (code == 413 || type == DirectHandler.EventType.PAYLOAD_TOO_LARGE) {
            return ApiException.tooLarge("The request body is larger than the limit of " + config.maxBodyBytes() + " bytes.");
        }
        if (code == 414) {
            return new ApiException(414, "invalid_request_error",
                    "The request line is longer than the limit of " + MAX_REQUEST_LINE + " bytes.", null, "uri_too_long", null);
        }
        if (m.contains("Header size exceeded")) {
            return new ApiException(431, "invalid_request_error",
                    "The request headers are larger than the limit of " + MAX_HEADER_BYTES + " bytes.", null,
                    "headers_too_large", null);
        }
        if (m.contains("Content-Encoding") || m.contains("content encoding")) {
            return new ApiException(415, "invalid_request_error",
                    "Content-Encoding is not supported: send the request body uncompressed.", null,
                    "unsupported_content_encoding", null);
        }
        if (code == 505 || type == DirectHandler.EventType.HTTP_VERSION_NOT_SUPPORTED) {
            return new ApiException(505, "invalid_request_error", "The hub speaks HTTP/1.1 only.", null,
                    "http_version_not_supported", null);
        }
        if (code == 501) {
            return new ApiException(501, "invalid_request_error",
                    "Transfer-Encoding other than chunked is not supported.", null, "unsupported_transfer_encoding", null);
        }
        if (code == 503) {
            return ApiException.unavailable("The hub is serving as many requests as it can; retry shortly.", "overloaded");
        }
        if (code >= 500) {
            return ApiException.internal("The hub failed to read this request.");
        }
        String detail = m.isBlank() || m.startsWith("Bad request, see server log")
                ? " (the request line, a header or the body's framing is not valid HTTP/1.1)" : ": " + m;
        return ApiException.badRequest("Malformed HTTP request" + detail + ".", null, "malformed_request");
    }

    /** The raw 408 written to a connection whose request did not arrive in time. */
    private byte[] timeoutResponse(Duration limit) {
        byte[] body = errors.body(new ApiException(408, "invalid_request_error",
                "The request did not arrive within " + limit.toMillis() + " ms; the connection is closed.", null,
                "request_timeout", null));
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 160);
        String head = "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\nx-request-id: " + RequestIds.newId() + "\r\n\r\n";
        out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    @Override
    public void close() {
        deadlines.close();
    }

    /**
     * Helidon logs "Internal server error" with a stack trace at WARNING when a client closes its connection
     * in the middle of a request (it could not read the rest). That is the client's doing: one DEBUG line.
     */
    private static final class ClientFaults implements java.util.logging.Filter {
        @Override
        public boolean isLoggable(LogRecord record) {
            Throwable t = record.getThrown();
            if (t == null || !clientWentAway(t)) {
                return true;
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "a client closed its connection in the middle of a request ("
                    + rootMessage(t) + ")");
            return false;
        }
    }

    /**
     * The client's fault when a handler could not read the request body: the connection ended before the
     * declared length, or a chunk size was not hexadecimal (Helidon 4.5 throws a bare NumberFormatException
     * for that). Null for any other failure, which is the hub's own.
     */
    static ApiException unreadableBody(Throwable e) {
        Map<String, String> close = Map.of("Connection", "close");
        if (clientWentAway(e) && thrownBy(e, "io.helidon.webserver.http1.Http1Connection", "readEntityFromPipeline")) {
            LOG.log(System.Logger.Level.DEBUG, () -> "a client closed its connection in the middle of a request body ("
                    + rootMessage(e) + ")");
            return new ApiException(400, "invalid_request_error", "The request body ended before its declared length.",
                    null, "incomplete_body", close);
        }
        if (e instanceof NumberFormatException && thrownBy(e, "io.helidon.webserver.http1.Http1Connection", "readNextChunk")) {
            return new ApiException(400, "invalid_request_error",
                    "The chunked request body has a chunk size that is not a hexadecimal number.", null, "malformed_request", close);
        }
        return null;
    }

    /** Whether {@code className.method} is on the stack of this failure or of one of its causes. */
    private static boolean thrownBy(Throwable e, String className, String method) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            for (StackTraceElement frame : c.getStackTrace()) {
                if (frame.getClassName().equals(className) && frame.getMethodName().equals(method)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether this failure means the client closed or broke its connection. */
    static boolean clientWentAway(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof io.helidon.common.buffers.DataReader.InsufficientDataAvailableException
                    || c instanceof io.helidon.webserver.ServerConnectionException
                    || c instanceof java.net.SocketException
                    || c instanceof java.nio.channels.ClosedChannelException) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }
}
