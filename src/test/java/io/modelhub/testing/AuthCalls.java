package io.modelhub.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Small steps the auth and limits tests share: make a key through the API, call with a credential, check an error. */
public final class AuthCalls {
    /** The smallest chat completion request for the model {@link TestHub#oneProvider} sets up as acme/chat-1. */
    public static final String CHAT = "{\"model\":\"acme/chat-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private AuthCalls() {}

    /** Creates a key through the API (as admin) and answers the 201 body. */
    public static JsonNode createKey(TestHub hub, String body) {
        TestHub.Response r = hub.post("/v1/keys", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    public static TestHub.Response call(TestHub hub, String method, String path, String body, String credential) {
        return hub.send(method, path, body, credential, Map.of());
    }

    /**
     * A chat completion with {@code key} on {@code hub}, repeated while it still succeeds, for at most a
     * second: a revocation made on another node arrives by asynchronous pub/sub, far below the 30 s cache.
     */
    public static TestHub.Response chatUntilRefused(TestHub hub, String key) throws InterruptedException {
        TestHub.Response r = call(hub, "POST", "/v1/chat/completions", CHAT, key);
        for (int i = 0; i < 20 && r.status() == 200; i++) {
            Thread.sleep(50);
            r = call(hub, "POST", "/v1/chat/completions", CHAT, key);
        }
        return r;
    }

    public static void assertError(TestHub.Response r, int status, String type, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().path("error").path("type").asText()).isEqualTo(type);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo(code);
    }
}
