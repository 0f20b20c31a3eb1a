package io.modelhub.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelhub.config.ConfigException;
import io.modelhub.config.ConfigLoader;
import io.modelhub.config.HubConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageConfigTest {
    HubConfig parse(String yaml) {
        return new ConfigLoader(Map.of()).parse("hub.yaml", yaml, ConfigLoader.Flags.NONE);
    }

    @Test
    void usageAndMetricsHaveDefaults() {
        HubConfig c = parse("");
        assertThat(c.usage()).isEqualTo(new HubConfig.Usage(true, 10_000, 500, Duration.ofMillis(200)));
        assertThat(c.metrics().requireAdmin()).isFalse();
    }

    @Test
    void usageAndMetricsAreRead() {
        HubConfig c = parse("usage: {enabled: false, queue_capacity: 5, batch_size: 2, flush_interval_ms: 7}\nmetrics: {require_admin: true}");
        assertThat(c.usage()).isEqualTo(new HubConfig.Usage(false, 5, 2, Duration.ofMillis(7)));
        assertThat(c.metrics().requireAdmin()).isTrue();
    }

    @Test
    void badUsageSettingsNameTheirPath() {
        assertThatThrownBy(() -> parse("usage: {queue_capacity: 0}")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("usage.queue_capacity").hasMessageContaining("at least 1");
        assertThatThrownBy(() -> parse("usage: {batch_size: -1}")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("usage.batch_size");
        assertThatThrownBy(() -> parse("usage: {flush_interval_ms: 0}")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("usage.flush_interval_ms");
        assertThatThrownBy(() -> parse("usage: {flush_interval_ms: soon}")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("usage.flush_interval_ms");
        assertThatThrownBy(() -> parse("usage: {queue_size: 10}")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("usage.queue_size").hasMessageContaining("unknown field");
        assertThatThrownBy(() -> parse("metrics: {require_admin: maybe}")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("metrics.require_admin");
    }
}
