package io.modelhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.TestHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ParameterRulesTest {
    Upstreams up;

    @BeforeEach
    void start() {
        up = new Upstreams()
                .provider("strict",
                        "supported_parameters: [temperature, max_tokens, stop]",
                        "parameter_ranges: {temperature: {min: 0, max: 1}}",
                        "capabilities: [streaming]")
                .provider("open", "parameter_ranges: {temperature: {min: 0, max: 1.2}}")
                .provider("topk", "supported_parameters: [temperature, top_k, tools, tool_choice, response_format]")
                .start();
    }

    @AfterEach
    void stop() {
        up.close();
    }

    private static void assertError(TestHub.Response r, String param, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(r.json().path("error").path("param").asText()).isEqualTo(param);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo(code);
    }

    @Test
    void unsupportedParametersAreDroppedNeverSentAndNamedInTheHeader() {
        TestHub.Response r = up.chat("\"temperature\":0.3,\"seed\":7,\"logprobs\":true,\"max_tokens\":20,\"provider\":{\"only\":[\"strict\"]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("x-modelhub-dropped-params")).isEqualTo("seed,logprobs");
        JsonNode got = up.mock("strict").last().body();
        assertThat(got.has("seed")).isFalse();
        assertThat(got.has("logprobs")).isFalse();
        assertThat(got.has("provider")).isFalse();
        assertThat(got.path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(got.path("max_tokens").asInt()).isEqualTo(20);
        assertThat(got.path("messages").isArray()).isTrue();
    }

    @Test
    void anOfferingWithoutAListTakesEveryFieldExceptTopK() {
        TestHub.Response r = up.chat("\"seed\":7,\"x_vendor\":{\"a\":1},\"top_k\":40,\"provider\":{\"only\":[\"open\"]}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-modelhub-dropped-params")).isEqualTo("top_k");
        JsonNode got = up.mock("open").last().body();
        assertThat(got.path("seed").asInt()).isEqualTo(7);
        assertThat(got.path("x_vendor").path("a").asInt()).isEqualTo(1);
        assertThat(got.has("top_k")).isFalse();
    }

    @Test
    void topKGoesToAnOfferingThatListsIt() {
        TestHub.Response r = up.chat("\"top_k\":40,\"provider\":{\"only\":[\"topk\"]}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-modelhub-dropped-params")).isNull();
        assertThat(up.mock("topk").last().body().path("top_k").asInt()).isEqualTo(40);
    }

    @Test
    void aValueOutsideAnOfferingsRangeSkipsThatOffering() {
        TestHub.Response r = up.chat("\"temperature\":1.1");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("x-modelhub-provider")).isEqualTo("open");
        assertThat(r.header("x-modelhub-attempts")).isEqualTo("1");
        assertThat(up.calls("strict")).isZero();
        assertThat(up.mock("open").last().body().path("temperature").asDouble()).isEqualTo(1.1);
    }

    @Test
    void aValueOutsideEveryRangeIsRejectedNamingTheParameterAndTheRange() {
        TestHub.Response r = up.chat("\"temperature\":1.5,\"provider\":{\"ignore\":[\"topk\"]}");
        assertError(r, "temperature", "parameter_out_of_range");
        assertThat(r.json().path("error").path("message").asText())
                .contains("strict accepts temperature from 0 to 1", "open accepts temperature from 0 to 1.2", "1.5");
        assertThat(up.calls("strict") + up.calls("open")).isZero();
    }

    @Test
    void anOfferingLackingANeededCapabilityIsSkipped() {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\"}}}]";
        TestHub.Response r = up.chat(tools);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("x-modelhub-provider")).isEqualTo("open");
        assertThat(up.calls("strict")).isZero();
    }

    @Test
    void whenNoOfferingHasTheCapabilityTheErrorNamesIt() {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\"}}}]";
        TestHub.Response r = up.chat(tools + ",\"provider\":{\"only\":[\"strict\"]}");
        assertError(r, "tools", "capability_not_supported");
        assertThat(r.json().path("error").path("message").asText()).contains("does not support tools");

        assertError(up.chat("\"response_format\":{\"type\":\"json_object\"},\"provider\":{\"only\":[\"strict\"]}"),
                "response_format", "capability_not_supported");

        String image = "{\"model\":\"acme/chat\",\"provider\":{\"only\":[\"strict\"]},\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"what is it?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}}]}]}";
        TestHub.Response v = up.hub().post("/v1/chat/completions", image);
        assertError(v, "messages", "capability_not_supported");
        assertThat(v.json().path("error").path("message").asText()).contains("vision");
    }
}
