package io.modelhub.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The hub's database: an SQLite file by default (embedded, WAL), PostgreSQL when several nodes share
 * one. One schema for both, applied by Flyway migrations under {@code db/migration} on open.
 */
public final class Store implements AutoCloseable {
    /** Which database is behind the store; SQL that differs between them asks this. */
    public enum Dialect { SQLITE, POSTGRESQL }

    private final HikariDataSource dataSource;
    private final Dialect dialect;
    private volatile long lastCheckNanos;
    private volatile boolean lastCheckOk;

    private Store(HikariDataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
    }

    /** Opens (and migrates) the store at a JDBC URL. */
    public static Store open(String url) {
        return open(url, null);
    }

    /**
     * Opens the store; for PostgreSQL, {@code schema} (if not null) is created if needed and used for
     * every table, so that tests can share one database without seeing each other.
     */
    public static Store open(String url, String schema) {
        Dialect dialect = url.startsWith("jdbc:sqlite:") ? Dialect.SQLITE : Dialect.POSTGRESQL;
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setPoolName("modelhub-store");
        if (dialect == Dialect.SQLITE) {
            createParentDirectory(url.substring("jdbc:sqlite:".length()));
            // WAL lets readers work while one writer writes; busy_timeout makes writers wait for each other instead of failing.
            hc.addDataSourceProperty("journal_mode", "WAL");
            hc.addDataSourceProperty("busy_timeout", "10000");
            hc.addDataSourceProperty("synchronous", "NORMAL");
            hc.addDataSourceProperty("foreign_keys", "true");
            hc.setMaximumPoolSize(4);
        } else {
            hc.setMaximumPoolSize(10);
            // Sends a JDBC batch of inserts as multi-row INSERTs (usage batches: about 1.5x the records per second).
            hc.addDataSourceProperty("reWriteBatchedInserts", "true");
            if (schema != null) {
                hc.setSchema(schema);
            }
        }
        hc.setConnectionTimeout(10_000);
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            var flyway = Flyway.configure().dataSource(ds).locations("classpath:db/migration");
            if (schema != null && dialect == Dialect.POSTGRESQL) {
                flyway.schemas(schema).createSchemas(true);
            }
            flyway.load().migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Store(ds, dialect);
    }

    private static void createParentDirectory(String file) {
        if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) {
            return;
        }
        Path parent = Path.of(file).toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create the data directory " + parent + ": " + e.getMessage(), e);
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Dialect dialect() {
        return dialect;
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /** Whether the database answers; checked at most once a second so readiness probes stay cheap. */
    public boolean reachable() {
        long now = System.nanoTime();
        if (now - lastCheckNanos < 1_000_000_000L && lastCheckNanos != 0) {
            return lastCheckOk;
        }
        boolean ok;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            s.execute("SELECT 1");
            ok = true;
        } catch (SQLException e) {
            ok = false;
        }
        lastCheckOk = ok;
        lastCheckNanos = now;
        return ok;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
