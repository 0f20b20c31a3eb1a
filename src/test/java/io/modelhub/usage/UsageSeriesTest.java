package io.modelhub.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.common.uri.UriQuery;
import io.modelhub.api.ApiException;
import io.modelhub.store.Store;
import io.modelhub.testing.TestStores;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code GET /v1/usage?interval=hour|day}: the series the portal's usage charts draw. */
class UsageSeriesTest {
    static final long H = 3_600_000L;
    static final long D = 86_400_000L;

    static UsageStore.Query parse(UsageStore store, String query) {
        return new UsageEndpoint(new ObjectMapper(), store, Clock.fixed(Instant.parse("2026-11-10T00:00:00Z"), ZoneOffset.UTC))
                .query(UriQuery.create(query), UsageQueryTest.ADMIN);
    }

    @ParameterizedTest
    @EnumSource(Store.Dialect.class)
    void hourlySeriesSumsEachHourOnItsOwn(Store.Dialect dialect) throws Exception {
        try (TestStores.Handle h = TestStores.open(dialect)) {
            UsageStore store = new UsageStore(h.store());
            long t0 = Instant.parse("2026-11-01T10:00:00Z").toEpochMilli();
            store.insert(List.of(
                    StoredUsage.record("1", t0 + 5, "alice", "acme/a", "p1", null, 10, 20, 0.5, null),
                    StoredUsage.record("2", t0 + H - 1, "alice", "acme/a", "p1", null, 1, 2, 0.25, "upstream_error"),
                    StoredUsage.record("3", t0 + 2 * H + 7, "bob", "acme/a", "p1", null, 100, 200, 1.0, null)));
            List<UsageStore.Point> points = store.series(parse(store, "from=2026-11-01&to=2026-11-02"), H);
            assertThat(points).containsExactly(
                    new UsageStore.Point(t0, null, new UsageStore.Sums(null, 2, 1, 11, 22, 0.75)),
                    new UsageStore.Point(t0 + 2 * H, null, new UsageStore.Sums(null, 1, 0, 100, 200, 1.0)));
        }
    }

    @ParameterizedTest
    @EnumSource(Store.Dialect.class)
    void dailySeriesPerModelHasOnePointPerDayAndModel(Store.Dialect dialect) throws Exception {
        try (TestStores.Handle h = TestStores.open(dialect)) {
            UsageStore store = new UsageStore(h.store());
            long day1 = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
            store.insert(List.of(
                    StoredUsage.record("1", day1 + 5, "alice", "acme/a", "p1", null, 10, 20, 0.5, null),
                    StoredUsage.record("2", day1 + 9, "alice", "acme/b", "p1", null, 1, 2, 0.25, null),
                    StoredUsage.record("3", day1 + D + 3, "bob", "acme/a", "p1", null, 100, 200, 1.0, null)));
            List<UsageStore.Point> points = store.series(parse(store, "from=2026-11-01&to=2026-11-03&group_by=model"), D);
            assertThat(points).extracting(p -> Instant.ofEpochMilli(p.startMs()).toString() + " " + p.group() + " " + p.sums().calls())
                    .containsExactly("2026-11-01T00:00:00Z acme/a 1", "2026-11-01T00:00:00Z acme/b 1", "2026-11-02T00:00:00Z acme/a 1");
        }
    }

    @Test
    void unknownIntervalIsRefusedNamingTheParameter() {
        assertThatThrownBy(() -> UsageEndpoint.interval(UriQuery.create("interval=week"), query("")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo("interval");
                    assertThat(e.getMessage()).contains("hour or day");
                });
    }

    @Test
    void intervalWithGroupByDayIsRefused() {
        assertThatThrownBy(() -> UsageEndpoint.interval(UriQuery.create("interval=hour"), query("group_by=day")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.param()).isEqualTo("interval"));
    }

    @Test
    void tooManyHourlyBucketsAreRefused() {
        assertThatThrownBy(() -> UsageEndpoint.interval(UriQuery.create("interval=hour"), query("from=2025-01-01&to=2026-01-01")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("2000"));
        assertThat(UsageEndpoint.interval(UriQuery.create("interval=day"), query("from=2025-01-01&to=2026-01-01")))
                .isEqualTo(UsageEndpoint.Interval.DAY);
    }

    @Test
    void overHttpTheSeriesFollowsWhatTheCallerMaySee() throws Exception {
        try (io.modelhub.testing.TestHub hub = io.modelhub.testing.TestHub.start("")) {
            io.modelhub.testing.TestHub.Response chat = hub.post("/v1/chat/completions",
                    "{\"model\":\"sandbox/chat\",\"messages\":[{\"role\":\"user\",\"content\":\"count me\"}]}");
            assertThat(chat.status()).isEqualTo(200);
            String readKey = hub.post("/v1/keys", "{\"name\":\"reader\",\"scopes\":[\"read\"]}").json().path("key").asText();
            // The usage writer flushes in the background: poll until the admin sees the call.
            com.fasterxml.jackson.databind.JsonNode all = null;
            for (int i = 0; i < 200; i++) {
                all = hub.get("/v1/usage?group_by=model&interval=hour").json();
                if (all.path("series").size() > 0) {
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(all.path("interval").asText()).isEqualTo("hour");
            assertThat(all.path("series")).hasSize(1);
            com.fasterxml.jackson.databind.JsonNode point = all.path("series").get(0);
            assertThat(point.path("group").asText()).isEqualTo("sandbox/chat");
            assertThat(point.path("calls").asLong()).isEqualTo(1);
            assertThat(Instant.parse(point.path("start").asText()).toEpochMilli() % H).isZero();
            com.fasterxml.jackson.databind.JsonNode own = hub.send("GET", "/v1/usage?interval=day", null, readKey, java.util.Map.of()).json();
            assertThat(own.path("series")).isEmpty();
            io.modelhub.testing.TestHub.Response bad = hub.get("/v1/usage?interval=week");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().path("error").path("param").asText()).isEqualTo("interval");
            assertThat(hub.get("/v1/usage").json().has("series")).isFalse();
        }
    }

    private static UsageStore.Query query(String q) {
        return parse(null, q);
    }
}
