package io.modelhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SteeringTest {
    Upstreams up;

    @BeforeEach
    void start() {
        up = new Upstreams()
                .provider("alpha", "pricing: {input_per_mtok: 3.0, output_per_mtok: 6.0}")
                .provider("beta", "pricing: {input_per_mtok: 0.5, output_per_mtok: 1.0}")
                .provider("gamma", "pricing: {input_per_mtok: 1.0, output_per_mtok: 1.0}")
                .start();
    }

    @AfterEach
    void stop() {
        up.close();
    }

    private static void assertProvider(TestHub.Response r, String provider) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("x-modelhub-provider")).isEqualTo(provider);
    }

    private static void assertError(TestHub.Response r, int status, String type, String param, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().path("error").path("type").asText()).isEqualTo(type);
        assertThat(r.json().path("error").path("param").asText(null)).isEqualTo(param);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo(code);
    }

    @Test
    void withoutSteeringThePriorityPolicyTakesTheConfigurationOrder() {
        assertProvider(up.chat(""), "alpha");
    }

    @Test
    void onlyRestrictsTheRequestToTheListedProvidersInPolicyOrder() {
        up.mock("beta").always(new MockUpstream.Fail(500, null));
        TestHub.Response r = up.chat("\"provider\":{\"only\":[\"gamma\",\"beta\"]}");
        assertProvider(r, "gamma");
        assertThat(r.header("x-modelhub-attempts")).isEqualTo("2");
        assertThat(up.calls("alpha")).isZero();
        assertThat(up.calls("beta")).isEqualTo(1);
    }

    @Test
    void orderPutsTheListedProvidersFirstAndFallsBackThroughThem() {
        up.mock("gamma").always(new MockUpstream.Fail(503, null));
        TestHub.Response r = up.chat("\"provider\":{\"order\":[\"gamma\",\"beta\"]}");
        assertProvider(r, "beta");
        assertThat(r.header("x-modelhub-attempts")).isEqualTo("2");
        assertThat(up.calls("alpha")).isZero();
    }

    @Test
    void ignoreSkipsTheListedProviders() {
        assertProvider(up.chat("\"provider\":{\"ignore\":[\"alpha\"]}"), "beta");
        assertThat(up.calls("alpha")).isZero();
    }

    @Test
    void sortByPriceTakesTheCheapestOffering() {
        assertProvider(up.chat("\"provider\":{\"sort\":\"price\"}"), "beta");
    }

    @Test
    void sortByPriceFallsBackToTheNextCheapest() {
        up.mock("beta").always(new MockUpstream.Fail(500, null));
        assertProvider(up.chat("\"provider\":{\"sort\":\"price\"}"), "gamma");
    }

    @Test
    void theHeaderNamesTheOneProviderToUse() {
        assertProvider(up.chat("", Map.of("x-modelhub-provider", "gamma")), "gamma");
        assertThat(up.calls("alpha")).isZero();
    }

    @Test
    void aHeaderListIsAnOrderOfTheOnlyProvidersToUse() {
        up.mock("gamma").always(new MockUpstream.Fail(500, null));
        up.mock("beta").always(new MockUpstream.Fail(500, null));
        assertProvider(up.chat("", Map.of("x-modelhub-provider", "gamma, beta,alpha")), "alpha");
        TestHub.Response r = up.chat("", Map.of("x-modelhub-provider", "gamma,beta"));
        assertThat(r.status()).isEqualTo(502);
    }

    @Test
    void theBodyFieldWinsOverTheHeader() {
        assertProvider(up.chat("\"provider\":{\"only\":[\"beta\"]}", Map.of("x-modelhub-provider", "gamma")), "beta");
    }

    @Test
    void theProviderFieldIsNeverSentUpstream() {
        up.chat("\"provider\":{\"order\":[\"alpha\"]}");
        assertThat(up.mock("alpha").last().body().has("provider")).isFalse();
    }

    @Test
    void anUnknownProviderInTheBodyIsRejectedNamingTheParameter() {
        TestHub.Response r = up.chat("\"provider\":{\"only\":[\"nosuch\"]}");
        assertError(r, 400, "invalid_request_error", "provider.only", "unknown_provider");
        assertThat(r.json().path("error").path("message").asText()).contains("nosuch");
        assertThat(up.calls("alpha") + up.calls("beta") + up.calls("gamma")).isZero();
    }

    @Test
    void anUnknownProviderInTheHeaderIsRejected() {
        assertError(up.chat("", Map.of("x-modelhub-provider", "nosuch")), 400, "invalid_request_error", "x-modelhub-provider", "unknown_provider");
    }

    @Test
    void steeringThatLeavesNoOfferingOfTheModelIsRejected() {
        // sandbox is a real provider, but it does not serve this model
        TestHub.Response r = up.chat("\"provider\":{\"only\":[\"sandbox\"]}");
        assertError(r, 400, "invalid_request_error", "provider", "no_matching_provider");
        assertThat(r.json().path("error").path("message").asText()).contains("alpha", "beta", "gamma");
    }

    @Test
    void malformedSteeringIsRejected() {
        assertError(up.chat("\"provider\":\"alpha\""), 400, "invalid_request_error", "provider", "invalid_type");
        assertError(up.chat("\"provider\":{\"sort\":\"cheapest\"}"), 400, "invalid_request_error", "provider.sort", "invalid_value");
        assertError(up.chat("\"provider\":{\"order\":\"alpha\"}"), 400, "invalid_request_error", "provider.order", "invalid_type");
        assertError(up.chat("\"provider\":{\"allow_fallbacks\":\"no\"}"), 400, "invalid_request_error", "provider.allow_fallbacks", "invalid_type");
    }

    @Test
    void sortByLatencyPrefersTheProviderMeasuredFastest() {
        up.mock("alpha").always(new MockUpstream.SlowHeaders(250, new MockUpstream.Answer("slow", 3, 0)));
        up.mock("gamma").always(new MockUpstream.SlowHeaders(250, new MockUpstream.Answer("slow", 3, 0)));
        for (String p : new String[] {"alpha", "beta", "gamma"}) {
            assertProvider(up.chat("\"provider\":{\"only\":[\"" + p + "\"]}"), p);
        }
        assertThat(up.hub().hub().health().stats(offering("beta")).calls()).isEqualTo(1);
        assertProvider(up.chat("\"provider\":{\"sort\":\"latency\"}"), "beta");
    }

    @Test
    void sortByThroughputPrefersTheProviderMeasuredFastestPerToken() {
        up.mock("alpha").always(new MockUpstream.Answer("slow", 4, 60));
        up.mock("beta").always(new MockUpstream.Answer("slow", 4, 60));
        TestHub.Response[] head = new TestHub.Response[1];
        for (String p : new String[] {"alpha", "beta", "gamma"}) {
            up.stream("\"provider\":{\"only\":[\"" + p + "\"]}", head);
            assertProvider(head[0], p);
        }
        assertThat(up.hub().hub().health().stats(offering("gamma")).tokensPerSecond()).isPositive();
        assertProvider(up.chat("\"provider\":{\"sort\":\"throughput\"}"), "gamma");
    }

    private io.modelhub.catalog.Offering offering(String provider) {
        return up.hub().hub().catalog().get().model(Upstreams.MODEL).offerings().stream()
                .filter(o -> o.providerId().equals(provider)).findFirst().orElseThrow();
    }
}
