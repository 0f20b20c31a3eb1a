package io.modelhub.testing;

import io.modelhub.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fresh, empty, migrated stores for the store test suite, which every store test runs against both
 * dialects: SQLite in a temporary file, PostgreSQL (127.0.0.1:5432, database test) in a schema of its
 * own that {@link Handle#close()} drops.
 */
public final class TestStores {
    public static final String POSTGRES_URL = System.getProperty("modelhub.test.postgres",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private TestStores() {}

    /** A store and what it takes to throw it away. */
    public record Handle(Store store, String url, String schema) implements AutoCloseable {
        @Override
        public void close() {
            store.close();
            if (schema != null) {
                try (Connection c = DriverManager.getConnection(POSTGRES_URL); Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    public static Handle open(Store.Dialect dialect) {
        if (dialect == Store.Dialect.SQLITE) {
            try {
                String url = "jdbc:sqlite:" + Files.createTempDirectory("modelhub-store").resolve("test.db");
                return new Handle(Store.open(url), url, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String schema = "t_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        return new Handle(Store.open(POSTGRES_URL, schema), POSTGRES_URL, schema);
    }
}
