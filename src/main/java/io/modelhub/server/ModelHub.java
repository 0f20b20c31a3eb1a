package io.modelhub.server;

import io.modelhub.config.ConfigException;
import io.modelhub.config.ConfigLoader;
import io.modelhub.config.HubConfig;
import io.modelhub.cli.CatalogCommand;
import io.modelhub.cli.CliException;
import io.modelhub.cli.ConfigCommand;
import io.modelhub.cli.Environment;
import io.modelhub.cli.KeysCommand;
import io.modelhub.cli.UsageCommand;
import io.modelhub.cli.UsersCommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code modelhub} command line. */
@Command(name = "modelhub", mixinStandardHelpOptions = true, version = "ModelHub 0.1.0",
        description = "One OpenAI-compatible endpoint in front of many model providers.",
        subcommands = {ModelHub.Serve.class,
                KeysCommand.class, UsersCommand.class, UsageCommand.class, CatalogCommand.class, ConfigCommand.class})
public final class ModelHub implements Runnable, Environment {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> env;

    public ModelHub(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args));
    }

    /**
     * The command line reading {@code env} ({@code MODELHUB_URL}, {@code MODELHUB_KEY}, ...) and printing to
     * {@code out} and {@code err}: a failed command prints {@code modelhub: <why>} and exits non-zero.
     */
    public static CommandLine commandLine(Map<String, String> env, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new ModelHub(env));
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof CliException c) {
                line.getErr().println("modelhub: " + c.getMessage());
                line.getErr().flush();
                return c.exitCode();
            }
            throw e;
        });
        return cl;
    }

    @Override
    public Map<String, String> env() {
        return env;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code modelhub serve}: runs the hub until SIGTERM or Ctrl-C. */
    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Start the hub. Flags win over MODELHUB_* environment variables, which win over the config file.")
    static final class Serve implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (default: $MODELHUB_CONFIG, else ./modelhub.yaml if present).")
        Path config;

        @Option(names = "--port", paramLabel = "N", description = "Port to listen on (default 8080, or $MODELHUB_PORT).")
        Integer port;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the embedded store and admin.key live (default ./data, or $MODELHUB_DATA_DIR).")
        Path dataDir;

        @Override
        public Integer call() {
            HubConfig cfg;
            ConfigLoader loader = new ConfigLoader(((Environment) spec.root().userObject()).env());
            ConfigLoader.Flags flags = new ConfigLoader.Flags(config, port, dataDir);
            try {
                cfg = loader.load(flags);
            } catch (ConfigException e) {
                System.err.println("modelhub: configuration error: " + e.getMessage());
                return 2;
            }
            Hub hub;
            try {
                hub = new Hub(cfg, () -> loader.load(flags));
            } catch (ConfigException e) {
                System.err.println("modelhub: configuration error: " + e.getMessage());
                return 2;
            } catch (HubStartException e) {
                System.err.println("modelhub: " + e.getMessage());
                return e.exitCode();
            }
            try {
                hub.start();
                hub.reloadOnChange(loader.file(flags), true);
            } catch (ConfigException e) {
                hub.close();
                System.err.println("modelhub: configuration error: " + e.getMessage());
                return 2;
            } catch (HubStartException e) {
                hub.close();
                System.err.println("modelhub: " + e.getMessage());
                return e.exitCode();
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                hub.close();
                stopped.countDown();
            }, "modelhub-shutdown"));
            System.out.println("ModelHub listening on http://" + cfg.server().host() + ":" + hub.port()
                    + " (data in " + cfg.dataDir() + ", store " + cfg.store().url() + ")");
            String host = "0.0.0.0".equals(cfg.server().host()) || "::".equals(cfg.server().host()) ? "127.0.0.1" : cfg.server().host();
            System.out.println("Developer portal: http://" + host + ":" + hub.port() + "/  (API docs: /docs)");
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }
    }
}
