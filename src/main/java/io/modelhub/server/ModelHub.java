package io.modelhub.server;

import io.modelhub.config.ConfigException;
import io.modelhub.config.ConfigLoader;
import io.modelhub.config.HubConfig;
import io.modelhub.api.ApiException;
import io.modelhub.store.Store;
import io.modelhub.users.Role;
import io.modelhub.users.User;
import io.modelhub.users.Users;
import java.io.Console;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code modelhub} command line. */
@Command(name = "modelhub", mixinStandardHelpOptions = true, version = "ModelHub 0.1.0",
        description = "One OpenAI-compatible endpoint in front of many model providers.",
        subcommands = {ModelHub.Serve.class, ModelHub.UsersCommand.class})
public final class ModelHub implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The environment the commands read (the process's, except in tests). */
    final Map<String, String> env;

    public ModelHub() {
        this(System.getenv());
    }

    ModelHub(Map<String, String> env) {
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ModelHub()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code modelhub serve}: runs the hub until SIGTERM or Ctrl-C. */
    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Start the hub. Flags win over MODELHUB_* environment variables, which win over the config file.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (default: $MODELHUB_CONFIG, else ./modelhub.yaml if present).")
        Path config;

        @Option(names = "--port", paramLabel = "N", description = "Port to listen on (default 8080, or $MODELHUB_PORT).")
        Integer port;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the embedded store and admin.key live (default ./data, or $MODELHUB_DATA_DIR).")
        Path dataDir;

        @Override
        public Integer call() {
            HubConfig cfg;
            ConfigLoader loader = new ConfigLoader(System.getenv());
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

    /** {@code modelhub users ...}: manage portal users without a running hub. */
    @Command(name = "users", mixinStandardHelpOptions = true, description = "Manage the hub's users (opens the store directly).",
            subcommands = {ModelHub.UsersCreate.class})
    static final class UsersCommand implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }
    }

    /**
     * {@code modelhub users create --email E --name N [--admin]}: adds a user to the store the hub would use
     * (same --config and --data-dir as serve). The password comes from MODELHUB_ADMIN_PASSWORD, else it is
     * asked on the terminal, twice. Exit 0 on success, 1 when the user cannot be created (bad field, weak
     * password, email taken), 2 on a configuration or store error.
     */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a user. The password is read from MODELHUB_ADMIN_PASSWORD, else asked on the terminal.")
    static final class UsersCreate implements Callable<Integer> {
        @CommandLine.ParentCommand
        UsersCommand users;

        @Option(names = "--email", required = true, paramLabel = "E", description = "The user's email (unique, any case).")
        String email;

        @Option(names = "--name", required = true, paramLabel = "N", description = "The user's name.")
        String name;

        @Option(names = "--admin", description = "Make the user an admin (default: member).")
        boolean admin;

        @Option(names = "--config", paramLabel = "FILE", description = "YAML config file, as for serve.")
        Path config;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory, as for serve.")
        Path dataDir;

        @Override
        public Integer call() {
            Map<String, String> env = ((ModelHub) users.spec.parent().userObject()).env;
            String password = env.get("MODELHUB_ADMIN_PASSWORD");
            if (password == null || password.isEmpty()) {
                password = askPassword();
                if (password == null) {
                    System.err.println("modelhub: no password: set MODELHUB_ADMIN_PASSWORD, or run this on a terminal and type it twice.");
                    return 2;
                }
            }
            HubConfig cfg;
            try {
                cfg = new ConfigLoader(env).load(new ConfigLoader.Flags(config, null, dataDir));
            } catch (ConfigException e) {
                System.err.println("modelhub: configuration error: " + e.getMessage());
                return 2;
            }
            try (Store store = Store.open(cfg.store().url())) {
                User u = Users.create(store, email, name, password, admin ? Role.ADMIN : Role.MEMBER);
                System.out.println("Created " + u.role().wireName() + " " + u.email() + " (" + u.id() + "). Sign in at the portal with this email.");
                return 0;
            } catch (ApiException e) {
                System.err.println("modelhub: cannot create the user: " + e.getMessage());
                return 1;
            } catch (RuntimeException e) {
                System.err.println("modelhub: store error (" + cfg.store().url() + "): " + e.getMessage());
                return 2;
            }
        }

        /** The password typed twice on the terminal; null without a terminal; asks again when the two differ. */
        private static String askPassword() {
            Console console = System.console();
            if (console == null) {
                return null;
            }
            for (int i = 0; i < 3; i++) {
                char[] first = console.readPassword("Password (at least 12 characters): ");
                char[] again = console.readPassword("Password again: ");
                if (first == null || again == null) {
                    return null;
                }
                boolean same = Arrays.equals(first, again);
                String p = new String(first);
                Arrays.fill(first, ' ');
                Arrays.fill(again, ' ');
                if (same) {
                    return p;
                }
                console.printf("The two passwords differ; try again.%n");
            }
            return null;
        }
    }
}
