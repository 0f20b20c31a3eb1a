package io.modelhub.server;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The data directory holds the embedded database (API key hashes, the token signing key) and admin.key:
 * whoever reads it can mint admin tokens. So it is created 0700, its database files are kept 0600, and the
 * hub refuses to start on a directory that other users can read.
 */
final class DataDir {
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final String[] SQLITE_SIDE_FILES = {"", "-wal", "-shm", "-journal"};

    private DataDir() {}

    /** Creates or checks {@code dir}, and makes the SQLite database of {@code storeUrl} (if any) owner-only. */
    static void prepare(Path dir, String storeUrl) {
        createOwnerOnly(dir, "data directory", true);
        Path db = sqliteFile(storeUrl);
        if (db != null) {
            if (!db.toAbsolutePath().normalize().startsWith(dir.toAbsolutePath().normalize())) {
                // a database elsewhere (store.url) lives in a directory the operator chose: created 0700 if
                // missing, left as it is otherwise; the database files themselves are made owner-only
                createOwnerOnly(db.toAbsolutePath().getParent(), "database directory", false);
            }
            for (String side : SQLITE_SIDE_FILES) {
                ownerOnlyFile(db.resolveSibling(db.getFileName() + side), side.isEmpty());
            }
        }
    }

    private static void createOwnerOnly(Path dir, String what, boolean refuseOpen) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new HubStartException(what + " " + dir + " is not a directory", 2);
        }
        boolean posix = Files.getFileAttributeView(dir.toAbsolutePath().getParent() == null ? dir.toAbsolutePath()
                : dir.toAbsolutePath().getParent(), PosixFileAttributeView.class) != null;
        try {
            if (!Files.exists(dir)) {
                if (posix) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                    // the umask may have taken bits away, never added any; set exactly 0700 on the leaf
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                } else {
                    Files.createDirectories(dir);
                }
                return;
            }
        } catch (FileAlreadyExistsException e) {
            throw new HubStartException(what + " " + dir + " is not a directory", 2);
        } catch (IOException | SecurityException e) {
            throw new HubStartException("cannot create the " + what + " " + dir + ": " + e.getMessage(), 2);
        }
        if (!posix || !refuseOpen) {
            return;
        }
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new HubStartException("cannot read the permissions of the " + what + " " + dir + ": " + e.getMessage(), 2);
        }
        if (Files.isSymbolicLink(dir)) {
            try {
                perms = Files.getPosixFilePermissions(dir);
            } catch (IOException e) {
                throw new HubStartException("cannot read the permissions of the " + what + " " + dir + ": " + e.getMessage(), 2);
            }
        }
        EnumSet<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
        open.addAll(perms);
        open.retainAll(OTHERS);
        if (!open.isEmpty()) {
            throw new HubStartException(what + " " + dir + " is open to other users (mode " + PosixFilePermissions.toString(perms)
                    + "); it holds the API keys and the token signing key: run chmod 700 " + dir, 2);
        }
    }

    /** Creates the database file owner-only before SQLite does (SQLite gives its -wal/-shm files the same mode). */
    private static void ownerOnlyFile(Path file, boolean create) {
        try {
            if (Files.exists(file)) {
                if (Files.getFileAttributeView(file, PosixFileAttributeView.class) != null) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                }
            } else if (create) {
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException e) {
                    Files.createFile(file);
                }
            }
        } catch (FileAlreadyExistsException e) {
            // created by another process just now; its mode is checked on the next start
        } catch (IOException e) {
            throw new HubStartException("cannot make the database file " + file + " owner-only: " + e.getMessage(), 2);
        }
    }

    /** The file of a {@code jdbc:sqlite:} URL, or null for another store or an in-memory database. */
    static Path sqliteFile(String url) {
        if (url == null || !url.startsWith("jdbc:sqlite:")) {
            return null;
        }
        String file = url.substring("jdbc:sqlite:".length());
        int q = file.indexOf('?');
        if (q >= 0) {
            file = file.substring(0, q);
        }
        if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) {
            return null;
        }
        return Path.of(file);
    }
}
