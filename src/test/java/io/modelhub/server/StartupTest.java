package io.modelhub.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.config.ConfigLoader;
import io.modelhub.config.HubConfig;
import io.modelhub.testing.TestHub;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelhub serve} as a real process: it refuses to start, in one line, where it cannot run safely. */
class StartupTest {
    @TempDir
    Path tmp;

    /** The exit code, standard output and standard error of one finished {@code modelhub serve}. */
    record Run(int exit, String out, String err) {}

    Run serve(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                "io.modelhub.server.ModelHub", "serve"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
        pb.environment().put("MODELHUB_ADMIN_KEY", TestHub.ADMIN_KEY);
        pb.environment().remove("MODELHUB_CONFIG");
        pb.environment().remove("MODELHUB_STORE_URL");
        pb.environment().remove("MODELHUB_REDIS_URL");
        pb.redirectOutput(tmp.resolve("out.txt").toFile()).redirectError(tmp.resolve("err.txt").toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("modelhub serve " + String.join(" ", args) + " kept running: "
                    + Files.readString(tmp.resolve("err.txt")));
        }
        return new Run(p.exitValue(), Files.readString(tmp.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(tmp.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void portInUseExitsAtOnceSayingSo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Run r = serve("--port", String.valueOf(port), "--data-dir", tmp.resolve("data").toString());
            assertThat(r.exit()).as(r.err()).isNotZero();
            assertThat(r.err()).contains("modelhub: port " + port + " is in use");
            assertThat(r.err()).doesNotContain("\tat ");
        }
    }

    @Test
    void dataDirThatIsAFileIsOneLineAndExit2() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        Run r = serve("--port", "0", "--data-dir", file.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("modelhub: data directory " + file + " is not a directory");
    }

    @Test
    void dataDirReadableByOthersIsRefused() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("open"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Run r = serve("--port", "0", "--data-dir", dir.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("modelhub: data directory " + dir + " is open to other users")
                .contains("chmod 700");
        assertThat(Files.list(dir).toList()).as("nothing was written into it").isEmpty();
    }

    @Test
    void dataDirIsCreatedOwnerOnlyWithOwnerOnlyFiles() throws IOException {
        Path dir = tmp.resolve("fresh").resolve("data");
        // no MODELHUB_ADMIN_KEY: the hub generates the admin key and writes admin.key
        HubConfig cfg = new ConfigLoader(Map.of()).parse("test.yaml", "", new ConfigLoader.Flags(null, 0, dir));
        try (Hub hub = new Hub(cfg).start()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
            try (var files = Files.list(dir)) {
                List<Path> all = files.toList();
                assertThat(all).extracting(p -> p.getFileName().toString()).contains("modelhub.db", "admin.key");
                for (Path f : all) {
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString()).isEqualTo("rw-------");
                }
            }
        }
    }

    @Test
    void existingDatabaseFileIsMadeOwnerOnly() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("old"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path db = Files.createFile(dir.resolve("modelhub.db"));
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
        HubConfig cfg = new ConfigLoader(Map.of("MODELHUB_ADMIN_KEY", TestHub.ADMIN_KEY)).parse("test.yaml", "",
                new ConfigLoader.Flags(null, 0, dir));
        try (Hub hub = new Hub(cfg).start()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db))).isEqualTo("rw-------");
        }
    }

    @Test
    void aDatabaseOutsideTheDataDirIsMadeOwnerOnlyWhereverItIs() throws IOException {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path db = shared.resolve("hub.db");
        HubConfig cfg = new ConfigLoader(Map.of("MODELHUB_ADMIN_KEY", TestHub.ADMIN_KEY)).parse("test.yaml",
                "store: {url: \"jdbc:sqlite:" + db + "\"}\n", new ConfigLoader.Flags(null, 0, tmp.resolve("data")));
        try (Hub hub = new Hub(cfg).start()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db))).isEqualTo("rw-------");
        }
    }
}
