package io.modelhub.cli;

import io.modelhub.api.ApiException;
import io.modelhub.config.ConfigException;
import io.modelhub.config.ConfigLoader;
import io.modelhub.config.HubConfig;
import io.modelhub.store.Store;
import io.modelhub.users.Role;
import io.modelhub.users.User;
import io.modelhub.users.Users;
import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code modelhub users create} without a running hub: the user is written straight into the store the
 * hub would use. That is how the first admin is made, before any user exists to call the API with.
 */
final class StoreUsers {
    private StoreUsers() {}

    /**
     * Creates the user, or throws {@link CliException}: exit 1 when the user cannot be created (bad field, weak
     * password, email taken), 2 for a missing password, a bad configuration or a store that cannot be opened.
     */
    static void create(Map<String, String> env, Path config, Path dataDir, String email, String name, boolean admin, PrintWriter out) {
        String password = env.get("MODELHUB_ADMIN_PASSWORD");
        if (password == null || password.isEmpty()) {
            password = env.get("MODELHUB_USER_PASSWORD");
        }
        if (password == null || password.isEmpty()) {
            password = askPassword();
            if (password == null) {
                throw new CliException("no password: set MODELHUB_ADMIN_PASSWORD, or run this on a terminal and type it twice.",
                        CliException.USAGE);
            }
        }
        HubConfig cfg;
        try {
            cfg = new ConfigLoader(env).load(new ConfigLoader.Flags(config, null, dataDir));
        } catch (ConfigException e) {
            throw new CliException("configuration error: " + e.getMessage(), CliException.USAGE);
        }
        try (Store store = Store.open(cfg.store().url())) {
            User u = Users.create(store, email, name, password, admin ? Role.ADMIN : Role.MEMBER);
            out.println("Created " + u.role().wireName() + " " + u.email() + " (" + u.id() + "). Sign in at the portal with this email.");
            out.flush();
        } catch (ApiException e) {
            throw new CliException("cannot create the user: " + e.getMessage(), CliException.API);
        } catch (RuntimeException e) {
            throw new CliException("store error (" + cfg.store().url() + "): " + e.getMessage(), CliException.USAGE);
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
