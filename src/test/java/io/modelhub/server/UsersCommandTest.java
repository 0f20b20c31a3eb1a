package io.modelhub.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.config.ConfigLoader;
import io.modelhub.testing.Portal;
import io.modelhub.testing.TestHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code modelhub users create}: the first admin from the command line, into the store the hub then serves. */
class UsersCommandTest {
    private static int run(Map<String, String> env, String... args) {
        return new CommandLine(new ModelHub(env)).execute(args);
    }

    @Test
    void createsAnAdminWhoThenSignsInToTheHub() throws Exception {
        Path dir = Files.createTempDirectory("modelhub-cli");
        Map<String, String> env = Map.of("MODELHUB_ADMIN_PASSWORD", Portal.PASSWORD);
        assertThat(run(env, "users", "create", "--email", "root@example.com", "--name", "Root", "--admin", "--data-dir", dir.toString()))
                .isZero();
        // the same email again: the user exists, exit 1
        assertThat(run(env, "users", "create", "--email", "ROOT@example.com", "--name", "Root", "--data-dir", dir.toString())).isEqualTo(1);

        var cfg = new ConfigLoader(Map.of("MODELHUB_ADMIN_KEY", TestHub.ADMIN_KEY)).parse("t.yaml", "", new ConfigLoader.Flags(null, 0, dir));
        try (Hub hub = new Hub(cfg).start()) {
            TestHub.Response r = new TestHubClient(hub).login("root@example.com", Portal.PASSWORD);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().path("user").path("role").asText()).isEqualTo("admin");
        }
    }

    @Test
    void aWeakPasswordOrAMissingOneIsRefusedWithAClearExitCode() throws Exception {
        Path dir = Files.createTempDirectory("modelhub-cli");
        assertThat(run(Map.of("MODELHUB_ADMIN_PASSWORD", "short"), "users", "create", "--email", "a@example.com", "--name", "A",
                "--data-dir", dir.toString())).isEqualTo(1);
        // no MODELHUB_ADMIN_PASSWORD and no terminal (tests have none): exit 2
        assertThat(run(Map.of(), "users", "create", "--email", "a@example.com", "--name", "A", "--data-dir", dir.toString())).isEqualTo(2);
        // a required flag missing: picocli's usage error
        assertThat(run(Map.of(), "users", "create", "--name", "A")).isEqualTo(2);
    }

    /** Talks to a hub started outside {@link TestHub}. */
    private record TestHubClient(Hub hub) {
        TestHub.Response login(String email, String password) throws Exception {
            var http = java.net.http.HttpClient.newHttpClient();
            var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + hub.port() + "/auth/login"))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}")).build();
            var r = http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
            return new TestHub.Response(r.statusCode(), Map.of(), r.body());
        }
    }
}
