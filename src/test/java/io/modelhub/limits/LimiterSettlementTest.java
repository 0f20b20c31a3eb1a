package io.modelhub.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelhub.auth.Principal;
import io.modelhub.auth.Scope;
import io.modelhub.config.HubConfig;
import io.modelhub.usage.UsageRecord;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The tpm estimate of every admitted call waits for its usage record, and is settled and forgotten when it comes. */
class LimiterSettlementTest {
    private final Principal caller = new Principal("key1", "k", Scope.READ, Set.of(), Principal.CredentialKind.API_KEY, null);
    private final BucketSource.InProcess buckets = new BucketSource.InProcess();
    private final Limiter limiter = new Limiter(HubConfig.Limits.UNLIMITED, c -> new KeyLimits(null, 1000, null, 0.0),
            new Budgets(spend -> { }, id -> 0.0), buckets);

    private static UsageRecord usage(String requestId, long prompt, long completion) {
        return new UsageRecord(UsageRecord.newId(), 0, "key1", "m", "p", null, null, null, false, prompt, completion,
                0.0, 1, null, 200, null, requestId);
    }

    @Test
    void eachEstimateIsSettledWithTheRealUsageAndThenForgotten() {
        for (int i = 0; i < 100; i++) {
            limiter.admit(caller, 10, "req-" + i);
        }
        assertThat(limiter.pendingEstimates()).isEqualTo(100);
        assertThat(buckets.bucket("key1|tpm", 1000).getAvailableTokens()).isEqualTo(0);

        for (int i = 0; i < 100; i++) {
            limiter.onUsage(usage("req-" + i, 3, 2)); // 5 real tokens against 10 estimated: 5 given back each
        }
        assertThat(limiter.pendingEstimates()).isZero();
        assertThat(buckets.bucket("key1|tpm", 1000).getAvailableTokens()).isEqualTo(500);
    }

    @Test
    void aRecordOfAnUnknownOrAlreadySettledRequestChangesNothing() {
        limiter.admit(caller, 10, "req-a");
        limiter.onUsage(usage("req-a", 10, 0));
        long before = buckets.bucket("key1|tpm", 1000).getAvailableTokens();

        limiter.onUsage(usage("req-a", 500, 0));
        limiter.onUsage(usage("never-admitted", 500, 0));
        limiter.onUsage(usage(null, 500, 0));

        assertThat(buckets.bucket("key1|tpm", 1000).getAvailableTokens()).isEqualTo(before);
        assertThat(limiter.pendingEstimates()).isZero();
    }
}
