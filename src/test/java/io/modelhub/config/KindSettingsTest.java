package io.modelhub.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A kind's own settings: read from the provider entry, secret ones never printed. */
class KindSettingsTest {
    @Test
    void secretSettingsNeverShowInAPrintedConfiguration() {
        HubConfig cfg = new ConfigLoader(Map.of()).parse("m.yaml", """
                providers:
                  - id: br
                    kind: bedrock
                    region: us-east-1
                    aws_access_key_id: AKIDSHOWN
                    aws_secret_access_key: very-secret-value
                    aws_session_token: session-secret-value
                """, ConfigLoader.Flags.NONE);
        KindSettings s = cfg.providers().getFirst().settings();
        assertThat(s.get("region", null)).isEqualTo("us-east-1");
        assertThat(s.secret("aws_secret_access_key").value()).isEqualTo("very-secret-value");
        assertThat(cfg.providers().toString()).contains("us-east-1").contains("AKIDSHOWN")
                .doesNotContain("very-secret-value").doesNotContain("session-secret-value");
    }

    @Test
    void aUserEntryOverridesOnlyTheSettingsItGives() {
        KindSettings builtin = new KindSettings(Map.of("version", "2023-06-01", "region", "eu-west-1"), java.util.Set.of());
        KindSettings merged = builtin.with(new KindSettings(Map.of("region", "us-east-1"), java.util.Set.of()));
        assertThat(merged.get("version", null)).isEqualTo("2023-06-01");
        assertThat(merged.get("region", null)).isEqualTo("us-east-1");
    }
}
