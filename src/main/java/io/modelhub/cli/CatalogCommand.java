package io.modelhub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code modelhub catalog check}: one small call to each provider's cheapest model, with its status and latency. */
@Command(name = "catalog", mixinStandardHelpOptions = true, description = "Check the catalog's providers.",
        subcommands = {CatalogCommand.Check.class})
public final class CatalogCommand extends CommandGroup {
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Call each provider's cheapest model once (max_tokens 1, no fallback); exits 1 if any fails.")
    static final class Check extends AdminCommand {
        private record Pick(String model, double price) {}

        @Override
        void run() {
            AdminClient c = client();
            Map<String, Pick> cheapest = new LinkedHashMap<>();
            for (JsonNode p : c.get("/v1/providers").path("data")) {
                cheapest.put(p.path("id").asText(), null);
            }
            for (JsonNode m : c.get("/v1/models").path("data")) {
                String model = m.path("id").asText();
                for (JsonNode o : c.get("/v1/models/" + model + "/providers").path("data")) {
                    String provider = o.path("provider").asText();
                    JsonNode pricing = o.path("pricing");
                    double price = pricing.path("input_per_mtok").asDouble(0) + pricing.path("output_per_mtok").asDouble(0);
                    Pick best = cheapest.get(provider);
                    if (best == null || price < best.price()) {
                        cheapest.put(provider, new Pick(model, price));
                    }
                }
            }
            ArrayNode results = c.json().createArrayNode();
            boolean allOk = true;
            for (Map.Entry<String, Pick> e : cheapest.entrySet()) {
                ObjectNode r = results.addObject();
                r.put("provider", e.getKey());
                if (e.getValue() == null) {
                    r.putNull("model");
                    r.put("status", "no_models");
                    r.putNull("latency_ms");
                    r.putNull("error");
                    continue;
                }
                r.put("model", e.getValue().model());
                ObjectNode body = c.json().createObjectNode();
                body.put("model", e.getValue().model());
                body.put("max_tokens", 1);
                body.putArray("messages").addObject().put("role", "user").put("content", "ping");
                body.putObject("provider").put("allow_fallbacks", false).putArray("only").add(e.getKey());
                long started = System.nanoTime();
                AdminClient.Answer a = c.send("POST", "/v1/chat/completions", body, Map.of());
                r.put("latency_ms", (System.nanoTime() - started) / 1_000_000);
                if (a.status() == 200) {
                    r.put("status", "ok");
                    r.putNull("error");
                } else {
                    allOk = false;
                    r.put("status", "failed");
                    r.put("error", AdminClient.errorOf(a));
                }
            }
            if (asJson) {
                Output.json(out(), c.json().createObjectNode().put("object", "catalog.check").put("ok", allOk).set("data", results));
            } else {
                List<List<String>> rows = new ArrayList<>();
                for (JsonNode r : results) {
                    rows.add(List.of(Output.cell(r, "provider"), Output.cell(r, "model"), Output.cell(r, "status"),
                            r.path("latency_ms").isNull() ? "-" : r.path("latency_ms").asText() + " ms", Output.cell(r, "error")));
                }
                Output.table(out(), List.of("PROVIDER", "MODEL", "STATUS", "LATENCY", "ERROR"), rows);
            }
            if (!allOk) {
                throw new CliException("some providers failed the check", CliException.API);
            }
        }
    }
}
