package io.modelhub.cli;

import io.modelhub.catalog.Catalog;
import io.modelhub.catalog.CatalogLoader;
import io.modelhub.config.ConfigException;
import io.modelhub.config.ConfigLoader;
import io.modelhub.config.HubConfig;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code modelhub config validate FILE}: the checks {@code serve} and hot reload make, without starting anything. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Work with configuration files.",
        subcommands = {ConfigCommand.Validate.class})
public final class ConfigCommand extends CommandGroup {
    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check a config file as start-up would (with this environment's ${VARIABLES}); exits 2 if it is invalid.")
    static final class Validate extends AdminCommand {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        void run() {
            try {
                HubConfig config = new ConfigLoader(env()).load(new ConfigLoader.Flags(file, null, null));
                Catalog catalog = new CatalogLoader().load(config);
                out().println(file + ": valid (" + catalog.providers().size() + " providers, " + catalog.models().size() + " models)");
                out().flush();
            } catch (ConfigException e) {
                throw new CliException("configuration error: " + e.getMessage(), CliException.USAGE);
            }
        }
    }
}
