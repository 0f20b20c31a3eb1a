package io.modelhub.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelhub.config.ConfigException;
import io.modelhub.config.ConfigLoader;
import io.modelhub.config.HubConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The session and single sign-on settings under {@code auth}. */
class UsersConfigTest {
    private static HubConfig parse(String yaml) {
        return new ConfigLoader(Map.of("OIDC_SECRET", "s3cret")).parse("hub.yaml", yaml, ConfigLoader.Flags.NONE);
    }

    @Test
    void sessionsLastAnHourIdleAndTwelveHoursAtMostUnlessConfigured() {
        assertThat(parse("").auth().sessionIdleMinutes()).isEqualTo(60);
        assertThat(parse("").auth().sessionMaxHours()).isEqualTo(12);
        HubConfig c = parse("auth: {session_idle_minutes: 15, session_max_hours: 8}");
        assertThat(c.auth().sessionIdleMinutes()).isEqualTo(15);
        assertThat(c.auth().sessionMaxHours()).isEqualTo(8);
    }

    @Test
    void singleSignOnSettingsAreReadAndTheSecretNeverPrinted() {
        HubConfig.Oidc o = parse("""
                auth:
                  oidc: {issuer: "https://idp", audience: hub, jwks_url: "https://idp/jwks", client_id: portal,
                         client_secret: "${OIDC_SECRET}", token_endpoint: "https://idp/token"}
                """).auth().oidc();
        assertThat(o.clientId()).isEqualTo("portal");
        assertThat(o.clientSecret().value()).isEqualTo("s3cret");
        assertThat(o.tokenEndpoint()).isEqualTo("https://idp/token");
        assertThat(o.authorizationEndpoint()).isNull();
        assertThat(o.toString()).doesNotContain("s3cret");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "auth: {session_idle_minutes: 0}|auth.session_idle_minutes",
        "auth: {session_max_hours: 9000}|auth.session_max_hours",
        "auth: {session_max_hours: long}|auth.session_max_hours",
        "auth: {oidc: {issuer: x, audience: y, jwks_url: 'https://x', token_endpoint: 'idp/token'}}|auth.oidc.token_endpoint",
        "auth: {oidc: {issuer: x, audience: y, jwks_url: 'https://x', redirect_uri: 'callback'}}|auth.oidc.redirect_uri",
    })
    void mistakesAreReportedWithTheirPath(String yaml, String path) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class).hasMessageContaining(path);
    }
}
