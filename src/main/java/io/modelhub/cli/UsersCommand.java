package io.modelhub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Console;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modelhub users list|create|disable}: portal users over {@code /v1/users} (API.md section 9). */
@Command(name = "users", mixinStandardHelpOptions = true, description = "Manage portal users over the HTTP API (needs an admin MODELHUB_KEY).",
        subcommands = {UsersCommand.ListUsers.class, UsersCommand.Create.class, UsersCommand.Disable.class})
public final class UsersCommand extends CommandGroup {
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the users.")
    static final class ListUsers extends AdminCommand {
        @Override
        void run() {
            JsonNode list = client().get("/v1/users");
            if (asJson) {
                Output.json(out(), list);
                return;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode u : list.path("data")) {
                rows.add(List.of(Output.cell(u, "id"), Output.cell(u, "email"), Output.cell(u, "name"), Output.cell(u, "role"),
                        u.path("disabled").asBoolean() ? "disabled" : "active", Output.cell(u, "last_login_at")));
            }
            Output.table(out(), List.of("ID", "EMAIL", "NAME", "ROLE", "STATUS", "LAST LOGIN"), rows);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a user: over the HTTP API when MODELHUB_KEY is set, else directly in the store the hub"
                    + " would use (--config, --data-dir as for serve), which is how the first admin is made. The password comes"
                    + " from MODELHUB_USER_PASSWORD or MODELHUB_ADMIN_PASSWORD, else it is asked for on the terminal.")
    static final class Create extends AdminCommand {
        @Option(names = "--email", required = true)
        String email;
        @Option(names = "--name", required = true)
        String name;
        @Option(names = "--role", description = "admin or member (default member).")
        String role;
        @Option(names = "--admin", description = "Same as --role admin.")
        boolean admin;
        @Option(names = "--config", paramLabel = "FILE", description = "Without MODELHUB_KEY: the YAML config file, as for serve.")
        java.nio.file.Path config;
        @Option(names = "--data-dir", paramLabel = "DIR", description = "Without MODELHUB_KEY: the data directory, as for serve.")
        java.nio.file.Path dataDir;

        @Override
        void run() {
            String key = env().get("MODELHUB_KEY");
            if (key == null || key.isBlank()) {
                StoreUsers.create(env(), config, dataDir, email, name, admin || "admin".equals(role), out());
                return;
            }
            AdminClient c = client();
            String password = env().get("MODELHUB_USER_PASSWORD");
            if (password == null || password.isEmpty()) {
                Console console = System.console();
                if (console == null) {
                    throw new CliException("no password: set MODELHUB_USER_PASSWORD or run in a terminal to be asked", CliException.USAGE);
                }
                char[] typed = console.readPassword("Password for %s: ", email);
                password = typed == null ? "" : new String(typed);
            }
            ObjectNode body = c.json().createObjectNode();
            body.put("email", email);
            body.put("name", name);
            body.put("password", password);
            body.put("role", admin ? "admin" : role == null ? "member" : role);
            printRecord(c.post("/v1/users", body));
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Disable a user (they can no longer sign in).")
    static final class Disable extends AdminCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        void run() {
            AdminClient c = client();
            ObjectNode body = c.json().createObjectNode().put("disabled", true);
            printRecord(c.patch("/v1/users/" + AdminClient.encode(id), body));
        }
    }
}
