package io.modelhub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelhub.providers.ConnectionGate;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A provider's {@code connections} block: read with its defaults, refused with a message naming the field when wrong. */
class ConnectionsConfigTest {
    private static HubConfig.ProviderConfig provider(String connections) {
        return parse("openai", connections).providers().getFirst();
    }

    private static HubConfig parse(String kind, String connections) {
        String yaml = "providers:\n  - id: x\n    kind: " + kind + "\n    base_url: http://a\n"
                + (connections == null ? "" : "    connections: " + connections + "\n");
        return new ConfigLoader(Map.of()).parse("m.yaml", yaml, ConfigLoader.Flags.NONE);
    }

    @Test
    void everyFieldIsRead() {
        assertThat(provider("{max: 8, queue: 20, queue_timeout_ms: 1500}").connections())
                .isEqualTo(new HubConfig.Connections(8, 20, Duration.ofMillis(1500)));
    }

    @Test
    void theQueueDefaultsToMaxAndTheWaitToTheConnectTimeout() {
        HubConfig.Connections c = provider("{max: 4}").connections();
        assertThat(c.max()).isEqualTo(4);
        assertThat(c.queue()).isEqualTo(4);
        assertThat(c.queueTimeout()).isNull();
        assertThat(c.queueTimeoutOr(Duration.ofMillis(700))).isEqualTo(Duration.ofMillis(700));
        assertThat(provider("{max: 4, queue: 0, queue_timeout_ms: 0}").connections())
                .isEqualTo(new HubConfig.Connections(4, 0, Duration.ZERO));
    }

    @Test
    void noBlockMeansNoLimitAndAGateThatDoesNothing() {
        assertThat(provider(null).connections()).isNull();
        assertThat(ConnectionGate.of(null, Duration.ofSeconds(5))).isSameAs(ConnectionGate.UNLIMITED);
        assertThat(ConnectionGate.of(new HubConfig.Connections(2, 1, null), Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ConnectionGate.Bounded.class, g -> {
                    assertThat(g.max()).isEqualTo(2);
                    assertThat(g.inFlight()).isZero();
                });
    }

    @Test
    void everyHttpKindAcceptsTheBlock() {
        for (String kind : new String[] {"openai", "azure", "anthropic", "gemini"}) {
            assertThat(parse(kind, "{max: 3}").providers().getFirst().connections().max()).as(kind).isEqualTo(3);
        }
        HubConfig bedrock = new ConfigLoader(Map.of()).parse("m.yaml",
                "providers:\n  - id: x\n    kind: bedrock\n    region: us-east-1\n    connections: {max: 3}\n", ConfigLoader.Flags.NONE);
        assertThat(bedrock.providers().getFirst().connections().max()).isEqualTo(3);
    }

    @Test
    void badValuesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> provider("{max: 0}"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("m.yaml: providers[0].connections.max: must be at least 1 (was 0)");
        assertThatThrownBy(() -> provider("{max: -3}"))
                .hasMessage("m.yaml: providers[0].connections.max: must be at least 1 (was -3)");
        assertThatThrownBy(() -> provider("{max: 2.5}"))
                .hasMessage("m.yaml: providers[0].connections.max: must be a whole number (was '2.5')");
        assertThatThrownBy(() -> provider("{max: many}"))
                .hasMessage("m.yaml: providers[0].connections.max: must be a whole number (was 'many')");
        assertThatThrownBy(() -> provider("{queue: 3}"))
                .hasMessageStartingWith("m.yaml: providers[0].connections.max: is required");
        assertThatThrownBy(() -> provider("{max: 2, queue: -1}"))
                .hasMessage("m.yaml: providers[0].connections.queue: must not be negative (was -1)");
        assertThatThrownBy(() -> provider("{max: 2, queue_timeout_ms: -5}"))
                .hasMessage("m.yaml: providers[0].connections.queue_timeout_ms: must not be negative");
        assertThatThrownBy(() -> provider("{max: 2, queue_timeout_ms: 1.5}"))
                .hasMessage("m.yaml: providers[0].connections.queue_timeout_ms: must be a whole number (was '1.5')");
        assertThatThrownBy(() -> provider("{max: 2, wait_ms: 100}"))
                .hasMessage("m.yaml: providers[0].connections.wait_ms: unknown field (known here: max, queue, queue_timeout_ms)");
        assertThatThrownBy(() -> provider("8"))
                .hasMessage("m.yaml: providers[0].connections: must be a mapping");
    }

    @Test
    void theSandboxHasNoUpstreamToLimit() {
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).parse("m.yaml",
                "providers:\n  - id: x\n    kind: sandbox\n    connections: {max: 2}\n", ConfigLoader.Flags.NONE))
                .hasMessage("m.yaml: providers[0].connections: is only for kinds that call an upstream (was kind 'sandbox')");
    }
}
