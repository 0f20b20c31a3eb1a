package io.modelhub.users;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordsTest {
    final Passwords passwords = new Passwords();

    @Test
    void aHashIsSaltedArgon2idInPhcFormAndOnlyTheRightPasswordMatches() {
        String a = passwords.hash("correct horse battery");
        String b = passwords.hash("correct horse battery");
        assertThat(a).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain("correct horse");
        assertThat(a).isNotEqualTo(b);
        assertThat(passwords.verify("correct horse battery", a)).isTrue();
        assertThat(passwords.verify("correct horse battery", b)).isTrue();
        assertThat(passwords.verify("correct horse batterz", a)).isFalse();
    }

    @Test
    void anUnknownOrUnreadableHashNeverMatches() {
        assertThat(passwords.verify("anything at all", null)).isFalse();
        assertThat(passwords.verify("anything at all", "$2a$10$bcrypt-is-not-read-here")).isFalse();
        assertThat(passwords.verify("anything at all", "$argon2id$v=19$m=1,t=1,p=1$AAAA$AAAA")).isFalse();
    }
}
