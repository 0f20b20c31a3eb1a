package io.modelhub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** What every admin subcommand shares: the environment of the root command, the hub client, output and {@code --json}. */
abstract class AdminCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print the hub's JSON answer instead of a table.")
    boolean asJson;

    Map<String, String> env() {
        return spec.root().userObject() instanceof Environment e ? e.env() : System.getenv();
    }

    AdminClient client() {
        return AdminClient.from(env());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints one object: its JSON with {@code --json}, else one "field: value" line per field. */
    void printRecord(JsonNode node) {
        if (asJson) {
            Output.json(out(), node);
            return;
        }
        node.fieldNames().forEachRemaining(f -> out().println(f + ": " + Output.cell(node, f)));
        out().flush();
    }

    @Override
    public final Integer call() {
        try {
            run();
            return 0;
        } catch (CliException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("modelhub: " + e.getMessage());
            err.flush();
            return e.exitCode();
        }
    }

    abstract void run();
}
