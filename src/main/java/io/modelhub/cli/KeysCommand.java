package io.modelhub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modelhub keys create|list|show|revoke}: API keys over {@code /v1/keys}. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage API keys (needs an admin MODELHUB_KEY).",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Show.class, KeysCommand.Revoke.class})
public final class KeysCommand extends CommandGroup {
    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key; its secret is printed once.")
    static final class Create extends AdminCommand {
        @Option(names = "--name", required = true, description = "A name for the key.")
        String name;
        @Option(names = "--scope", split = ",", description = "read, write or admin (default read).")
        List<String> scopes;
        @Option(names = "--expires-at", description = "ISO-8601 time after which the key is refused.")
        String expiresAt;
        @Option(names = "--allowed-models", split = ",", description = "Model ids this key may use (default all).")
        List<String> allowedModels;
        @Option(names = "--rpm", description = "Requests per minute.")
        Integer rpm;
        @Option(names = "--tpm", description = "Tokens per minute.")
        Integer tpm;
        @Option(names = "--budget-usd", description = "Spend cap in USD.")
        Double budgetUsd;

        @Override
        void run() {
            AdminClient c = client();
            ObjectNode body = c.json().createObjectNode();
            body.put("name", name);
            body.putArray("scopes").addAll(strings(c, scopes == null ? List.of("read") : scopes));
            if (expiresAt != null) {
                body.put("expires_at", expiresAt);
            }
            if (allowedModels != null) {
                body.putArray("allowed_models").addAll(strings(c, allowedModels));
            }
            if (rpm != null) {
                body.put("rpm", rpm);
            }
            if (tpm != null) {
                body.put("tpm", tpm);
            }
            if (budgetUsd != null) {
                body.put("budget_usd", budgetUsd);
            }
            JsonNode created = c.post("/v1/keys", body);
            if (asJson) {
                Output.json(out(), created);
                return;
            }
            out().println("Created key " + created.path("id").asText() + " (" + Output.cell(created, "scopes") + ").");
            out().println("Its secret is shown only now; store it safely:");
            out().println(created.path("key").asText());
            out().flush();
        }

        private static List<JsonNode> strings(AdminClient c, List<String> values) {
            List<JsonNode> out = new ArrayList<>();
            values.forEach(v -> out.add(c.json().getNodeFactory().textNode(v.trim())));
            return out;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the keys (never a secret).")
    static final class ListKeys extends AdminCommand {
        @Override
        void run() {
            JsonNode list = client().get("/v1/keys");
            if (asJson) {
                Output.json(out(), list);
                return;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode k : list.path("data")) {
                rows.add(List.of(Output.cell(k, "id"), Output.cell(k, "name"), Output.cell(k, "scopes"),
                        k.path("revoked").asBoolean() ? "revoked" : "active", Output.cell(k, "created_at"), Output.cell(k, "last_used_at")));
            }
            Output.table(out(), List.of("ID", "NAME", "SCOPES", "STATUS", "CREATED", "LAST USED"), rows);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one key, with its spend so far.")
    static final class Show extends AdminCommand {
        @Parameters(paramLabel = "ID", description = "The key id (the part of mh-<id>.<secret> before the dot).")
        String id;

        @Override
        void run() {
            printRecord(client().get("/v1/keys/" + AdminClient.encode(id)));
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key; it is refused at once on every node.")
    static final class Revoke extends AdminCommand {
        @Parameters(paramLabel = "ID", description = "The key id.")
        String id;

        @Override
        void run() {
            JsonNode r = client().delete("/v1/keys/" + AdminClient.encode(id));
            if (asJson) {
                Output.json(out(), r);
                return;
            }
            out().println("Revoked key " + r.path("id").asText() + " at " + r.path("revoked_at").asText() + ".");
            out().flush();
        }
    }
}
