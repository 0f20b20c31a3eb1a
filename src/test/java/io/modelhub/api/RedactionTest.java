package io.modelhub.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {
    @Test
    void userinfoIsRemovedFromAUrl() {
        assertThat(Redaction.url("https://svc:hunter2@llm.internal:8443/v1")).isEqualTo("https://llm.internal:8443/v1");
        assertThat(Redaction.url("http://token@host/v1")).isEqualTo("http://host/v1");
    }

    @Test
    void secretQueryValuesAreMasked() {
        assertThat(Redaction.url("https://h/v1?api-key=abc123&region=eu&token=t0k&sig=s1&x_api_key=k"))
                .isEqualTo("https://h/v1?api-key=***&region=eu&token=***&sig=***&x_api_key=***");
        assertThat(Redaction.url("https://h/v1?KEY=abc")).isEqualTo("https://h/v1?KEY=***");
    }

    @Test
    void urlsInsideTextAreRedacted() {
        assertThat(Redaction.text("failed calling http://u:p@h:1/v1/chat?key=zz (refused)"))
                .isEqualTo("failed calling http://h:1/v1/chat?key=*** (refused)");
    }

    @Test
    void textWithoutSecretsIsUnchanged() {
        String plain = "the model 'a/b' is overloaded; retry in 3 s (see https://status.example.com/page?id=4)";
        assertThat(Redaction.text(plain)).isEqualTo(plain);
        assertThat(Redaction.text(null)).isNull();
        assertThat(Redaction.text("mail me at dev@example.com")).isEqualTo("mail me at dev@example.com");
    }
}
