package io.modelhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PricePolicyTest {
    @Test
    void thePricePolicyPicksTheCheapestOfferingByInputPlusOutputPrice() {
        try (Upstreams up = new Upstreams()
                .provider("alpha", "pricing: {input_per_mtok: 0.2, output_per_mtok: 5.0}")
                .provider("beta", "pricing: {input_per_mtok: 1.0, output_per_mtok: 1.0}")
                .provider("gamma", "pricing: {input_per_mtok: 3.0, output_per_mtok: 0.5}")
                .routing("{policy: price}")
                .start()) {
            var r = up.chat("");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("x-modelhub-provider")).isEqualTo("beta");
            assertThat(up.calls("alpha")).isZero();
        }
    }
}
