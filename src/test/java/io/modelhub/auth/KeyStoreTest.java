package io.modelhub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.store.Store;
import io.modelhub.testing.TestStores;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KeyStoreTest {
    private static KeyRecord key(String id, long createdAt) {
        return new KeyRecord(id, "key " + id, ApiKeyCredential.hash("secret-of-" + id), List.of(Scope.READ, Scope.WRITE),
                4_102_444_800_000L, Set.of("acme/chat-1", "meta/llama"), 60, 10_000, 5.0, 0.0, createdAt, null, null);
    }

    @ParameterizedTest
    @EnumSource(Store.Dialect.class)
    void insertedKeyReadsBackFieldForField(Store.Dialect dialect) {
        try (TestStores.Handle h = TestStores.open(dialect)) {
            KeyStore store = new KeyStore(h.store());
            KeyRecord k = key("abc", 1000);
            store.insert(k);
            assertThat(store.find("abc")).contains(k);
            assertThat(store.find("nope")).isEmpty();
            assertThat(store.count()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Store.Dialect.class)
    void keyWithoutLimitsKeepsNullsAndAnEmptyModelListStaysEmpty(Store.Dialect dialect) {
        try (TestStores.Handle h = TestStores.open(dialect)) {
            KeyStore store = new KeyStore(h.store());
            KeyRecord open = new KeyRecord("open", "n", "h", List.of(Scope.ADMIN), null, null, null, null, null, 0.0, 5, null, null);
            KeyRecord none = new KeyRecord("none", "n", "h", List.of(Scope.READ), null, Set.of(), null, null, null, 0.0, 6, null, null);
            store.insert(open);
            store.insert(none);
            assertThat(store.find("open")).contains(open);
            assertThat(store.find("none").orElseThrow().allowedModels()).isEmpty();
            assertThat(store.list()).extracting(KeyRecord::id).containsExactly("open", "none");
        }
    }

    @ParameterizedTest
    @EnumSource(Store.Dialect.class)
    void updateChangesEditableFieldsAndRevokeKeepsTheFirstTime(Store.Dialect dialect) {
        try (TestStores.Handle h = TestStores.open(dialect)) {
            KeyStore store = new KeyStore(h.store());
            store.insert(key("abc", 1000));
            KeyRecord edited = new KeyRecord("abc", "renamed", "ignored", List.of(Scope.ADMIN), null, null, null, 5, null, 0.0, 0, null, null);
            assertThat(store.update(edited)).isTrue();
            KeyRecord read = store.find("abc").orElseThrow();
            assertThat(read.name()).isEqualTo("renamed");
            assertThat(read.scope()).isEqualTo(Scope.ADMIN);
            assertThat(read.expiresAt()).isNull();
            assertThat(read.allowedModels()).isNull();
            assertThat(read.rpm()).isNull();
            assertThat(read.tpm()).isEqualTo(5);
            assertThat(read.secretHash()).isEqualTo(ApiKeyCredential.hash("secret-of-abc"));
            assertThat(read.createdAt()).isEqualTo(1000);

            assertThat(store.revoke("abc", 7000)).isTrue();
            assertThat(store.revoke("abc", 9000)).isTrue();
            assertThat(store.find("abc").orElseThrow().revokedAt()).isEqualTo(7000);
            assertThat(store.revoke("nope", 1)).isFalse();
            assertThat(store.update(key("nope", 1))).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.Dialect.class)
    void spendAddsUpAndLastUsedNeverGoesBack(Store.Dialect dialect) {
        try (TestStores.Handle h = TestStores.open(dialect)) {
            KeyStore store = new KeyStore(h.store());
            store.insert(key("a", 1));
            store.insert(key("b", 2));
            store.addSpend(Map.of("a", 0.25, "b", 1.0));
            store.addSpend(Map.of("a", 0.5));
            assertThat(store.find("a").orElseThrow().spentUsd()).isEqualTo(0.75);
            assertThat(store.find("b").orElseThrow().spentUsd()).isEqualTo(1.0);

            store.touch(Map.of("a", 500L));
            store.touch(Map.of("a", 400L, "b", 100L));
            assertThat(store.find("a").orElseThrow().lastUsedAt()).isEqualTo(500L);
            assertThat(store.find("b").orElseThrow().lastUsedAt()).isEqualTo(100L);
        }
    }

    @ParameterizedTest
    @EnumSource(Store.Dialect.class)
    void firstSettingWrittenWins(Store.Dialect dialect) {
        try (TestStores.Handle h = TestStores.open(dialect)) {
            KeyStore store = new KeyStore(h.store());
            assertThat(store.setting("x")).isEmpty();
            assertThat(store.settingIfAbsent("x", "first")).isEqualTo("first");
            assertThat(store.settingIfAbsent("x", "second")).isEqualTo("first");
            assertThat(store.setting("x")).contains("first");
        }
    }
}
