package io.modelhub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.RawHttp;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UpstreamAndHub;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The HTTP layer below routing, tried with raw sockets against the real hub: framing, limits, timeouts. */
class HttpLayerTest {
    static final String AUTH = "Authorization: Bearer " + TestHub.ADMIN_KEY + "\r\n";
    static final String CHAT = "{\"model\":\"acme/chat-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    // Short timeouts so the tests do not wait long; every wait below is generous (the machine is shared).
    @RegisterExtension
    final UpstreamAndHub env = new UpstreamAndHub("mockai", "acme/chat-1",
            "server: {max_body_bytes: 2048, header_timeout_ms: 1000, body_timeout_ms: 1000, idle_timeout_ms: 1000}\n");

    RawHttp connect() {
        return new RawHttp(env.hub().hub().port());
    }

    static JsonNode assertJsonError(RawHttp.Response r, int status, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("content-type")).startsWith("application/json");
        assertThat(r.header("x-request-id")).isNotBlank();
        JsonNode e = r.json().path("error");
        assertThat(e.path("type").asText()).isNotBlank();
        assertThat(e.path("message").asText()).isNotBlank();
        assertThat(e.has("param")).isTrue();
        if (code != null) {
            assertThat(e.path("code").asText()).isEqualTo(code);
        }
        return e;
    }

    static String post(String path, String body, String extraHeaders) {
        return "POST " + path + " HTTP/1.1\r\nHost: hub\r\n" + AUTH + "Content-Type: application/json\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n" + extraHeaders + "\r\n" + body;
    }

    // --- 2. Connection: close

    @Test
    void connectionCloseIsAnsweredThenTheConnectionCloses() {
        try (RawHttp c = connect()) {
            c.send("GET /health/live HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n"
                    + "GET /health/live HTTP/1.1\r\nHost: hub\r\n\r\n");
            RawHttp.Response r = c.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(c.closedWithin(20_000)).as("no second request is served").isTrue();
        }
    }

    @Test
    void connectionCloseOnAPostWithABodyClosesToo() {
        try (RawHttp c = connect()) {
            c.send(post("/v1/chat/completions", CHAT, "Connection: close\r\n"));
            RawHttp.Response r = c.read();
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(c.closedWithin(20_000)).isTrue();
        }
    }

    @Test
    void keepAliveServesTheNextRequestOnTheSameConnection() {
        try (RawHttp c = connect()) {
            c.send("GET /health/live HTTP/1.1\r\nHost: hub\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(200);
            c.send(post("/v1/chat/completions", CHAT, ""));
            assertThat(c.read().status()).isEqualTo(200);
        }
    }

    // --- 3. body over max_body_bytes

    @Test
    void declaredBodyOverTheLimitIs413WithConnectionCloseAndTheConnectionCloses() {
        try (RawHttp c = connect()) {
            c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: hub\r\n" + AUTH
                    + "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(1000));
            RawHttp.Response r = c.read();
            assertJsonError(r, 413, "request_too_large");
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(c.closedWithin(20_000)).isTrue();
        }
        assertThat(env.upstream().received()).isEmpty();
    }

    @Test
    void chunkedBodyOverTheLimitIs413AndTheConnectionCloses() {
        try (RawHttp c = connect()) {
            String chunk = "x".repeat(1500);
            c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: hub\r\n" + AUTH
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n"
                    + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
            RawHttp.Response r = c.read();
            assertJsonError(r, 413, "request_too_large");
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(c.closedWithin(20_000)).isTrue();
        }
        assertThat(env.upstream().received()).isEmpty();
    }

    // --- 4. bad chunk size

    @Test
    void chunkedRequestWithABadChunkSizeIs400AndCloses() {
        try (RawHttp c = connect()) {
            c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: hub\r\n" + AUTH
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
            RawHttp.Response r = c.read();
            assertJsonError(r, 400, null);
            assertThat(c.closedWithin(20_000)).isTrue();
        }
    }

    // --- 1. timeouts

    @Test
    void headersThatNeverFinishGet408AndTheConnectionCloses() {
        try (RawHttp c = connect()) {
            c.send("GET /health/live HTTP/1.1\r\nHost: hub\r\nX-Slow: ");
            RawHttp.Response r = c.read();
            assertJsonError(r, 408, "request_timeout");
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(c.closedWithin(20_000)).isTrue();
        }
    }

    @Test
    void headersTrickledSlowlyGet408() throws Exception {
        try (RawHttp c = connect()) {
            c.send("GET /health/live HTTP/1.1\r\n");
            boolean refused = false;
            // one header byte every 100 ms: each read is quick, the whole never finishes
            for (int i = 0; i < 300 && !refused; i++) {
                refused = c.sendFails("X".getBytes(StandardCharsets.US_ASCII));
                Thread.sleep(100);
            }
            assertThat(refused).as("the hub closed the trickling connection").isTrue();
        }
    }

    @Test
    void bodyShorterThanItsContentLengthGets408AndTheConnectionCloses() {
        try (RawHttp c = connect()) {
            c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: hub\r\n" + AUTH
                    + "Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"model\":");
            RawHttp.Response r = c.read();
            assertJsonError(r, 408, "request_timeout");
            assertThat(c.closedWithin(20_000)).isTrue();
        }
        assertThat(env.upstream().received()).isEmpty();
    }

    @Test
    void connectionThatSendsNothingIsClosed() {
        try (RawHttp c = connect()) {
            assertThat(c.closedWithin(30_000)).isTrue();
        }
    }

    @Test
    void idleKeepAliveConnectionIsClosedAfterItsAnswer() {
        try (RawHttp c = connect()) {
            c.send("GET /health/live HTTP/1.1\r\nHost: hub\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(200);
            assertThat(c.closedWithin(30_000)).isTrue();
        }
    }

    @Test
    void aSlowUpstreamAfterTheBodyArrivedIsNotABodyTimeout() {
        // the upstream takes longer than body_timeout_ms (1 s): the request is answered, not cut off
        env.upstream().always(new MockUpstream.Answer("slow but fine", 3, 2500));
        try (RawHttp c = connect()) {
            c.send(post("/v1/chat/completions", CHAT, ""));
            RawHttp.Response r = c.read();
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().path("choices").path(0).path("message").path("content").asText()).isEqualTo("slow but fine");
        }
    }

    // --- 10. every HTTP-layer error is the contract's JSON error

    @Test
    void overlongUrlIs414Json() {
        try (RawHttp c = connect()) {
            c.send("GET /v1/models/" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: hub\r\n" + AUTH + "\r\n");
            assertJsonError(c.read(), 414, "uri_too_long");
        }
    }

    @Test
    void hugeHeaderIs431Json() {
        try (RawHttp c = connect()) {
            c.send("GET /health/live HTTP/1.1\r\nHost: hub\r\nX-Big: " + "b".repeat(40_000) + "\r\n\r\n");
            assertJsonError(c.read(), 431, "headers_too_large");
        }
    }

    @Test
    void tooManyHeadersIs431Json() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            many.append("X-H").append(i).append(": v\r\n");
        }
        try (RawHttp c = connect()) {
            c.send("GET /health/live HTTP/1.1\r\nHost: hub\r\n" + many + "\r\n");
            assertJsonError(c.read(), 431, "headers_too_large");
        }
    }

    @Test
    void badContentLengthIs400Json() {
        try (RawHttp c = connect()) {
            c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: hub\r\n" + AUTH + "Content-Length: ten\r\n\r\n{}");
            assertJsonError(c.read(), 400, "malformed_request");
            assertThat(c.closedWithin(20_000)).isTrue();
        }
    }

    @Test
    void negativeContentLengthIs400Json() {
        try (RawHttp c = connect()) {
            c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: hub\r\n" + AUTH + "Content-Length: -5\r\n\r\n{}");
            assertJsonError(c.read(), 400, "malformed_request");
        }
    }

    @Test
    void contentLengthWithTransferEncodingIsRefusedAsSmuggling() {
        try (RawHttp c = connect()) {
            c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: hub\r\n" + AUTH
                    + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /v1/keys HTTP/1.1\r\nHost: hub\r\n\r\n");
            assertJsonError(c.read(), 400, "malformed_request");
            assertThat(c.closedWithin(20_000)).as("the smuggled request is never served").isTrue();
        }
    }

    @Test
    void twoContentLengthsAreRefused() {
        try (RawHttp c = connect()) {
            c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: hub\r\n" + AUTH
                    + "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}");
            assertJsonError(c.read(), 400, "malformed_request");
        }
    }

    @Test
    void badPercentEncodingInThePathIsJson() {
        try (RawHttp c = connect()) {
            c.send("GET /v1/models/%ZZ HTTP/1.1\r\nHost: hub\r\n" + AUTH + "\r\n");
            RawHttp.Response r = c.read();
            assertJsonError(r, 400, "malformed_request");
        }
    }

    @Test
    void connectMethodIs405Json() {
        try (RawHttp c = connect()) {
            c.send("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
            RawHttp.Response r = c.read();
            assertThat(assertJsonError(r, 405, "method_not_allowed").path("message").asText()).contains("CONNECT");
        }
    }

    @Test
    void gzipContentEncodingOnAPlainBodyIs415Json() {
        try (RawHttp c = connect()) {
            c.send(post("/v1/chat/completions", CHAT, "Content-Encoding: gzip\r\n"));
            assertJsonError(c.read(), 415, "unsupported_content_encoding");
        }
        assertThat(env.upstream().received()).isEmpty();
    }

    @Test
    void transferEncodingOtherThanChunkedIs501Json() {
        try (RawHttp c = connect()) {
            c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: hub\r\n" + AUTH + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
            assertJsonError(c.read(), 501, "unsupported_transfer_encoding");
        }
    }

    @Test
    void garbageRequestLineIs400Json() {
        try (RawHttp c = connect()) {
            c.send("HELLO\r\n\r\n");
            assertJsonError(c.read(), 400, "malformed_request");
        }
    }

    @Test
    void http10Is505Json() {
        try (RawHttp c = connect()) {
            c.send("GET /health/live HTTP/1.0\r\n\r\n");
            assertJsonError(c.read(), 505, "http_version_not_supported");
        }
    }

    @Test
    void clientRequestIdIsEchoedOnHttpLayerErrors() {
        try (RawHttp c = connect()) {
            c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: hub\r\nx-request-id: mine-42\r\n" + AUTH
                    + "Content-Length: ten\r\n\r\n");
            assertThat(c.read().header("x-request-id")).isEqualTo("mine-42");
        }
    }

    // --- 11. a client dropping mid-request is not a warning

    @Test
    void clientDroppingMidRequestLogsNoWarning() throws Exception {
        List<LogRecord> warnings = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    synchronized (warnings) {
                        warnings.add(r);
                    }
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            for (int i = 0; i < 20; i++) {
                try (RawHttp c = connect()) {
                    c.send("GET /health/live HTTP/1.1\r\nHost: hub\r\nX-Part");
                }
                try (RawHttp c = connect()) {
                    c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: hub\r\n" + AUTH
                            + "Content-Length: 400\r\n\r\n{\"model\":");
                }
            }
            // a full request afterwards: the dropped ones have been handled by the time it is answered
            assertThat(env.hub().get("/health/live").status()).isEqualTo(200);
            Thread.sleep(500);
        } finally {
            root.removeHandler(capture);
        }
        synchronized (warnings) {
            assertThat(warnings).extracting(r -> r.getLoggerName() + ": " + r.getMessage()).isEmpty();
        }
    }
}
