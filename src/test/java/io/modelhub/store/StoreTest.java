package io.modelhub.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.testing.TestStores;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StoreTest {
    @ParameterizedTest
    @EnumSource(Store.Dialect.class)
    void migrationsCreateTheSchemaAndTheStoreAnswers(Store.Dialect dialect) throws Exception {
        try (TestStores.Handle h = TestStores.open(dialect)) {
            assertThat(h.store().dialect()).isEqualTo(dialect);
            assertThat(h.store().reachable()).isTrue();
            try (Connection c = h.store().connection()) {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO hub_settings (name, value) VALUES (?, ?)")) {
                    p.setString(1, "greeting");
                    p.setString(2, "hello");
                    p.executeUpdate();
                }
                try (PreparedStatement p = c.prepareStatement("SELECT value FROM hub_settings WHERE name = ?")) {
                    p.setString(1, "greeting");
                    try (ResultSet rs = p.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).isEqualTo("hello");
                    }
                }
            }
        }
    }
}
