package io.modelhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.catalog.ProviderStatus;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.util.List;
import org.junit.jupiter.api.Test;

class BreakerTest {
    private static final String KEY_ALPHA = "alpha|" + Upstreams.MODEL;

    @Test
    void theBreakerOpensSkipsTheProviderShowsItDownAndClosesAfterRecovery() throws Exception {
        try (Upstreams up = new Upstreams().provider("alpha").provider("beta").start()) {
            up.mock("alpha").always(new MockUpstream.Fail(500, null));
            for (int i = 0; i < 3; i++) {
                assertThat(up.chat("").header("x-modelhub-provider")).isEqualTo("beta");
            }
            assertThat(up.hub().hub().router().breakerStates()).containsEntry(KEY_ALPHA, CircuitBreaker.State.OPEN);
            assertThat(up.hub().hub().health().status("alpha")).isEqualTo(ProviderStatus.DOWN);
            assertThat(up.hub().hub().health().status("beta")).isEqualTo(ProviderStatus.HEALTHY);
            assertThat(up.hub().get("/v1/providers/alpha").json().path("status").asText()).isEqualTo("down");
            assertThat(up.hub().get("/v1/providers").json().path("data").findValuesAsText("status")).contains("down", "healthy");

            TestHub.Response skipped = up.chat("");
            assertThat(skipped.header("x-modelhub-provider")).isEqualTo("beta");
            assertThat(skipped.header("x-modelhub-attempts")).isEqualTo("1");
            assertThat(up.calls("alpha")).isEqualTo(3);

            up.mock("alpha").always(new MockUpstream.Answer("back", 3, 0));
            String answeredBy = null;
            for (int i = 0; i < 100 && !"alpha".equals(answeredBy); i++) {
                Thread.sleep(50);
                answeredBy = up.chat("").header("x-modelhub-provider");
            }
            assertThat(answeredBy).isEqualTo("alpha");
            assertThat(up.hub().hub().router().breakerStates()).containsEntry(KEY_ALPHA, CircuitBreaker.State.CLOSED);
            assertThat(up.hub().hub().health().status("alpha")).isNotEqualTo(ProviderStatus.DOWN);
            for (int i = 0; i < 4; i++) {
                up.chat("");
            }
            // the window (4 calls in this test) now holds only successes
            assertThat(up.hub().hub().health().status("alpha")).isEqualTo(ProviderStatus.HEALTHY);
            assertThat(up.hub().get("/v1/providers/alpha").json().path("status").asText()).isEqualTo("healthy");
            assertThat(up.hub().get("/v1/models/" + Upstreams.MODEL + "/providers/alpha").json().path("stats").path("calls").asLong())
                    .isEqualTo(4);
        }
    }

    @Test
    void whenEveryOfferingIsOpenTheAnswerIs503() {
        try (Upstreams up = new Upstreams().provider("alpha").start()) {
            up.mock("alpha").always(new MockUpstream.Fail(503, null));
            assertThat(up.chat("").status()).isEqualTo(502);
            TestHub.Response r = up.chat("");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.json().path("error").path("type").asText()).isEqualTo("unavailable_error");
            assertThat(r.json().path("error").path("code").asText()).isEqualTo("no_provider_available");
            assertThat(r.header("retry-after")).isEqualTo("1");
            assertThat(up.calls("alpha")).isEqualTo(3);
            assertThat(up.hub().hub().health().status("alpha")).isEqualTo(ProviderStatus.DOWN);
        }
    }

    @Test
    void aStreamFailingAfterItsFirstChunkCountsAgainstTheBreaker() {
        try (Upstreams up = new Upstreams().provider("alpha").provider("beta").start()) {
            up.mock("alpha").always(new MockUpstream.DieMidStream(2));
            TestHub.Response[] head = new TestHub.Response[1];
            for (int i = 0; i < 3; i++) {
                List<String> events = up.stream("", head);
                assertThat(head[0].header("x-modelhub-provider")).isEqualTo("alpha");
                assertThat(events.getLast()).startsWith("{\"error\":");
            }
            assertThat(up.hub().hub().router().breakerStates()).containsEntry(KEY_ALPHA, CircuitBreaker.State.OPEN);
            up.stream("", head);
            assertThat(head[0].header("x-modelhub-provider")).isEqualTo("beta");
        }
    }

    @Test
    void aRejectedRequestDoesNotCountAgainstTheProvider() {
        try (Upstreams up = new Upstreams().provider("alpha").start()) {
            up.mock("alpha").always(new MockUpstream.Fail(400, null));
            for (int i = 0; i < 4; i++) {
                assertThat(up.chat("").status()).isEqualTo(400);
            }
            assertThat(up.hub().hub().router().breakerStates()).containsEntry(KEY_ALPHA, CircuitBreaker.State.CLOSED);
            assertThat(up.hub().hub().health().status("alpha")).isEqualTo(ProviderStatus.HEALTHY);
        }
    }
}
