package io.modelhub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code modelhub usage}: calls, errors, tokens and cost over {@code GET /v1/usage}. */
@Command(name = "usage", mixinStandardHelpOptions = true, description = "Show usage: calls, errors, tokens and cost.")
public final class UsageCommand extends AdminCommand {
    @Option(names = "--group-by", description = "key, model, provider, pipeline or day.")
    String groupBy;
    @Option(names = "--from", description = "Start (ISO-8601 time or date).")
    String from;
    @Option(names = "--to", description = "End (ISO-8601 time or date).")
    String to;

    @Override
    void run() {
        StringBuilder q = new StringBuilder();
        add(q, "group_by", groupBy);
        add(q, "from", from);
        add(q, "to", to);
        JsonNode usage = client().get("/v1/usage" + q);
        if (asJson) {
            Output.json(out(), usage);
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode r : usage.path("data")) {
            rows.add(row(r.path("group").isMissingNode() || r.path("group").isNull() ? "total" : r.path("group").asText(), r));
        }
        if (usage.has("total") && usage.path("total").isObject() && groupBy != null) {
            rows.add(row("total", usage.path("total")));
        }
        out().println("Usage from " + usage.path("from").asText() + " to " + usage.path("to").asText()
                + (groupBy == null ? "" : ", by " + groupBy));
        Output.table(out(), List.of(groupBy == null ? "" : groupBy.toUpperCase(Locale.ROOT), "CALLS", "ERRORS", "PROMPT", "COMPLETION",
                "TOTAL TOKENS", "COST USD"), rows);
    }

    private static List<String> row(String group, JsonNode r) {
        return List.of(group, Output.cell(r, "calls"), Output.cell(r, "errors"), Output.cell(r, "prompt_tokens"),
                Output.cell(r, "completion_tokens"), Output.cell(r, "total_tokens"),
                String.format(Locale.ROOT, "%.6f", r.path("cost_usd").asDouble()));
    }

    private static void add(StringBuilder q, String name, String value) {
        if (value != null) {
            q.append(q.isEmpty() ? '?' : '&').append(name).append('=').append(AdminClient.encode(value));
        }
    }
}
