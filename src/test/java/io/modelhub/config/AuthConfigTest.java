package io.modelhub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AuthConfigTest {
    private static HubConfig parse(String yaml) {
        return new ConfigLoader(Map.of()).parse("hub.yaml", yaml, ConfigLoader.Flags.NONE);
    }

    @Test
    void absentSectionsMeanOneHourTokensNoOidcAndNoLimits() {
        HubConfig c = parse("");
        assertThat(c.auth().tokenTtlSeconds()).isEqualTo(3600);
        assertThat(c.auth().oidc()).isNull();
        assertThat(c.limits()).isEqualTo(HubConfig.Limits.UNLIMITED);
    }

    @Test
    void authAndLimitsAreRead() {
        HubConfig c = parse("""
                auth:
                  token_ttl_seconds: 120
                  oidc: {issuer: "https://idp", audience: hub, jwks_url: "https://idp/jwks"}
                limits: {rpm: 60, tpm: 100000}
                """);
        assertThat(c.auth().tokenTtlSeconds()).isEqualTo(120);
        assertThat(c.auth().oidc()).isEqualTo(new HubConfig.Oidc("https://idp", "hub", "https://idp/jwks", "scope"));
        assertThat(c.limits()).isEqualTo(new HubConfig.Limits(60, 100_000));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "auth: {token_ttl_seconds: 0}|auth.token_ttl_seconds",
        "auth: {ttl: 5}|auth.ttl",
        "auth: {oidc: {issuer: x, audience: y}}|auth.oidc.jwks_url",
        "auth: {oidc: {issuer: x, audience: y, jwks_url: 'ftp://x'}}|auth.oidc.jwks_url",
        "auth: {oidc: {audience: y, jwks_url: 'https://x'}}|auth.oidc.issuer",
        "limits: {rpm: 0}|limits.rpm",
        "limits: {tpm: lots}|limits.tpm",
        "limits: {rph: 5}|limits.rph",
    })
    void mistakesAreReportedWithTheirPath(String yaml, String path) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class).hasMessageContaining(path);
    }
}
