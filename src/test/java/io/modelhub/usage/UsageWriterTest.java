package io.modelhub.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelhub.config.HubConfig;
import io.modelhub.store.Store;
import io.modelhub.testing.TestStores;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class UsageWriterTest {
    @ParameterizedTest
    @EnumSource(Store.Dialect.class)
    void queuedRecordsAreWrittenInBatchesWithEveryField(Store.Dialect dialect) throws Exception {
        try (TestStores.Handle h = TestStores.open(dialect)) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            UsageWriter writer = new UsageWriter(new UsageStore(h.store()),
                    new HubConfig.Usage(true, 10_000, 100, Duration.ofMillis(50)), meters);
            List<UsageRecord> sent = new ArrayList<>();
            for (int i = 0; i < 1234; i++) {
                UsageRecord r = new UsageRecord("u" + i, 1_000L + i, "key" + (i % 3), "acme/chat-1", "mockai",
                        i % 2 == 0 ? "pipe1" : null, i % 2 == 0 ? "dep1" : null, i % 2 == 0 ? 3 : null, i % 4 == 0,
                        10 + i, 20 + i, 0.001 * i, 50 + i, i % 2 == 0 ? (Long) (long) i : null, 200, null, "req" + i);
                sent.add(r);
                writer.onUsage(r);
            }
            writer.flush();
            assertThat(StoredUsage.all(h.store())).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(meters.get("modelhub.usage.records.written").tag("path", "batch").counter().count()).isEqualTo(1234);
            writer.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.Dialect.class)
    void aFullQueueLosesNothingAndIsCounted(Store.Dialect dialect) throws Exception {
        try (TestStores.Handle h = TestStores.open(dialect)) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            UsageWriter writer = new UsageWriter(new UsageStore(h.store()),
                    new HubConfig.Usage(true, 2, 1, Duration.ofMillis(1)), meters);
            int threads = 8;
            int each = 100;
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int tt = t;
                producers.add(Thread.ofVirtual().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < each; i++) {
                        writer.onUsage(StoredUsage.record("t" + tt + "-" + i, i, "k", "m", "p", null, 1, 1, 0.0, null));
                    }
                }));
            }
            go.countDown();
            for (Thread p : producers) {
                p.join();
            }
            writer.close();
            List<UsageRecord> rows = StoredUsage.all(h.store());
            Set<String> ids = new HashSet<>();
            rows.forEach(r -> ids.add(r.id()));
            assertThat(ids).hasSize(threads * each);
            assertThat(meters.get("modelhub.usage.queue.full").counter().count()).isPositive();
            double batched = meters.get("modelhub.usage.records.written").tag("path", "batch").counter().count();
            double direct = meters.get("modelhub.usage.records.written").tag("path", "direct").counter().count();
            assertThat(batched + direct).isEqualTo(threads * each);
            assertThat(meters.get("modelhub.usage.records.failed").counter().count()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.Dialect.class)
    void closeWritesEverythingStillQueued(Store.Dialect dialect) throws Exception {
        try (TestStores.Handle h = TestStores.open(dialect)) {
            // A long flush interval: without close() writing the rest, these would still be waiting.
            UsageWriter writer = new UsageWriter(new UsageStore(h.store()),
                    new HubConfig.Usage(true, 10_000, 5_000, Duration.ofSeconds(60)), new SimpleMeterRegistry());
            for (int i = 0; i < 300; i++) {
                writer.onUsage(StoredUsage.record("c" + i, i, "k", "m", "p", null, 1, 1, 0.0, null));
            }
            writer.close();
            assertThat(new UsageStore(h.store()).count()).isEqualTo(300);
            writer.onUsage(StoredUsage.record("late", 1, "k", "m", "p", null, 1, 1, 0.0, null));
            assertThat(new UsageStore(h.store()).count()).isEqualTo(301);
        }
    }

    @ParameterizedTest
    @EnumSource(Store.Dialect.class)
    void aRecordTheDatabaseRefusesDoesNotSinkItsBatch(Store.Dialect dialect) throws Exception {
        try (TestStores.Handle h = TestStores.open(dialect)) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            UsageWriter writer = new UsageWriter(new UsageStore(h.store()),
                    new HubConfig.Usage(true, 10_000, 100, Duration.ofMillis(200)), meters);
            writer.onUsage(StoredUsage.record("a", 1, "k", "m", "p", null, 1, 1, 0.0, null));
            writer.onUsage(StoredUsage.record("a", 2, "k", "m", "p", null, 1, 1, 0.0, null));
            writer.onUsage(StoredUsage.record("b", 3, "k", "m", "p", null, 1, 1, 0.0, null));
            writer.close();
            assertThat(StoredUsage.all(h.store())).extracting(UsageRecord::id).containsExactly("a", "b");
            assertThat(meters.get("modelhub.usage.records.failed").counter().count()).isEqualTo(1);
        }
    }
}
