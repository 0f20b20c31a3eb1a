package io.modelhub.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelhub.config.ConfigException;
import io.modelhub.config.ConfigLoader;
import io.modelhub.config.HubConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingConfigTest {
    private static HubConfig parse(String yaml) {
        return new ConfigLoader(Map.of()).parse("hub.yaml", yaml, new ConfigLoader.Flags(null, 0, Path.of("target/cfg")));
    }

    @Test
    void defaultsApplyWhenTheSectionIsAbsent() {
        HubConfig.Routing r = parse("sandbox: {enabled: true}").routing();
        assertThat(r.policy()).isEqualTo("priority");
        assertThat(r.maxAttempts()).isEqualTo(3);
        assertThat(r.breaker()).isEqualTo(HubConfig.Breaker.DEFAULT);
        assertThat(r.backoff()).isEqualTo(HubConfig.Backoff.DEFAULT);
        assertThat(r.windowCalls()).isEqualTo(100);
    }

    @Test
    void everySettingIsRead() {
        HubConfig.Routing r = parse("""
                routing:
                  policy: latency
                  window_calls: 50
                  backoff: {base_ms: 20, max_ms: 500, retry_after_max_ms: 1000}
                  breaker: {consecutive_failures: 2, failure_rate: 0.25, min_calls: 8, open_ms: 5000}
                """).routing();
        assertThat(r.policy()).isEqualTo("latency");
        assertThat(r.windowCalls()).isEqualTo(50);
        assertThat(r.backoff()).isEqualTo(new HubConfig.Backoff(Duration.ofMillis(20), Duration.ofMillis(500), Duration.ofSeconds(1)));
        assertThat(r.breaker()).isEqualTo(new HubConfig.Breaker(2, 0.25, 8, Duration.ofSeconds(5)));
    }

    @Test
    void badValuesAreReportedWithTheirPath() {
        assertThatThrownBy(() -> parse("routing: {breaker: {failure_rate: 2}}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("routing.breaker.failure_rate");
        assertThatThrownBy(() -> parse("routing: {breaker: {opens_after: 2}}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("routing.breaker").hasMessageContaining("opens_after");
        assertThatThrownBy(() -> parse("routing: {backoff: {base_ms: 500, max_ms: 100}}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("routing.backoff.max_ms");
        assertThatThrownBy(() -> parse("routing: {window_calls: 0}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("routing.window_calls");
        assertThatThrownBy(() -> parse("routing: {policy: cheapest}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("routing.policy");
    }
}
