package io.modelhub.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelhub.providers.http.ProxyConfig;
import io.modelhub.testing.AnthropicWire;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** HTTPS_PROXY / HTTP_PROXY / NO_PROXY: read from the environment, honoured by every kind. */
class ProxyTest {
    /** A forward proxy on a free loopback port: relays absolute-form http requests; answers CONNECT with {@code connectStatus}. */
    static final class ForwardProxy implements AutoCloseable {
        final ServerSocket server;
        final List<String> requestLines = new CopyOnWriteArrayList<>();
        final List<String> authorizations = new CopyOnWriteArrayList<>();
        final int connectStatus;

        ForwardProxy(int connectStatus) throws IOException {
            this.connectStatus = connectStatus;
            server = new ServerSocket();
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread.ofVirtual().start(this::accept);
        }

        String url() {
            return "http://user:pa%20ss@127.0.0.1:" + server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket client) {
            try (client) {
                InputStream in = client.getInputStream();
                String line = readLine(in);
                requestLines.add(line);
                StringBuilder head = new StringBuilder();
                String h;
                int length = 0;
                while (!(h = readLine(in)).isEmpty()) {
                    if (h.toLowerCase().startsWith("proxy-authorization:")) {
                        authorizations.add(h.substring(h.indexOf(':') + 1).trim());
                        continue; // a proxy does not pass its own credentials on
                    }
                    if (h.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(h.substring(h.indexOf(':') + 1).trim());
                    }
                    head.append(h).append("\r\n");
                }
                OutputStream out = client.getOutputStream();
                if (line.startsWith("CONNECT ")) {
                    out.write(("HTTP/1.1 " + connectStatus + " No\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    return;
                }
                byte[] body = in.readNBytes(length);
                String[] parts = line.split(" ");
                URI target = URI.create(parts[1]);
                try (Socket up = new Socket(target.getHost(), target.getPort())) {
                    OutputStream upOut = up.getOutputStream();
                    upOut.write((parts[0] + " " + target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery())
                            + " HTTP/1.1\r\n" + head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    upOut.write(body);
                    upOut.flush();
                    up.getInputStream().transferTo(out);
                }
            } catch (IOException | RuntimeException ignored) {
                // the test is over or a peer went away
            }
        }

        private static String readLine(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private static String yaml(MockUpstream up) {
        return """
                providers:
                  - id: claude
                    kind: anthropic
                    base_url: %s
                    api_key: sk-ant-proxy
                    timeouts: {connect_ms: 1000, first_byte_ms: 3000, idle_ms: 2000}
                models:
                  - id: anthropic/claude-test
                    offerings:
                      - provider: claude
                        upstream_model: claude-test-1
                        pricing: {input_per_mtok: 1, output_per_mtok: 2}
                """.formatted(up.baseUrl());
    }

    private static final String ASK = "{\"model\":\"anthropic/claude-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void plainHttpUpstreamGoesThroughHttpProxyWithAbsoluteUrlAndProxyCredentials() throws Exception {
        try (MockUpstream up = new MockUpstream(new AnthropicWire()); ForwardProxy proxy = new ForwardProxy(200);
             TestHub hub = TestHub.start(yaml(up), Map.of("HTTP_PROXY", proxy.url()))) {
            TestHub.Response r = hub.post("/v1/chat/completions", ASK);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().path("choices").get(0).path("message").path("content").asText()).isEqualTo("Hello from the mock");
            assertThat(proxy.requestLines).containsExactly("POST " + up.baseUrl() + "/v1/messages HTTP/1.1");
            assertThat(proxy.authorizations).containsExactly("Basic " + java.util.Base64.getEncoder()
                    .encodeToString("user:pa ss".getBytes(StandardCharsets.UTF_8)));
            assertThat(up.last().header("x-api-key")).isEqualTo("sk-ant-proxy");
        }
    }

    @Test
    void noProxyHostIsReachedDirectly() throws Exception {
        try (MockUpstream up = new MockUpstream(new AnthropicWire()); ForwardProxy proxy = new ForwardProxy(200);
             TestHub hub = TestHub.start(yaml(up), Map.of("http_proxy", proxy.url(), "NO_PROXY", "localhost,127.0.0.1"))) {
            assertThat(hub.post("/v1/chat/completions", ASK).status()).isEqualTo(200);
            assertThat(proxy.requestLines).isEmpty();
            assertThat(up.received()).hasSize(1);
        }
    }

    @Test
    void httpsUpstreamIsTunnelledWithConnectAndARefusedTunnelIsAConnectionFailure() throws Exception {
        try (ForwardProxy proxy = new ForwardProxy(403);
             TestHub hub = TestHub.start("""
                     providers:
                       - id: claude
                         kind: anthropic
                         base_url: https://api.anthropic.example:8443
                         api_key: sk-ant-proxy
                         timeouts: {connect_ms: 1000, first_byte_ms: 3000, idle_ms: 2000}
                     models:
                       - id: anthropic/claude-test
                         offerings:
                           - provider: claude
                             upstream_model: claude-test-1
                             pricing: {input_per_mtok: 1, output_per_mtok: 2}
                     """, Map.of("HTTPS_PROXY", proxy.url()))) {
            TestHub.Response r = hub.post("/v1/chat/completions", ASK);
            assertThat(r.status()).isEqualTo(502);
            assertThat(proxy.requestLines).contains("CONNECT api.anthropic.example:8443 HTTP/1.1");
            assertThat(r.json().path("error").path("message").asText()).contains("refused the tunnel").doesNotContain("pa ss").doesNotContain("sk-ant");
        }
    }

    @Test
    void proxyVariablesAreParsedAsCurlDoes() {
        ProxyConfig p = ProxyConfig.fromEnv(Map.of("HTTPS_PROXY", "proxy.corp:3128", "NO_PROXY", " .internal, example.com:443 ,"));
        assertThat(p.forHost("api.anthropic.com", true)).hasToString("proxy.corp:3128");
        assertThat(p.forHost("api.anthropic.com", false)).isNull();
        assertThat(p.forHost("llm.internal", true)).isNull();
        assertThat(p.forHost("example.com", true)).isNull();
        assertThat(p.forHost("api.example.com", true)).isNull();
        assertThat(p.forHost("notexample.com", true)).isNotNull();
        assertThat(ProxyConfig.fromEnv(Map.of("HTTPS_PROXY", "http://p:1", "NO_PROXY", "*")).forHost("anything", true)).isNull();
        assertThatThrownBy(() -> ProxyConfig.fromEnv(Map.of("HTTPS_PROXY", "socks5://p:1080"))).hasMessageContaining("HTTPS_PROXY");
    }
}
