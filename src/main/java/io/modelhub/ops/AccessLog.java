package io.modelhub.ops;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.modelhub.api.ApiException;
import io.modelhub.api.Headers;
import io.modelhub.api.RequestFacts;
import io.modelhub.api.RequestIds;
import io.modelhub.config.ConfigException;
import io.modelhub.config.Operations;
import io.modelhub.usage.UsageListener;
import io.modelhub.usage.UsageRecord;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The access log: one JSON object per line for every request, to stdout or a file. The request thread only
 * gathers the facts (a small record on a queue); a background thread formats, redacts and writes them, so
 * the hot path never waits for I/O unless the queue is full (then it waits rather than lose a line).
 */
public final class AccessLog implements Filter, UsageListener, AutoCloseable {
    private static final HeaderName CACHE = HeaderNames.create("x-modelhub-cache");
    private static final int QUEUE = 8192;

    /** One finished request, as gathered on its thread. */
    private record Line(long epochMs, String requestId, String method, String path, int status, long latencyMs,
                        RequestFacts facts, String provider, String attempts, String cache, String traceId) {}

    private static final Line END = new Line(0, null, null, null, 0, 0, null, null, null, null, null);

    private final boolean bodies;
    private final Redactor redactor;
    private final BlockingQueue<Line> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Writer out;
    private final boolean ownsOut;
    private final JsonFactory factory;
    private final ObjectMapper json;
    private final Thread writer;

    private AccessLog(Operations.Logging settings, ObjectMapper json, Writer out, boolean ownsOut) {
        this.bodies = settings.bodies();
        this.redactor = new Redactor(settings.redactFields());
        this.json = json;
        this.factory = json.getFactory();
        this.out = out;
        this.ownsOut = ownsOut;
        this.writer = Thread.ofPlatform().daemon().name("modelhub-access-log").start(this::drain);
    }

    /** The access log the settings ask for, or null when it is off; a file that cannot be opened is a configuration error. */
    public static AccessLog open(Operations.Logging settings, ObjectMapper json) {
        if (!settings.enabled()) {
            return null;
        }
        if ("stdout".equals(settings.access())) {
            return new AccessLog(settings, json, new java.io.OutputStreamWriter(nonClosing(System.out), StandardCharsets.UTF_8), false);
        }
        Path file = Path.of(settings.access());
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return new AccessLog(settings, json, w, true);
        } catch (IOException e) {
            throw new ConfigException("logging.access: cannot open '" + file + "' for writing: " + e.getMessage(), e);
        }
    }

    /** An access log writing to {@code out} (tests). */
    public static AccessLog to(Operations.Logging settings, ObjectMapper json, Writer out) {
        return new AccessLog(settings, json, out, false);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long started = System.nanoTime();
        long epochMs = System.currentTimeMillis();
        RequestFacts facts = new RequestFacts(bodies);
        // An exception is answered by the routing's error handlers after this filter has returned, so its
        // status and type are taken from the exception as those handlers will send them.
        int failedStatus = 0;
        try {
            facts.during(chain::proceed);
        } catch (ApiException e) {
            failedStatus = e.status();
            RequestFacts.error(facts, e.type());
            throw e;
        } catch (RuntimeException | Error e) {
            failedStatus = 500;
            RequestFacts.error(facts, "api_error");
            throw e;
        } finally {
            long latencyMs = (System.nanoTime() - started) / 1_000_000;
            var headers = res.headers();
            Line line = new Line(epochMs, RequestIds.of(res), req.prologue().method().text(), req.path().path(),
                    failedStatus != 0 ? failedStatus : res.status().code(), latencyMs, facts, headers.first(Headers.PROVIDER).orElse(null),
                    headers.first(Headers.ATTEMPTS).orElse(null), headers.first(CACHE).orElse(null), traceId());
            try {
                queue.put(line);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The trace this request is part of, when tracing is on (so a log line leads to its trace). */
    private static String traceId() {
        SpanContext c = Span.current().getSpanContext();
        return c.isValid() ? c.getTraceId() : null;
    }

    /** Every metered call adds its tokens, cost and provider to the request it belongs to. */
    @Override
    public void onUsage(UsageRecord r) {
        RequestFacts.call(r.keyId(), r.userId(), r.model(), r.provider(), r.promptTokens(), r.completionTokens(), r.costUsd(),
                r.ttftMs(), r.errorType());
    }

    private void drain() {
        try {
            while (true) {
                Line line = queue.take();
                if (line == END) {
                    break;
                }
                try {
                    write(line);
                } catch (RuntimeException e) {
                    System.getLogger("io.modelhub").log(System.Logger.Level.ERROR,
                            "access log line for request " + line.requestId() + " could not be written", e);
                }
                // Flush once the queue is empty: a burst is written in one go, a quiet log is never stale.
                if (queue.isEmpty()) {
                    out.flush();
                }
            }
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            System.getLogger("io.modelhub").log(System.Logger.Level.ERROR, "the access log cannot be written", e);
        }
    }

    private void write(Line l) throws IOException {
        StringWriter line = new StringWriter(256);
        try (JsonGenerator g = factory.createGenerator(line)) {
            RequestFacts f = l.facts();
            g.writeStartObject();
            g.writeStringField("time", Instant.ofEpochMilli(l.epochMs()).toString());
            g.writeStringField("request_id", l.requestId());
            g.writeStringField("method", l.method());
            g.writeStringField("path", l.path());
            g.writeNumberField("status", l.status());
            g.writeNumberField("latency_ms", l.latencyMs());
            nullableNumber(g, "ttft_ms", f.ttftMs());
            g.writeStringField("key_id", f.keyId());
            if (f.userId() != null) {
                g.writeStringField("user", f.userId());
            } else {
                g.writeNullField("user");
            }
            g.writeStringField("model", f.model());
            g.writeStringField("provider", f.provider() != null ? f.provider() : l.provider());
            nullableNumber(g, "attempts", l.attempts() == null ? null : Long.valueOf(l.attempts()));
            if (f.calls() > 0) {
                g.writeNumberField("prompt_tokens", f.promptTokens());
                g.writeNumberField("completion_tokens", f.completionTokens());
                if (f.costUsd() != null) {
                    g.writeNumberField("cost_usd", f.costUsd());
                } else {
                    g.writeNullField("cost_usd");
                }
            } else {
                g.writeNullField("prompt_tokens");
                g.writeNullField("completion_tokens");
                g.writeNullField("cost_usd");
            }
            g.writeStringField("error_type", f.errorType());
            if (l.traceId() != null) {
                g.writeStringField("trace_id", l.traceId());
            }
            if (l.cache() != null) {
                g.writeStringField("cache", l.cache());
            }
            if (bodies && f.body() != null) {
                g.writeFieldName("body");
                g.writeTree(redactedBody(f.body()));
            }
            g.writeEndObject();
        }
        out.write(line.toString());
        out.write('\n');
    }

    private JsonNode redactedBody(byte[] body) {
        try {
            return redactor.redact(json.readTree(body));
        } catch (IOException e) {
            // Not JSON: the raw text could hold anything, so only its size is logged.
            return json.getNodeFactory().textNode("[not JSON: " + body.length + " bytes]");
        }
    }

    private static void nullableNumber(JsonGenerator g, String field, Long value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, value);
        }
    }

    /** Writes every line still queued, then stops (after the server stopped taking requests). */
    @Override
    public void close() {
        try {
            queue.put(END);
            writer.join(TimeUnit.SECONDS.toMillis(10));
            if (ownsOut) {
                out.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
