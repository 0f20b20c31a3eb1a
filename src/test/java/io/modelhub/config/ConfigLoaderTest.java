package io.modelhub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    static final String FILE = """
            server: {port: 9000, max_body_bytes: 4096}
            providers:
              - id: local-vllm
                kind: openai
                base_url: http://127.0.0.1:8000/v1/
                api_key: ${VLLM_API_KEY}
                timeouts: {connect_ms: 100, first_byte_ms: 200, idle_ms: 300}
            routing: {policy: price, max_attempts: 2}
            """;

    @Test
    void readsTheFileAndSubstitutesEnvironmentVariables() {
        HubConfig c = new ConfigLoader(Map.of("VLLM_API_KEY", "sekrit")).parse("m.yaml", FILE, ConfigLoader.Flags.NONE);
        assertThat(c.server().port()).isEqualTo(9000);
        assertThat(c.server().maxBodyBytes()).isEqualTo(4096);
        HubConfig.ProviderConfig p = c.providers().getFirst();
        assertThat(p.apiKey().value()).isEqualTo("sekrit");
        assertThat(p.apiKey().toString()).doesNotContain("sekrit");
        assertThat(p.baseUrl()).isEqualTo("http://127.0.0.1:8000/v1");
        assertThat(p.timeouts()).isEqualTo(new HubConfig.Timeouts(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300)));
        assertThat(c.routing().policy()).isEqualTo("price");
        assertThat(c.store().url()).isEqualTo("jdbc:sqlite:data/modelhub.db");
    }

    @Test
    void flagsWinOverEnvironmentWhichWinsOverTheFile() {
        Map<String, String> env = Map.of("MODELHUB_PORT", "9100", "MODELHUB_DATA_DIR", "/tmp/envdata");
        HubConfig fromEnv = new ConfigLoader(env).parse("m.yaml", FILE, ConfigLoader.Flags.NONE);
        assertThat(fromEnv.server().port()).isEqualTo(9100);
        assertThat(fromEnv.dataDir()).isEqualTo(Path.of("/tmp/envdata"));
        HubConfig fromFlags = new ConfigLoader(env).parse("m.yaml", FILE, new ConfigLoader.Flags(null, 9200, Path.of("/tmp/flagdata")));
        assertThat(fromFlags.server().port()).isEqualTo(9200);
        assertThat(fromFlags.dataDir()).isEqualTo(Path.of("/tmp/flagdata"));
        assertThat(fromFlags.store().url()).isEqualTo("jdbc:sqlite:/tmp/flagdata/modelhub.db");
    }

    @Test
    void storeUrlFromTheEnvironment() {
        HubConfig c = new ConfigLoader(Map.of("MODELHUB_STORE_URL", "jdbc:postgresql://127.0.0.1:5432/test")).parse("m.yaml", "", ConfigLoader.Flags.NONE);
        assertThat(c.store().url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test");
    }

    @Test
    void anUnknownFieldNamesTheFileAndTheField() {
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).parse("m.yaml", "providers:\n  - id: x\n    kind: openai\n    base_urll: http://a\n", ConfigLoader.Flags.NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("m.yaml: providers[0].base_urll: unknown field");
    }

    @Test
    void aWronglyTypedValueNamesTheFieldAndWhatIsWrong() {
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).parse("m.yaml",
                "providers:\n  - id: x\n    kind: openai\n    base_url: http://a\n    timeouts: {connect_ms: soon}\n", ConfigLoader.Flags.NONE))
                .hasMessage("m.yaml: providers[0].timeouts.connect_ms: must be a whole number (was 'soon')");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).parse("m.yaml", "providers:\n  - id: x\n    kind: grpc\n", ConfigLoader.Flags.NONE))
                .hasMessageContaining("providers[0].kind: must be one of anthropic, azure, bedrock, gemini, openai, sandbox (was 'grpc')");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).parse("m.yaml", "routing: {policy: cheapest}\n", ConfigLoader.Flags.NONE))
                .hasMessageContaining("routing.policy");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).parse("m.yaml", "server: [1]\n", ConfigLoader.Flags.NONE))
                .hasMessageContaining("m.yaml: server: must be a mapping");
    }

    @Test
    void invalidYamlNamesTheFile() {
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).parse("m.yaml", "server: {port: [\n", ConfigLoader.Flags.NONE))
                .hasMessageStartingWith("m.yaml: not valid YAML");
    }

    @Test
    void aMissingConfigFileIsAnError() {
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(new ConfigLoader.Flags(Path.of("/nonexistent/modelhub.yaml"), null, null)))
                .hasMessage("/nonexistent/modelhub.yaml: no such file");
    }

    @Test
    void theConfigFileIsFoundThroughTheEnvironment() throws Exception {
        Path f = Files.createTempFile("modelhub", ".yaml");
        Files.writeString(f, "server: {port: 9300}\n");
        HubConfig c = new ConfigLoader(Map.of("MODELHUB_CONFIG", f.toString())).load(ConfigLoader.Flags.NONE);
        assertThat(c.server().port()).isEqualTo(9300);
    }
}
