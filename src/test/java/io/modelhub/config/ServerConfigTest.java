package io.modelhub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code server:} connection timeouts: defaults, values, and the errors for bad ones. */
class ServerConfigTest {
    static HubConfig parse(String yaml) {
        return new ConfigLoader(Map.of()).parse("hub.yaml", yaml, new ConfigLoader.Flags(null, 0, Path.of("target/cfg")));
    }

    @Test
    void timeoutsDefaultToFifteenSixtyAndSeventyFiveSeconds() {
        HubConfig.ConnectionTimeouts t = parse("").server().timeouts();
        assertThat(t.header()).isEqualTo(Duration.ofSeconds(15));
        assertThat(t.body()).isEqualTo(Duration.ofSeconds(60));
        assertThat(t.idle()).isEqualTo(Duration.ofSeconds(75));
    }

    @Test
    void timeoutsAreReadInMilliseconds() {
        HubConfig.ConnectionTimeouts t = parse("server: {header_timeout_ms: 500, body_timeout_ms: 2500, idle_timeout_ms: 3000}\n")
                .server().timeouts();
        assertThat(t).isEqualTo(new HubConfig.ConnectionTimeouts(Duration.ofMillis(500), Duration.ofMillis(2500), Duration.ofMillis(3000)));
    }

    @Test
    void zeroOrNegativeOrNonNumericTimeoutsStopStartUpNamingTheField() {
        assertThatThrownBy(() -> parse("server: {header_timeout_ms: 0}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("server.header_timeout_ms").hasMessageContaining("at least 1");
        assertThatThrownBy(() -> parse("server: {body_timeout_ms: -5}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("server.body_timeout_ms");
        assertThatThrownBy(() -> parse("server: {idle_timeout_ms: 200}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("server.idle_timeout_ms").hasMessageContaining("at least 1000");
        assertThatThrownBy(() -> parse("server: {header_timeout_ms: soon}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("server.header_timeout_ms");
    }

    @Test
    void anUnknownServerFieldIsStillRefused() {
        assertThatThrownBy(() -> parse("server: {read_timeout_ms: 5}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("read_timeout_ms").hasMessageContaining("idle_timeout_ms");
    }
}
