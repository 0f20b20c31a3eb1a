package io.modelhub.bench;

import io.modelhub.catalog.Capability;
import io.modelhub.catalog.Catalog;
import io.modelhub.catalog.CatalogLoader;
import io.modelhub.catalog.CatalogView;
import io.modelhub.catalog.Model;
import io.modelhub.catalog.ModelFilter;
import io.modelhub.config.ConfigLoader;
import io.modelhub.config.HubConfig;
import io.modelhub.api.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A benchmark, not a test: builds a synthetic catalog of 5,000 models over 50 providers and times, in
 * process, what the catalog endpoints do per request (list, each filter, one lookup), printing p50 and p99.
 * Run it with {@code bench/catalog/run.sh}.
 */
public final class CatalogBench {
    private static final int PROVIDERS = 50;
    private static final int MODELS = 5_000;
    private static final int WARMUP = 300;
    private static final int RUNS = 1_000;

    private CatalogBench() {}

    public static void main(String[] args) {
        Random random = new Random(42);
        List<HubConfig.ProviderConfig> providers = new ArrayList<>();
        Map<String, String> env = new HashMap<>();
        for (int p = 0; p < PROVIDERS; p++) {
            String id = "provider-" + p;
            String keyVar = "PROVIDER_" + p + "_KEY";
            env.put(keyVar, "bench");
            providers.add(new HubConfig.ProviderConfig(id, "Provider " + p, "openai", "http://127.0.0.1:9/v1", null, keyVar,
                    false, false, null, null, "bench", null, null, null));
        }
        List<String> capabilityNames = Arrays.stream(Capability.values()).map(Capability::wireName).toList();
        List<HubConfig.ModelConfig> models = new ArrayList<>();
        for (int m = 0; m < MODELS; m++) {
            List<HubConfig.OfferingConfig> offerings = new ArrayList<>();
            int count = 1 + random.nextInt(3);
            for (int o = 0; o < count; o++) {
                String provider = "provider-" + random.nextInt(PROVIDERS);
                if (offerings.stream().anyMatch(x -> x.provider().equals(provider))) {
                    continue;
                }
                double in = Math.round(random.nextDouble() * 1000) / 100.0;
                offerings.add(new HubConfig.OfferingConfig(provider, "upstream-" + m, null, 4096 * (1 + random.nextInt(64)),
                        new HubConfig.Pricing(in, in * 3), null, null, null, "bench", null));
            }
            List<String> caps = new ArrayList<>(List.of("streaming"));
            for (String c : capabilityNames) {
                if (random.nextBoolean() && !caps.contains(c)) {
                    caps.add(c);
                }
            }
            models.add(new HubConfig.ModelConfig("org-" + (m % 200) + "/model-" + m, "Model Number " + m, null, List.of("alias-" + m),
                    2048 * (1 + random.nextInt(128)), caps, offerings, "bench"));
        }
        HubConfig config = new ConfigLoader(env).parse("bench.yaml", "sandbox: {enabled: false}", ConfigLoader.Flags.NONE);
        Catalog catalog = new CatalogLoader(new ConfigLoader.CatalogEntries(providers, models)).load(config);

        var json = Json.newMapper();
        CatalogView view = new CatalogView(catalog, json);
        System.out.printf("catalog: %d models, %d providers%n", catalog.models().size(), catalog.providers().size());
        long[] build = new long[15];
        for (int i = 0; i < build.length; i++) {
            long t0 = System.nanoTime();
            new CatalogView(new CatalogLoader(new ConfigLoader.CatalogEntries(providers, models)).load(config), json);
            build[i] = System.nanoTime() - t0;
        }
        Arrays.sort(build);
        System.out.printf("per snapshot (reload or discovery, off the request path): catalog + view rebuilt in %.1f ms slowest, "
                + "%.1f ms median of %d%n", build[build.length - 1] / 1e6, build[build.length / 2] / 1e6, build.length);
        System.out.printf("%-34s %10s %10s %8s %10s%n", "operation", "p50 (ms)", "p99 (ms)", "matches", "bytes");

        Map<String, ModelFilter> cases = new java.util.LinkedHashMap<>();
        cases.put("list (no filter)", ModelFilter.ALL);
        cases.put("provider=provider-7", new ModelFilter("provider-7", Set.of(), null, null, null));
        cases.put("capability=tools,vision", new ModelFilter(null, Set.of(Capability.TOOLS, Capability.VISION), null, null, null));
        cases.put("q=number 12", new ModelFilter(null, Set.of(), "number 12", null, null));
        cases.put("max_input_price=1.5", new ModelFilter(null, Set.of(), null, 1.5, null));
        cases.put("min_context=200000", new ModelFilter(null, Set.of(), null, null, 200_000));
        cases.put("all five filters", new ModelFilter("provider-7", Set.of(Capability.TOOLS), "model", 5.0, 50_000));
        for (Map.Entry<String, ModelFilter> c : cases.entrySet()) {
            ModelFilter f = c.getValue();
            int matches = view.models(f).size();
            int[] size = new int[1];
            report(c.getKey(), measure(() -> {
                size[0] = view.list(f).length;
                return size[0];
            }), matches, size[0]);
        }
        List<String> ids = catalog.models().stream().map(Model::id).toList();
        int[] next = new int[1];
        int[] size = new int[1];
        report("lookup one model (id or alias)", measure(() -> {
            String id = next[0] % 2 == 0 ? ids.get(next[0] % ids.size()) : "alias-" + (next[0] % ids.size());
            next[0] += 7;
            byte[] item = view.item(catalog.model(id));
            size[0] = item.length;
            return item.length;
        }), 1, size[0]);
    }

    private static long[] measure(Supplier<Integer> op) {
        long sink = 0;
        for (int i = 0; i < WARMUP; i++) {
            sink += op.get();
        }
        long[] nanos = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            sink += op.get();
            nanos[i] = System.nanoTime() - start;
        }
        if (sink == 42) {
            System.out.print("");
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static void report(String name, long[] sorted, int matches, int bytes) {
        System.out.printf("%-34s %10.3f %10.3f %8d %10d%n", name, sorted[sorted.length / 2] / 1e6,
                sorted[(int) (sorted.length * 0.99)] / 1e6, matches, bytes);
    }
}
