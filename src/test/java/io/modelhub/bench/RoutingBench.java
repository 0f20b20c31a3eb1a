package io.modelhub.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.catalog.Catalog;
import io.modelhub.catalog.CatalogLoader;
import io.modelhub.catalog.Model;
import io.modelhub.config.ConfigLoader;
import io.modelhub.config.HubConfig;
import io.modelhub.providers.ProviderRegistry;
import io.modelhub.routing.Router;
import io.modelhub.api.ChatRequest;
import io.modelhub.api.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * The cost of choosing the offerings for one request (steering, parameter rules, policy, breakers:
 * {@link Router#plan}) for a model with 20 offerings, in microseconds. Nothing is sent anywhere.
 * Run by {@code bench/routing/run.sh}.
 */
public final class RoutingBench {
    private static final int OFFERINGS = 20;
    private static final int WARMUP = 200_000;
    private static final int SAMPLES = 200_000;

    public static void main(String[] args) throws Exception {
        ObjectMapper json = Json.newMapper();
        StringBuilder y = new StringBuilder("sandbox: {enabled: false}\nproviders:\n");
        for (int i = 0; i < OFFERINGS; i++) {
            y.append("  - {id: p").append(i).append(", kind: openai, base_url: \"http://127.0.0.1:9/v1\"}\n");
        }
        y.append("models:\n  - id: bench/model\n    capabilities: [streaming, tools, json_mode]\n    offerings:\n");
        for (int i = 0; i < OFFERINGS; i++) {
            y.append("      - provider: p").append(i).append('\n')
                    .append("        pricing: {input_per_mtok: ").append((OFFERINGS - i) * 0.1).append(", output_per_mtok: 1.0}\n")
                    .append("        supported_parameters: [temperature, top_p, max_tokens, stop, seed, tools, tool_choice]\n")
                    .append("        parameter_ranges: {temperature: {min: 0, max: ").append(i % 2 == 0 ? "1" : "2").append("}}\n");
        }
        HubConfig config = new ConfigLoader(Map.of()).parse("bench.yaml", y.toString(), new ConfigLoader.Flags(null, 0, Path.of("target/bench")));
        Catalog catalog = new CatalogLoader().load(config);
        try (ProviderRegistry providers = new ProviderRegistry(json, Duration.ZERO)) {
            providers.sync(catalog);
            Router router = new Router(providers, config.routing(), json);
            Model model = catalog.model("bench/model");
            String messages = "\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"hi\"}]";
            String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}]";
            run(json, router, model, "priority, plain request",
                    "{\"model\":\"bench/model\"," + messages + ",\"temperature\":0.7,\"max_tokens\":100}", null);
            run(json, router, model, "price sort, range skips half, drops 2 params, tools",
                    "{\"model\":\"bench/model\"," + messages + ",\"temperature\":1.5,\"logprobs\":true,\"n\":1," + tools
                            + ",\"provider\":{\"sort\":\"price\",\"ignore\":[\"p3\"],\"order\":[\"p7\"]}}", null);
            run(json, router, model, "header steering (3 providers)",
                    "{\"model\":\"bench/model\"," + messages + "}", "p5,p9,p11");
        }
    }

    private static void run(ObjectMapper json, Router router, Model model, String name, String body, String header) throws Exception {
        ChatRequest request = ChatRequest.of((ObjectNode) json.readTree(body), true);
        long sink = 0;
        for (int i = 0; i < WARMUP; i++) {
            sink += router.plan(model, request, header).size();
        }
        long[] nanos = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            long t0 = System.nanoTime();
            sink += router.plan(model, request, header).size();
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        System.out.printf("%-55s candidates=%d  p50=%.2f us  p99=%.2f us  p99.9=%.2f us  (%d samples, sink %d)%n",
                name, router.plan(model, request, header).size(),
                nanos[SAMPLES / 2] / 1000.0, nanos[(int) (SAMPLES * 0.99)] / 1000.0, nanos[(int) (SAMPLES * 0.999)] / 1000.0,
                SAMPLES, sink % 10);
    }
}
