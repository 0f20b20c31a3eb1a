package io.modelhub.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.common.uri.UriQuery;
import io.modelhub.auth.Principal;
import io.modelhub.auth.Scope;
import io.modelhub.api.ApiException;
import io.modelhub.store.Store;
import io.modelhub.testing.TestStores;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class UsageQueryTest {
    static final long DAY1 = Instant.parse("2026-11-01T10:00:00Z").toEpochMilli();
    static final long DAY2 = Instant.parse("2026-11-02T23:59:59Z").toEpochMilli();
    static final long DAY3 = Instant.parse("2026-11-03T00:00:00Z").toEpochMilli();
    static final Principal ALICE = new Principal("alice", "alice", Scope.READ, null, Principal.CredentialKind.API_KEY);
    static final Principal ADMIN = new Principal("root", "root", Scope.ADMIN, null, Principal.CredentialKind.API_KEY);

    /** Two keys, two models, two providers, one pipeline, three days, one error and one client disconnect. */
    static void seed(UsageStore store) throws Exception {
        store.insert(List.of(
                StoredUsage.record("1", DAY1, "alice", "acme/a", "p1", null, 10, 20, 0.5, null),
                StoredUsage.record("2", DAY1 + 1, "alice", "acme/b", "p2", "pipe", 1, 2, 0.25, "upstream_error"),
                StoredUsage.record("3", DAY2, "bob", "acme/a", "p1", null, 100, 200, 1.0, null),
                StoredUsage.record("4", DAY3, "bob", "acme/a", null, null, 0, 0, 0.0, "unavailable_error"),
                StoredUsage.record("5", DAY3 + 5, "alice", "acme/a", "p2", "pipe", 3, 4, 0.125, "client_disconnected")));
    }

    UsageEndpoint endpoint(UsageStore store) {
        return new UsageEndpoint(new ObjectMapper(), store, Clock.fixed(Instant.parse("2026-11-10T00:00:00Z"), ZoneOffset.UTC));
    }

    UsageStore.Query parse(UsageStore store, String query, Principal who) {
        return endpoint(store).query(UriQuery.create(query), who);
    }

    @ParameterizedTest
    @EnumSource(Store.Dialect.class)
    void totalsCountCallsErrorsTokensAndCost(Store.Dialect dialect) throws Exception {
        try (TestStores.Handle h = TestStores.open(dialect)) {
            UsageStore store = new UsageStore(h.store());
            seed(store);
            List<UsageStore.Sums> rows = store.sum(parse(store, "", ADMIN));
            assertThat(rows).containsExactly(new UsageStore.Sums(null, 5, 2, 114, 226, 1.875));
        }
    }

    @ParameterizedTest
    @EnumSource(Store.Dialect.class)
    void everyGroupingSumsItsOwnGroups(Store.Dialect dialect) throws Exception {
        try (TestStores.Handle h = TestStores.open(dialect)) {
            UsageStore store = new UsageStore(h.store());
            seed(store);
            assertThat(store.sum(parse(store, "group_by=key", ADMIN))).containsExactly(
                    new UsageStore.Sums("alice", 3, 1, 14, 26, 0.875),
                    new UsageStore.Sums("bob", 2, 1, 100, 200, 1.0));
            assertThat(store.sum(parse(store, "group_by=model", ADMIN))).containsExactly(
                    new UsageStore.Sums("acme/a", 4, 1, 113, 224, 1.625),
                    new UsageStore.Sums("acme/b", 1, 1, 1, 2, 0.25));
            assertThat(store.sum(parse(store, "group_by=provider", ADMIN))).extracting(UsageStore.Sums::group, UsageStore.Sums::calls)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple(null, 1L),
                            org.assertj.core.groups.Tuple.tuple("p1", 2L),
                            org.assertj.core.groups.Tuple.tuple("p2", 2L));
            assertThat(store.sum(parse(store, "group_by=pipeline", ADMIN))).extracting(UsageStore.Sums::group, UsageStore.Sums::calls)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple(null, 3L),
                            org.assertj.core.groups.Tuple.tuple("pipe", 2L));
            assertThat(store.sum(parse(store, "group_by=day", ADMIN))).containsExactly(
                    new UsageStore.Sums("2026-11-01", 2, 1, 11, 22, 0.75),
                    new UsageStore.Sums("2026-11-02", 1, 0, 100, 200, 1.0),
                    new UsageStore.Sums("2026-11-03", 2, 1, 3, 4, 0.125));
        }
    }

    @ParameterizedTest
    @EnumSource(Store.Dialect.class)
    void fromIsInclusiveToIsExclusiveAndADateAsToIncludesThatDay(Store.Dialect dialect) throws Exception {
        try (TestStores.Handle h = TestStores.open(dialect)) {
            UsageStore store = new UsageStore(h.store());
            seed(store);
            assertThat(store.sum(parse(store, "from=2026-11-02&to=2026-11-02", ADMIN)).getFirst().calls()).isEqualTo(1);
            assertThat(store.sum(parse(store, "from=2026-11-01T10:00:00.001Z&to=2026-11-03T00:00:00Z", ADMIN)).getFirst().calls())
                    .isEqualTo(2);
            assertThat(store.sum(parse(store, "from=2026-11-01T11:00:00%2B01:00&to=2026-11-01T10:00:00.001Z", ADMIN)).getFirst().calls())
                    .isEqualTo(1);
            assertThat(store.sum(parse(store, "from=2027-01-01&to=2027-01-02", ADMIN)))
                    .containsExactly(new UsageStore.Sums(null, 0, 0, 0, 0, 0.0));
        }
    }

    @ParameterizedTest
    @EnumSource(Store.Dialect.class)
    void aReadKeySeesOnlyItsOwnUsageAndAnAdminSeesAllOrOneKey(Store.Dialect dialect) throws Exception {
        try (TestStores.Handle h = TestStores.open(dialect)) {
            UsageStore store = new UsageStore(h.store());
            seed(store);
            assertThat(store.sum(parse(store, "group_by=key", ALICE))).extracting(UsageStore.Sums::group).containsExactly("alice");
            assertThat(store.sum(parse(store, "key_id=alice", ALICE)).getFirst().calls()).isEqualTo(3);
            assertThat(store.sum(parse(store, "", ADMIN)).getFirst().calls()).isEqualTo(5);
            assertThat(store.sum(parse(store, "key_id=bob", ADMIN)).getFirst().calls()).isEqualTo(2);
            assertThatThrownBy(() -> parse(store, "key_id=bob", ALICE)).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.status()).isEqualTo(403);
                assertThat(e.type()).isEqualTo("permission_error");
                assertThat(e.code()).isEqualTo("insufficient_scope");
            });
        }
    }

    @org.junit.jupiter.api.Test
    void withoutFromAndToTheLastThirtyDaysAreSummed() {
        UsageStore.Query q = endpoint(null).query(UriQuery.create(""), ADMIN);
        assertThat(Instant.ofEpochMilli(q.toMs())).isEqualTo(Instant.parse("2026-11-10T00:00:00Z"));
        assertThat(Instant.ofEpochMilli(q.fromMs())).isEqualTo(Instant.parse("2026-10-11T00:00:00Z"));
        assertThat(q.keyId()).isNull();
        assertThat(q.groupBy()).isNull();
    }
}
