package io.modelhub.bench;

import io.modelhub.auth.CredentialAuthenticator;
import io.modelhub.auth.HubTokens;
import io.modelhub.auth.KeyRecord;
import io.modelhub.auth.KeyStore;
import io.modelhub.auth.Keys;
import io.modelhub.auth.Principal;
import io.modelhub.auth.RevocationBus;
import io.modelhub.auth.Scope;
import io.modelhub.config.HubConfig;
import io.modelhub.limits.BucketSource;
import io.modelhub.limits.Budgets;
import io.modelhub.limits.KeyLimits;
import io.modelhub.limits.Limiter;
import io.modelhub.store.Store;
import io.modelhub.usage.UsageRecord;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Microseconds per request for what the hub does before routing an inference call: authenticate the
 * credential (API key, or hub access token) and admit it through the rate limiter and budget, with a warm
 * cache. Run by bench/auth/run.sh.
 */
public final class AuthBench {
    private AuthBench() {}

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Store store = Store.open("jdbc:sqlite:" + Files.createTempDirectory("modelhub-bench").resolve("bench.db"));
        KeyStore keyStore = new KeyStore(store);
        Keys keys = new Keys(keyStore, new RevocationBus.Local());
        HubTokens tokens = new HubTokens(keys, keyStore);
        CredentialAuthenticator auth = new CredentialAuthenticator(keys, tokens, null);
        Budgets budgets = new Budgets(keyStore::addSpend, id -> keyStore.find(id).map(KeyRecord::spentUsd).orElse(null));
        Limiter limiter = new Limiter(HubConfig.Limits.UNLIMITED, caller -> {
            KeyRecord k = keys.cached(caller.keyId());
            return new KeyLimits(k.rpm(), k.tpm(), k.budgetUsd(), k.spentUsd());
        }, budgets, new BucketSource.InProcess());

        // Limits high enough never to refuse, so every iteration takes the full path through both buckets and the budget.
        Keys.Created created = keys.create(new Keys.Spec("bench", List.of(Scope.READ), null, null,
                1_000_000_000, 1_000_000_000, 1_000_000.0));
        String apiKey = created.credential().reveal();
        String token = tokens.issue(created.record(), List.of(Scope.READ), Duration.ofHours(1), System.currentTimeMillis()).token();

        System.out.println("iterations per run: " + iterations);
        report("API key  ", auth, limiter, apiKey, iterations);
        report("hub token", auth, limiter, token, iterations);
        keys.close();
        budgets.close();
        store.close();
    }

    private static void report(String what, CredentialAuthenticator auth, Limiter limiter, String credential, int n) {
        run(auth, limiter, credential, Math.max(200_000, n / 5)); // warm-up: JIT and caches
        long[] t = run(auth, limiter, credential, n);
        Arrays.sort(t);
        System.out.printf("%s  auth+limit  p50 %.2f us  p99 %.2f us  p99.9 %.2f us%n", what,
                t[n / 2] / 1000.0, t[(int) (n * 0.99)] / 1000.0, t[(int) (n * 0.999)] / 1000.0);
    }

    private static long[] run(CredentialAuthenticator auth, Limiter limiter, String credential, int n) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            Principal p = auth.authenticate(credential);
            limiter.admit(p, 100, "bench-" + i);
            t[i] = System.nanoTime() - start;
            // What metering does once the answer is done (not timed: it runs after the response, not before routing).
            limiter.onUsage(new UsageRecord("bench-" + i, 0, p.keyId(), "m", "p", null, null, null, false, 80, 20, 0.0, 0, null, 200, null,
                    "bench-" + i));
        }
        return t;
    }
}
