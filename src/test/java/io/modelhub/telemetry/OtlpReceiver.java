package io.modelhub.telemetry;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real OTLP/HTTP trace receiver on a free loopback port: accepts {@code POST /v1/traces} (protobuf) and
 * decodes the spans with a small protobuf wire reader (trace and span ids, parent, name, kind, attributes, status).
 */
final class OtlpReceiver implements AutoCloseable {
    record ReceivedSpan(String traceId, String spanId, String parentSpanId, String name, int kind, Map<String, Object> attributes,
                        int statusCode) {
        Object attr(String key) {
            return attributes.get(key);
        }
    }

    private final HttpServer server;
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();

    OtlpReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/traces", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            contentTypes.add(ex.getRequestHeaders().getFirst("Content-Type"));
            decode(body);
            ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            ex.sendResponseHeaders(200, 0);
            ex.close();
        });
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<ReceivedSpan> spans() {
        return spans;
    }

    List<String> contentTypes() {
        return contentTypes;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ExportTraceServiceRequest{1: ResourceSpans{2: ScopeSpans{2: Span}}}
    private void decode(byte[] request) {
        for (Object rs : fields(request).getOrDefault(1, List.of())) {
            for (Object ss : fields((byte[]) rs).getOrDefault(2, List.of())) {
                for (Object sp : fields((byte[]) ss).getOrDefault(2, List.of())) {
                    spans.add(span((byte[]) sp));
                }
            }
        }
    }

    private static ReceivedSpan span(byte[] b) {
        Map<Integer, List<Object>> f = fields(b);
        Map<String, Object> attrs = new HashMap<>();
        for (Object kv : f.getOrDefault(9, List.of())) {
            Map<Integer, List<Object>> k = fields((byte[]) kv);
            String key = new String((byte[]) k.get(1).getFirst(), StandardCharsets.UTF_8);
            Map<Integer, List<Object>> any = fields((byte[]) k.get(2).getFirst());
            Object value = null;
            if (any.containsKey(1)) {
                value = new String((byte[]) any.get(1).getFirst(), StandardCharsets.UTF_8);
            } else if (any.containsKey(2)) {
                value = ((Long) any.get(2).getFirst()) != 0;
            } else if (any.containsKey(3)) {
                value = any.get(3).getFirst();
            } else if (any.containsKey(4)) {
                value = Double.longBitsToDouble((Long) any.get(4).getFirst());
            }
            attrs.put(key, value);
        }
        int status = 0;
        if (f.containsKey(15)) {
            Map<Integer, List<Object>> st = fields((byte[]) f.get(15).getFirst());
            status = st.containsKey(3) ? ((Long) st.get(3).getFirst()).intValue() : 0;
        }
        return new ReceivedSpan(hex(f, 1), hex(f, 2), f.containsKey(4) ? hex(f, 4) : "",
                new String((byte[]) f.get(5).getFirst(), StandardCharsets.UTF_8),
                f.containsKey(6) ? ((Long) f.get(6).getFirst()).intValue() : 0, attrs, status);
    }

    private static String hex(Map<Integer, List<Object>> f, int field) {
        return HexFormat.of().formatHex((byte[]) f.get(field).getFirst());
    }

    /** One protobuf message's fields by number: varints and fixed values as Long, length-delimited as byte[]. */
    static Map<Integer, List<Object>> fields(byte[] b) {
        Map<Integer, List<Object>> out = new HashMap<>();
        int[] pos = {0};
        while (pos[0] < b.length) {
            long tag = varint(b, pos);
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            Object value = switch (wire) {
                case 0 -> varint(b, pos);
                case 1 -> {
                    long v = 0;
                    for (int i = 7; i >= 0; i--) {
                        v = (v << 8) | (b[pos[0] + i] & 0xff);
                    }
                    pos[0] += 8;
                    yield v;
                }
                case 2 -> {
                    int len = (int) varint(b, pos);
                    byte[] v = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + len);
                    pos[0] += len;
                    yield v;
                }
                case 5 -> {
                    long v = 0;
                    for (int i = 3; i >= 0; i--) {
                        v = (v << 8) | (b[pos[0] + i] & 0xff);
                    }
                    pos[0] += 4;
                    yield v;
                }
                default -> throw new IllegalStateException("wire type " + wire);
            };
            out.computeIfAbsent(field, k -> new ArrayList<>()).add(value);
        }
        return out;
    }

    private static long varint(byte[] b, int[] pos) {
        long v = 0;
        int shift = 0;
        while (true) {
            byte x = b[pos[0]++];
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
            shift += 7;
        }
    }
}
