package io.modelhub.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

/**
 * One client span per upstream attempt, child of the request's server span: which provider and upstream
 * model, the attempt number, and how it ended (the upstream status, and why the router fell back). The span
 * covers the attempt up to its answer (for a stream, its first event): the rest of a stream is the server span's.
 */
public final class AttemptSpans {
    private static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("modelhub.attempt");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final AttributeKey<String> FALLBACK = AttributeKey.stringKey("modelhub.fallback_reason");

    private final Tracer tracer;

    public AttemptSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    /** An attempt begun now: its span is current on this thread (so the upstream call carries its traceparent) until it ends. */
    public Attempt start(String modelId, String providerId, String upstreamModel, int attempt) {
        Span span = tracer.spanBuilder("chat " + modelId).setSpanKind(SpanKind.CLIENT)
                .setAttribute(Tracing.OPERATION, "chat").setAttribute(Tracing.REQUEST_MODEL, modelId)
                .setAttribute(Tracing.PROVIDER, providerId).setAttribute(RESPONSE_MODEL, upstreamModel)
                .setAttribute(ATTEMPT, (long) attempt).startSpan();
        return new Attempt(span, span.makeCurrent());
    }

    /** One attempt's span. */
    public static final class Attempt {
        private final Span span;
        private final Scope scope;

        private Attempt(Span span, Scope scope) {
            this.span = span;
            this.scope = scope;
        }

        /** The upstream answered. */
        public void answered() {
            scope.close();
            span.setAttribute(STATUS, 200L);
            span.end();
        }

        /** The attempt failed: {@code kind} (connection, timeout, status, protocol), the upstream status if any, and what the router does next. */
        public void failed(String kind, int status, String message, String fallbackReason) {
            scope.close();
            span.setAttribute(ERROR_TYPE, kind);
            if (status > 0) {
                span.setAttribute(STATUS, (long) status);
            }
            if (fallbackReason != null) {
                span.setAttribute(FALLBACK, fallbackReason);
            }
            span.setStatus(StatusCode.ERROR, message);
            span.end();
        }
    }
}
