package io.modelhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FallbackTest {
    private static final MockUpstream.Answer OK = new MockUpstream.Answer("fine", 3, 0);
    Upstreams up;

    @BeforeEach
    void start() {
        up = new Upstreams().provider("alpha").provider("beta").provider("gamma").start();
    }

    @AfterEach
    void stop() {
        up.close();
    }

    private void assertAnsweredBy(TestHub.Response r, String provider, int attempts) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("x-modelhub-provider")).isEqualTo(provider);
        assertThat(r.header("x-modelhub-attempts")).isEqualTo(Integer.toString(attempts));
    }

    @Test
    void serverErrorFallsBackToTheNextProvider() {
        up.mock("alpha").always(new MockUpstream.Fail(500, null));
        TestHub.Response r = up.chat("");
        assertAnsweredBy(r, "beta", 2);
        assertThat(r.json().path("choices").get(0).path("message").path("content").asText()).isEqualTo("Hello from the mock");
        assertThat(up.calls("alpha")).isEqualTo(1);
        assertThat(up.calls("beta")).isEqualTo(1);
        assertThat(up.calls("gamma")).isZero();
        assertThat(up.mock("beta").last().body().path("model").asText()).isEqualTo("up-beta");
    }

    @Test
    void rateLimitWithALongRetryAfterMovesOnAtOnce() {
        up.mock("alpha").always(new MockUpstream.Fail(429, "30"));
        assertAnsweredBy(up.chat(""), "beta", 2);
        assertThat(up.calls("alpha")).isEqualTo(1);
    }

    @Test
    void aShortRetryAfterIsHonouredBeforeTheSameProviderIsTriedAgain() {
        up.mock("alpha").then(new MockUpstream.Fail(429, "1"));
        TestHub.Response r = up.chat("\"provider\":{\"only\":[\"alpha\"]}");
        assertAnsweredBy(r, "alpha", 2);
        assertThat(up.calls("alpha")).isEqualTo(2);
    }

    @Test
    void aRetryAfterBeyondTheCapGivesUpOnThatProviderWith502() {
        up.mock("alpha").always(new MockUpstream.Fail(429, "60"));
        TestHub.Response r = up.chat("\"provider\":{\"only\":[\"alpha\"]}");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("upstream_error");
        assertThat(r.header("retry-after")).isEqualTo("60");
        assertThat(up.calls("alpha")).isEqualTo(1);
    }

    @Test
    void slowHeadersBeyondFirstByteTimeoutFallBack() {
        up.mock("alpha").always(new MockUpstream.SlowHeaders(1500, OK));
        assertAnsweredBy(up.chat(""), "beta", 2);
    }

    @Test
    void slowFirstChunkBeyondFirstByteTimeoutFallsBackForAStream() {
        up.mock("alpha").always(new MockUpstream.SlowFirstChunk(1500, OK));
        TestHub.Response[] head = new TestHub.Response[1];
        List<String> events = up.stream("", head);
        assertAnsweredBy(head[0], "beta", 2);
        assertThat(events.getLast()).isEqualTo("[DONE]");
        assertThat(events).noneMatch(e -> e.contains("\"error\""));
    }

    @Test
    void connectionResetBeforeAnyAnswerFallsBack() {
        up.mock("alpha").always(new MockUpstream.Reset());
        assertAnsweredBy(up.chat(""), "beta", 2);
    }

    @Test
    void streamCutBeforeItsFirstChunkFallsBack() {
        up.mock("alpha").always(new MockUpstream.DieMidStream(0));
        TestHub.Response[] head = new TestHub.Response[1];
        List<String> events = up.stream("", head);
        assertAnsweredBy(head[0], "beta", 2);
        assertThat(events.getLast()).isEqualTo("[DONE]");
    }

    @Test
    void invalidJsonAnswerFallsBack() {
        up.mock("alpha").always(new MockUpstream.InvalidJson());
        assertAnsweredBy(up.chat(""), "beta", 2);
        TestHub.Response[] head = new TestHub.Response[1];
        List<String> events = up.stream("", head);
        assertAnsweredBy(head[0], "beta", 2);
        assertThat(events.getLast()).isEqualTo("[DONE]");
    }

    @Test
    void streamCutAfterItsFirstChunkEndsWithAnErrorEventAndNeverFallsBack() {
        up.mock("alpha").always(new MockUpstream.DieMidStream(2));
        TestHub.Response[] head = new TestHub.Response[1];
        List<String> events = up.stream("", head);
        assertAnsweredBy(head[0], "alpha", 1);
        assertThat(events.get(0)).contains("tok0");
        assertThat(events.get(1)).contains("tok1");
        assertThat(events.getLast()).startsWith("{\"error\":");
        assertThat(events).doesNotContain("[DONE]");
        assertThat(up.calls("beta")).isZero();
    }

    @Test
    void whenEveryProviderFailsThe502NamesEachOneAndItsError() {
        up.mock("alpha").always(new MockUpstream.Fail(500, null));
        up.mock("beta").always(new MockUpstream.Fail(503, null));
        up.mock("gamma").always(new MockUpstream.Reset());
        TestHub.Response r = up.chat("");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("upstream_error");
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("upstream_failed");
        String message = r.json().path("error").path("message").asText();
        assertThat(message).contains("alpha: HTTP 500", "beta: HTTP 503", "gamma: connection failed");
    }

    @Test
    void whenEveryProviderTimesOutTheAnswerIs504() {
        for (String p : new String[] {"alpha", "beta", "gamma"}) {
            up.mock(p).always(new MockUpstream.SlowHeaders(1500, OK));
        }
        TestHub.Response r = up.chat("");
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("upstream_timeout");
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("upstream_timeout");
        assertThat(r.json().path("error").path("message").asText()).contains("alpha", "beta", "gamma");
    }

    @Test
    void allowFallbacksFalseTriesOnlyTheFirstChoiceAndGives502() {
        up.mock("alpha").always(new MockUpstream.Fail(500, null));
        TestHub.Response r = up.chat("\"provider\":{\"allow_fallbacks\":false}");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("upstream_error");
        assertThat(r.json().path("error").path("message").asText()).contains("alpha").doesNotContain("beta");
        assertThat(up.calls("beta")).isZero();
        assertThat(up.calls("gamma")).isZero();
    }

    @Test
    void maxAttemptsBoundsHowManyCallsOneRequestMakes() {
        up.mock("alpha").always(new MockUpstream.Fail(500, null));
        up.mock("beta").always(new MockUpstream.Fail(500, null));
        up.mock("gamma").always(new MockUpstream.Fail(500, null));
        TestHub.Response r = up.chat("");
        assertThat(r.status()).isEqualTo(502);
        assertThat(up.calls("alpha") + up.calls("beta") + up.calls("gamma")).isEqualTo(3);
    }

    @Test
    void aSingleProviderIsRetriedAfterABackoffUntilItAnswers() {
        up.mock("beta").then(new MockUpstream.Fail(502, null), new MockUpstream.Fail(503, null));
        TestHub.Response r = up.chat("\"provider\":{\"only\":[\"beta\"]}");
        assertAnsweredBy(r, "beta", 3);
        assertThat(up.calls("beta")).isEqualTo(3);
    }

    @Test
    void theUpstreamsOwnRejectionOfTheRequestIsNotRetried() {
        up.mock("alpha").always(new MockUpstream.Fail(400, null));
        TestHub.Response r = up.chat("");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("upstream_rejected");
        assertThat(up.calls("beta")).isZero();
    }
}
