package io.modelhub.users;

import io.modelhub.testing.TestStores;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** The users contract on PostgreSQL (127.0.0.1:5432, database test), in a schema of its own. */
class UsersOnPostgresTest extends UsersApiContract {
    private String schema;

    @Override
    Map<String, String> env() {
        schema = "u_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try (Connection c = DriverManager.getConnection(TestStores.POSTGRES_URL); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return Map.of("MODELHUB_STORE_URL", TestStores.POSTGRES_URL + "&currentSchema=" + schema);
    }

    @Override
    void cleanUp() throws Exception {
        try (Connection c = DriverManager.getConnection(TestStores.POSTGRES_URL); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
