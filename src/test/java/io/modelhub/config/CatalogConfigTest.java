package io.modelhub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelhub.catalog.CatalogLoader;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The catalog parts of the config file: the {@code catalog:} section and the provider fields the catalog merges. */
class CatalogConfigTest {
    private final ConfigLoader loader = new ConfigLoader(Map.of("MY_KEY", "k"));

    private HubConfig parse(String yaml) {
        return loader.parse("modelhub.yaml", yaml, ConfigLoader.Flags.NONE);
    }

    @Test
    void discoverySettingsHaveDefaultsAndCanBeSet() {
        assertThat(parse("").catalog()).isEqualTo(HubConfig.CatalogSettings.DEFAULT);
        HubConfig.CatalogSettings c = parse("catalog: {discovery_interval_seconds: 60, discovery_timeout_ms: 1500}").catalog();
        assertThat(c.discoveryInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.discoveryTimeout()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void badDiscoverySettingsNameTheField() {
        assertThatThrownBy(() -> parse("catalog: {discovery_interval_seconds: 0}"))
                .hasMessage("modelhub.yaml: catalog.discovery_interval_seconds: must be at least 1");
        assertThatThrownBy(() -> parse("catalog: {discovery_timeout_ms: soon}"))
                .hasMessageContaining("catalog.discovery_timeout_ms: must be a whole number");
        assertThatThrownBy(() -> parse("catalog: {interval: 5}")).hasMessageContaining("catalog.interval: unknown field");
    }

    @Test
    void providerFieldsLeftOutStayUnsaid() {
        HubConfig.ProviderConfig p = parse("providers: [{id: together}]").providers().getFirst();
        assertThat(p.kind()).isNull();
        assertThat(p.discover()).isNull();
        assertThat(p.local()).isNull();
        HubConfig.ProviderConfig q = parse("""
                providers:
                  - id: mine
                    kind: openai
                    base_url: http://127.0.0.1:1/v1/
                    api_key_env: MY_KEY
                    discover: true
                    supported_parameters: [temperature]
                    parameter_ranges: {temperature: {min: 0, max: 1}}
                """).providers().getFirst();
        assertThat(q.baseUrl()).isEqualTo("http://127.0.0.1:1/v1");
        assertThat(q.discover()).isTrue();
        assertThat(q.apiKeyEnv()).isEqualTo("MY_KEY");
        assertThat(q.parameterRanges().get("temperature").max()).isEqualTo(1.0);
    }

    @Test
    void builtInCatalogParsesWithDatesAsText() {
        ConfigLoader.CatalogEntries builtin = CatalogLoader.readBuiltin();
        assertThat(builtin.providers()).hasSize(12);
        assertThat(builtin.models()).hasSize(26);
        assertThat(builtin.providers().getFirst().asOf()).isEqualTo("2026-11-23");
        // bedrock's base URL follows from the region its user gives
        assertThat(builtin.providers()).filteredOn(p -> !"bedrock".equals(p.kind())).allSatisfy(p -> assertThat(p.baseUrl()).doesNotEndWith("/"));
    }
}
