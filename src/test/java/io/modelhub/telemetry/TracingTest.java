package io.modelhub.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.modelhub.testing.TestHub;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Traces go to a real OTLP/HTTP receiver: a server span continuing the client's traceparent, a child span per upstream attempt, GenAI attributes. */
class TracingTest {
    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CLIENT_SPAN = "00f067aa0ba902b7";
    static final String CHAT = "{\"model\":\"acme/chat-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    OtlpReceiver receiver;
    HttpServer flaky;
    HttpServer steady;
    final List<String> steadyTraceparents = new CopyOnWriteArrayList<>();
    TestHub hub;

    @BeforeEach
    void start() throws Exception {
        receiver = new OtlpReceiver();
        flaky = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        flaky.createContext("/v1/chat/completions", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] b = "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(500, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        flaky.start();
        steady = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        steady.createContext("/v1/chat/completions", ex -> {
            ex.getRequestBody().readAllBytes();
            String tp = ex.getRequestHeaders().getFirst("traceparent");
            steadyTraceparents.add(tp == null ? "none" : tp);
            byte[] b = ("{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"up\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"hello\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        steady.start();
    }

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
        receiver.close();
        flaky.stop(0);
        steady.stop(0);
    }

    String yaml(String telemetry) {
        return telemetry + """
                routing: {policy: priority, fallbacks: true, max_attempts: 3}
                providers:
                  - {id: flaky, kind: openai, base_url: "http://127.0.0.1:%d/v1", api_key: f}
                  - {id: steady, kind: openai, base_url: "http://127.0.0.1:%d/v1", api_key: s}
                models:
                  - id: acme/chat-1
                    offerings:
                      - {provider: flaky, upstream_model: flaky-chat}
                      - {provider: steady, upstream_model: steady-chat}
                """.formatted(flaky.getAddress().getPort(), steady.getAddress().getPort());
    }

    @Test
    void aRequestIsOneServerSpanContinuingTheClientsTraceWithASpanPerUpstreamAttempt() throws Exception {
        java.nio.file.Path log = java.nio.file.Files.createTempDirectory("trace-log").resolve("access.log");
        hub = TestHub.start(yaml("telemetry: {otlp_endpoint: \"" + receiver.endpoint() + "\", service_name: hub-under-test}\n"
                + "logging: {access: " + log + "}\n"));
        TestHub.Response r = hub.send("POST", "/v1/chat/completions", CHAT, TestHub.ADMIN_KEY,
                Map.of("traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("x-modelhub-attempts")).isEqualTo("2");
        hub.close(); // flushes the batch of spans and the access log
        hub = null;
        assertThat(java.nio.file.Files.readString(log)).contains("\"trace_id\":\"" + TRACE_ID + "\"");

        List<OtlpReceiver.ReceivedSpan> spans = receiver.spans();
        OtlpReceiver.ReceivedSpan server = spans.stream().filter(s -> s.kind() == 2).findFirst().orElseThrow();
        assertThat(server.traceId()).isEqualTo(TRACE_ID);
        assertThat(server.parentSpanId()).isEqualTo(CLIENT_SPAN);
        assertThat(server.name()).isEqualTo("POST /v1/chat/completions");
        assertThat(server.attr("http.response.status_code")).isEqualTo(200L);
        assertThat(server.attr("gen_ai.request.model")).isEqualTo("acme/chat-1");
        assertThat(server.attr("gen_ai.provider.name")).isEqualTo("steady");
        assertThat(server.attr("gen_ai.usage.input_tokens")).isEqualTo(9L);
        assertThat(server.attr("gen_ai.usage.output_tokens")).isEqualTo(3L);
        assertThat(server.attr("modelhub.request_id")).isEqualTo(r.header("x-request-id"));

        List<OtlpReceiver.ReceivedSpan> attempts = spans.stream().filter(s -> s.kind() == 3).toList();
        assertThat(attempts).hasSize(2);
        assertThat(attempts).allSatisfy(a -> {
            assertThat(a.traceId()).isEqualTo(TRACE_ID);
            assertThat(a.parentSpanId()).isEqualTo(server.spanId());
            assertThat(a.attr("gen_ai.operation.name")).isEqualTo("chat");
            assertThat(a.attr("gen_ai.request.model")).isEqualTo("acme/chat-1");
        });
        OtlpReceiver.ReceivedSpan failed = attempts.stream().filter(a -> "flaky".equals(a.attr("gen_ai.provider.name"))).findFirst().orElseThrow();
        assertThat(failed.attr("http.response.status_code")).isEqualTo(500L);
        assertThat(failed.attr("modelhub.fallback_reason")).isEqualTo("upstream_500");
        assertThat(failed.attr("modelhub.attempt")).isEqualTo(1L);
        assertThat(failed.statusCode()).isEqualTo(2);
        OtlpReceiver.ReceivedSpan answered = attempts.stream().filter(a -> "steady".equals(a.attr("gen_ai.provider.name"))).findFirst().orElseThrow();
        assertThat(answered.attr("gen_ai.response.model")).isEqualTo("steady-chat");
        assertThat(answered.attr("modelhub.attempt")).isEqualTo(2L);
        assertThat(answered.statusCode()).isNotEqualTo(2);

        // The upstream got the trace, with the attempt's own span as its parent.
        assertThat(steadyTraceparents).containsExactly("00-" + TRACE_ID + "-" + answered.spanId() + "-01");
        assertThat(receiver.contentTypes()).allMatch(t -> t.startsWith("application/x-protobuf"));
    }

    @Test
    void aRefusedRequestIsTracedWithItsStatusAndErrorType() throws Exception {
        hub = TestHub.start(yaml("telemetry: {otlp_endpoint: \"" + receiver.endpoint() + "\"}\n"));
        assertThat(hub.send("POST", "/v1/chat/completions", CHAT, "mh-nosuch.wrongwrongwrongwrong", Map.of()).status()).isEqualTo(401);
        hub.close();
        hub = null;
        OtlpReceiver.ReceivedSpan server = receiver.spans().stream().filter(s -> s.kind() == 2).findFirst().orElseThrow();
        assertThat(server.attr("http.response.status_code")).isEqualTo(401L);
        assertThat(server.attr("error.type")).isEqualTo("401");
        assertThat(server.traceId()).hasSize(32).isNotEqualTo("0".repeat(32));
    }

    @Test
    void withTracingOffNothingIsInstalledAndNoTraceparentGoesUpstream() {
        hub = TestHub.start(yaml(""));
        assertThat(hub.hub().tracing()).isNull();
        TestHub.Response r = hub.send("POST", "/v1/chat/completions", CHAT, TestHub.ADMIN_KEY,
                Map.of("traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN + "-01"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(steadyTraceparents).containsExactly("none");
        assertThat(receiver.spans()).isEmpty();
    }
}
