package io.modelhub.telemetry;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.modelhub.api.ApiException;
import io.modelhub.api.RequestIds;
import io.modelhub.config.Operations;
import io.modelhub.usage.UsageListener;
import io.modelhub.usage.UsageRecord;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * OpenTelemetry tracing: a server span per request (continuing the client's W3C {@code traceparent}),
 * with the GenAI semantic-convention attributes of the model call it made; the router adds a client span
 * per upstream attempt. Built from {@code telemetry:} and the standard {@code OTEL_*} variables (which win,
 * as the environment wins over the file everywhere); exported in batches over OTLP/HTTP off the request
 * thread. Off, nothing of it is installed and the hot path is unchanged.
 */
public final class Tracing implements Filter, UsageListener, AutoCloseable {
    static final String SCOPE = "io.modelhub";
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("modelhub.request_id");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final AttributeKey<String> KEY_ID = AttributeKey.stringKey("modelhub.key_id");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    private static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    private static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    private static final AttributeKey<Double> COST = AttributeKey.doubleKey("modelhub.cost_usd");
    private static final AttributeKey<Long> TTFT = AttributeKey.longKey("modelhub.ttft_ms");

    private static final TextMapGetter<RoutingRequest> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(RoutingRequest req) {
            return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(RoutingRequest req, String key) {
            return req == null ? null : req.headers().first(io.helidon.http.HeaderNames.create(key)).orElse(null);
        }
    };

    private final OpenTelemetrySdk sdk;
    private final Tracer tracer;

    private Tracing(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
        this.tracer = sdk.getTracer(SCOPE, "0.1.0");
    }

    /**
     * Tracing as the settings and environment ask for it, or null when off (no OTLP endpoint in
     * {@code telemetry.otlp_endpoint} or {@code OTEL_EXPORTER_OTLP_ENDPOINT}, or {@code OTEL_SDK_DISABLED=true}).
     */
    public static Tracing create(Operations.Telemetry settings) {
        if (!settings.enabled()) {
            return null;
        }
        Map<String, String> defaults = new HashMap<>();
        defaults.put("otel.exporter.otlp.endpoint", settings.otlpEndpoint());
        defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
        defaults.put("otel.service.name", settings.serviceName());
        defaults.put("otel.traces.exporter", "otlp");
        defaults.put("otel.metrics.exporter", "none");
        defaults.put("otel.logs.exporter", "none");
        defaults.put("otel.propagators", "tracecontext,baggage");
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults)
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
        return new Tracing(sdk);
    }

    /** The tracer the router makes its attempt spans with. */
    public Tracer tracer() {
        return tracer;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), req, HEADERS);
        String method = req.prologue().method().text();
        Span span = tracer.spanBuilder(method).setParent(parent).setSpanKind(SpanKind.SERVER)
                .setAttribute(METHOD, method).setAttribute(PATH, req.path().path()).startSpan();
        int failed = 0;
        String errorType = null;
        try (Scope ignored = span.makeCurrent()) {
            chain.proceed();
        } catch (ApiException e) {
            failed = e.status();
            errorType = e.type();
            throw e;
        } catch (RuntimeException | Error e) {
            failed = 500;
            errorType = e.getClass().getName();
            throw e;
        } finally {
            int status = failed != 0 ? failed : res.status().code();
            // As the HTTP semantic conventions have it: an error answer's type is its status code, unless known better.
            if (errorType == null && status >= 400) {
                errorType = Integer.toString(status);
            }
            if (errorType != null) {
                span.setAttribute(ERROR_TYPE, errorType);
            }
            String route = req.matchingPattern().orElse(null);
            if (route != null) {
                span.setAttribute(ROUTE, route);
                span.updateName(method + " " + route);
            }
            span.setAttribute(STATUS, (long) status);
            String id = RequestIds.of(res);
            if (id != null) {
                span.setAttribute(REQUEST_ID, id);
            }
            if (status >= 500) {
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        }
    }

    /** A metered model call: its model, provider, tokens and cost on the request's server span. */
    @Override
    public void onUsage(UsageRecord r) {
        Span span = Span.current();
        if (!span.isRecording()) {
            return;
        }
        span.setAttribute(OPERATION, "chat");
        span.setAttribute(REQUEST_MODEL, r.model());
        if (r.provider() != null) {
            span.setAttribute(PROVIDER, r.provider());
        }
        if (r.keyId() != null) {
            span.setAttribute(KEY_ID, r.keyId());
        }
        span.setAttribute(INPUT_TOKENS, r.promptTokens());
        span.setAttribute(OUTPUT_TOKENS, r.completionTokens());
        if (r.costUsd() != null) {
            span.setAttribute(COST, r.costUsd());
        }
        if (r.ttftMs() != null) {
            span.setAttribute(TTFT, r.ttftMs());
        }
        if (r.errorType() != null) {
            span.setAttribute(ERROR_TYPE, r.errorType());
        }
    }

    /** Exports the spans still buffered, then stops. */
    @Override
    public void close() {
        sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
}
