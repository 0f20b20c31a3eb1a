package io.modelhub.auth;

import static io.modelhub.testing.AuthCalls.CHAT;
import static io.modelhub.testing.AuthCalls.assertError;
import static io.modelhub.testing.AuthCalls.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.testing.TestHub;
import io.modelhub.testing.UpstreamAndHub;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An id the store does not know is answered from a short-lived negative cache, not by a store read each time. */
class UnknownKeyIdsTest {
    @RegisterExtension
    final UpstreamAndHub env = new UpstreamAndHub("mockai", "acme/chat-1");

    private ApiKeyCredential writtenBehindTheHubsBack(ApiKeyCredential cred) {
        // As a node sharing the store but not the bus would write it: the hub is not told.
        new KeyStore(env.hub().hub().store()).insert(new KeyRecord(cred.keyId(), "late", cred.hash(), List.of(Scope.READ),
                null, null, null, null, null, 0.0, System.currentTimeMillis(), null, null));
        return cred;
    }

    @Test
    void anUnknownIdIsRememberedSoTheNextProbeDoesNotReadTheStore() {
        ApiKeyCredential cred = ApiKeyCredential.generate(new SecureRandom());
        assertError(call(env.hub(), "POST", "/v1/chat/completions", CHAT, cred.reveal()), 401, "authentication_error", "invalid_api_key");
        writtenBehindTheHubsBack(cred);
        // The store has it now, but the hub answers the repeat from what it remembered.
        assertError(call(env.hub(), "POST", "/v1/chat/completions", CHAT, cred.reveal()), 401, "authentication_error", "invalid_api_key");
        // A change announced on the bus (what creating a key on any node does) clears it at once.
        env.hub().hub().keys().forget(cred.keyId());
        assertThat(call(env.hub(), "POST", "/v1/chat/completions", CHAT, cred.reveal()).status()).isEqualTo(200);
    }

    @Test
    void withoutAnAnnouncementTheMissIsForgottenAfterAFewSeconds() throws InterruptedException {
        ApiKeyCredential cred = ApiKeyCredential.generate(new SecureRandom());
        assertThat(call(env.hub(), "POST", "/v1/chat/completions", CHAT, cred.reveal()).status()).isEqualTo(401);
        writtenBehindTheHubsBack(cred);
        long deadline = System.nanoTime() + Keys.UNKNOWN_TTL.toNanos() * 6;
        int status;
        do {
            Thread.sleep(250);
            status = call(env.hub(), "POST", "/v1/chat/completions", CHAT, cred.reveal()).status();
        } while (status != 200 && System.nanoTime() < deadline);
        assertThat(status).isEqualTo(200);
    }

    @Test
    void aKeyCreatedOnThisNodeWorksAtOnce() {
        TestHub.Response created = call(env.hub(), "POST", "/v1/keys", "{\"name\":\"fresh\"}", TestHub.ADMIN_KEY);
        assertThat(created.status()).isEqualTo(201);
        assertThat(call(env.hub(), "POST", "/v1/chat/completions", CHAT, created.json().path("key").asText()).status()).isEqualTo(200);
    }
}
