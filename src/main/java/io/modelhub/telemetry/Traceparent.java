package io.modelhub.telemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/** The W3C {@code traceparent} header of the span current on this thread, for a call to an upstream. */
public final class Traceparent {
    private Traceparent() {}

    /** The header value, or null when no span is being traced (tracing off: nothing is sent). */
    public static String current() {
        SpanContext c = Span.current().getSpanContext();
        if (!c.isValid()) {
            return null;
        }
        return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex();
    }
}
