package io.modelhub.ops;

import io.modelhub.config.ConfigException;
import io.modelhub.config.HubConfig;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Hot reload: re-reads the configuration (on {@code POST /v1/catalog/reload}, when the file changes, on
 * {@code SIGHUP}) and, only when the whole new file is valid, hands it to the running parts (providers,
 * models, routing, limits). Requests in flight keep what they started with; an invalid file is refused
 * with the message start-up would print, and the running configuration stays.
 */
public final class ConfigReload<T> implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.modelhub");
    /** Editors save in several steps (truncate, write, rename): changes this close together are one change. */
    private static final long SETTLE_MS = 150;

    private final Supplier<HubConfig> reread;
    private final Function<HubConfig, T> apply;
    private volatile WatchService watcher;
    private Thread watching;
    private byte[] lastDigest;

    /**
     * @param reread reads the configuration again (same file, environment and flags); throws {@link ConfigException}
     * @param apply installs a valid configuration, or throws {@link ConfigException} leaving everything as it was
     */
    public ConfigReload(Supplier<HubConfig> reread, Function<HubConfig, T> apply) {
        this.reread = reread;
        this.apply = apply;
    }

    /** Reads and installs the configuration now; throws {@link ConfigException} (nothing changed) when it is invalid. */
    public synchronized T reload() {
        return apply.apply(reread.get());
    }

    /** {@link #reload()} for a trigger with no caller to answer (file change, signal): the outcome goes to the log. */
    public void reloadAndLog(String why) {
        try {
            reload();
            LOG.log(System.Logger.Level.INFO, "modelhub: configuration reloaded (" + why + ")");
        } catch (ConfigException e) {
            LOG.log(System.Logger.Level.ERROR, "modelhub: configuration error: " + e.getMessage()
                    + " (" + why + "; not reloaded, the running configuration stays)");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "modelhub: configuration reload failed (" + why + "); the running configuration stays", e);
        }
    }

    /** Reloads whenever {@code file}'s content changes (saved in place or replaced by a rename). */
    public synchronized ConfigReload<T> watch(Path file) {
        if (watching != null || file == null) {
            return this;
        }
        Path absolute = file.toAbsolutePath().normalize();
        Path dir = absolute.getParent();
        try {
            watcher = dir.getFileSystem().newWatchService();
            dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (IOException e) {
            throw new ConfigException("cannot watch " + dir + " for changes to the config file: " + e.getMessage(), e);
        }
        lastDigest = digest(absolute);
        watching = Thread.ofPlatform().daemon().name("modelhub-config-watch").start(() -> watchLoop(absolute));
        return this;
    }

    private void watchLoop(Path file) {
        try {
            while (true) {
                // Any change in the directory counts: a Kubernetes ConfigMap volume swaps a "..data" symlink and
                // never touches the file's own name. The content digest below tells real changes apart.
                WatchKey key = watcher.take();
                key.pollEvents();
                key.reset();
                // Let the save finish, and fold its further events into this one.
                Thread.sleep(SETTLE_MS);
                WatchKey more;
                while ((more = watcher.poll(SETTLE_MS, TimeUnit.MILLISECONDS)) != null) {
                    more.pollEvents();
                    more.reset();
                }
                byte[] now = digest(file);
                if (now == null || Arrays.equals(now, lastDigest)) {
                    continue; // removed for the moment (a rename in progress), or touched without a change
                }
                lastDigest = now;
                reloadAndLog(file + " changed");
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed: stop watching
        }
    }

    private static byte[] digest(Path file) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (IOException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reloads on {@code SIGHUP} (where the platform has it); the handler is the process's, so the last hub to ask gets it. */
    public ConfigReload<T> onHangup() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> Thread.ofVirtual().start(() -> reloadAndLog("SIGHUP")));
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "modelhub: SIGHUP is not available here; reload with POST /v1/catalog/reload");
        }
        return this;
    }

    @Override
    public void close() {
        WatchService w = watcher;
        if (w != null) {
            try {
                w.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }
    }
}
