package io.modelhub.auth;

import static io.modelhub.testing.AuthCalls.CHAT;
import static io.modelhub.testing.AuthCalls.call;
import static io.modelhub.testing.AuthCalls.createKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.server.Hub;
import io.modelhub.config.ConfigException;
import io.modelhub.config.ConfigLoader;
import io.modelhub.config.HubConfig;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BootstrapAndSecrecyTest {
    /** Everything the process writes while it runs: java.util.logging records (with their stack traces), stdout and stderr. */
    static final class Capture implements AutoCloseable {
        final StringBuilder text = new StringBuilder();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final PrintStream oldOut = System.out;
        final PrintStream oldErr = System.err;
        final Logger root = Logger.getLogger("");
        final Level oldLevel = root.getLevel();
        final Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                synchronized (text) {
                    text.append(r.getLoggerName()).append(' ').append(r.getMessage()).append('\n');
                    for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
                        text.append(t).append('\n');
                    }
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };

        Capture() {
            handler.setLevel(Level.ALL);
            root.setLevel(Level.ALL);
            root.addHandler(handler);
            PrintStream both = new PrintStream(out, true, StandardCharsets.UTF_8);
            System.setOut(both);
            System.setErr(both);
        }

        String all() {
            synchronized (text) {
                return text + out.toString(StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() {
            System.setOut(oldOut);
            System.setErr(oldErr);
            root.removeHandler(handler);
            root.setLevel(oldLevel);
        }
    }

    private static Hub hubWithoutAdminKeyIn(Path dataDir) {
        HubConfig cfg = new ConfigLoader(Map.of()).parse("test.yaml", "", new ConfigLoader.Flags(null, 0, dataDir));
        return new Hub(cfg).start();
    }

    @Test
    void firstStartGeneratesAnAdminKeyPrintsItOnceAndWritesItOwnerOnly() throws Exception {
        Path dir = Files.createTempDirectory("modelhub-bootstrap");
        String printed;
        try (Capture c = new Capture(); Hub hub = hubWithoutAdminKeyIn(dir)) {
            printed = c.out.toString(StandardCharsets.UTF_8);
        }
        Matcher m = Pattern.compile("mh-[a-z0-9]+\\.[A-Za-z0-9]{43}").matcher(printed);
        assertThat(m.find()).as(printed).isTrue();
        String key = m.group();
        assertThat(m.find()).isFalse();
        Path file = dir.resolve("admin.key");
        assertThat(Files.readString(file).trim()).isEqualTo(key);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

        try (Capture c = new Capture(); Hub hub = hubWithoutAdminKeyIn(dir)) {
            assertThat(c.out.toString(StandardCharsets.UTF_8)).doesNotContain("mh-");
            KeyRecord admin = hub.keys().verify(ApiKeyCredential.parse(key), System.currentTimeMillis());
            assertThat(admin.scope()).isEqualTo(Scope.ADMIN);
        }
    }

    @Test
    void adminKeyFromTheEnvironmentMustHaveTheKeyForm() throws Exception {
        Path dir = Files.createTempDirectory("modelhub-bootstrap");
        HubConfig cfg = new ConfigLoader(Map.of("MODELHUB_ADMIN_KEY", "letmein"))
                .parse("test.yaml", "", new ConfigLoader.Flags(null, 0, dir));
        assertThatThrownBy(() -> new Hub(cfg)).isInstanceOf(ConfigException.class).hasMessageContaining("MODELHUB_ADMIN_KEY")
                .hasMessageNotContaining("letmein");
    }

    @Test
    void secretsAndTokensNeverReachTheLogsOrStandardOutput() {
        String secret;
        String key;
        String token;
        String all;
        try (Capture c = new Capture(); MockUpstream upstream = new MockUpstream()) {
            try (TestHub hub = TestHub.start(TestHub.oneProvider("mockai", upstream, "acme/chat-1"))) {
                JsonNode created = createKey(hub, "{\"name\":\"logged?\",\"rpm\":1}");
                key = created.path("key").asText();
                secret = key.substring(key.indexOf('.') + 1);
                token = call(hub, "POST", "/v1/auth/tokens", null, key).json().path("access_token").asText();
                assertThat(call(hub, "POST", "/v1/chat/completions", CHAT, token).status()).isEqualTo(200);
                assertThat(call(hub, "POST", "/v1/chat/completions", CHAT, key).status()).isEqualTo(429);
                assertThat(call(hub, "POST", "/v1/chat/completions", CHAT, key.substring(0, key.length() - 2) + "xx").status()).isEqualTo(401);
                assertThat(call(hub, "DELETE", "/v1/keys/" + created.path("id").asText(), null, TestHub.ADMIN_KEY).status()).isEqualTo(200);
                assertThat(call(hub, "POST", "/v1/chat/completions", CHAT, key).status()).isEqualTo(401);
                assertThat(call(hub, "POST", "/v1/chat/completions", CHAT, token).status()).isEqualTo(401);
            }
            all = c.all();
        }
        // The capture works: the hub logged the bootstrap key by id only.
        assertThat(all).contains("mh-testadmin.***");
        assertThat(all).doesNotContain(secret).doesNotContain(token).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
        assertThat(all).doesNotContain("0123456789abcdef0123456789abcdef");
    }
}
