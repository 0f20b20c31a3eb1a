package io.modelhub.limits;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.modelhub.auth.Principal;
import io.modelhub.config.HubConfig;
import io.modelhub.api.ApiException;
import io.modelhub.usage.UsageListener;
import io.modelhub.usage.UsageRecord;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admits or refuses (429) each inference request by its caller's limits: budget, requests per minute and
 * tokens per minute. Tokens are taken up front from an estimate of the prompt and settled with the real
 * usage once the answer is done (this class listens to metering for that). Per-key limits win over the
 * configured defaults.
 */
public final class Limiter implements UsageListener {
    /** Seconds a client over its budget is told to wait: the budget does not refill, an admin must raise it. */
    static final long BUDGET_RETRY_AFTER_SECONDS = 3600;

    /** The limits that apply to a caller (from the cached key; never a store read on the hot path). */
    @FunctionalInterface
    public interface LimitsLookup {
        KeyLimits limitsOf(Principal caller);
    }

    private record Pending(String keyId, long tpm, long estimate, long sinceNanos) {}

    /** How long an estimate waits for its usage record before the sweep drops it. */
    private static final long PENDING_TTL_NANOS = Duration.ofMinutes(15).toNanos();
    private static final long SWEEP_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

    private volatile HubConfig.Limits defaults;
    private final LimitsLookup lookup;
    private final Budgets budgets;
    private final BucketSource buckets;
    // Estimates waiting for their real usage, by request id: one put and one remove per request. A plain
    // concurrent map, not a Caffeine cache: each write to that schedules its upkeep on the common pool and
    // wakes one of its threads, about a tenth of the hub's CPU at 64 connections in a profile. An entry
    // whose record never comes is dropped by a sweep that runs at most once a minute, on a caller's thread.
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong nextSweepNanos = new AtomicLong(System.nanoTime() + SWEEP_EVERY_NANOS);

    public Limiter(HubConfig.Limits defaults, LimitsLookup lookup, Budgets budgets, BucketSource buckets) {
        this.defaults = defaults;
        this.lookup = lookup;
        this.budgets = budgets;
        this.buckets = buckets;
    }

    /**
     * Lets the request through, or throws 429 {@code rate_limit_error} with {@code Retry-After}: code
     * {@code budget_exceeded} when the key has spent its budget, {@code rate_limit_exceeded} when over rpm or tpm.
     * Only the prompt estimate is reserved; for a model call whose worst case is known use {@link #admit(Principal, Demand, String)}.
     *
     * @param estimatedTokens the tokens the request is expected to use (e.g. body bytes / 4)
     * @param requestId the id the usage record of this request will carry, to settle the estimate
     */
    /** Takes a reloaded configuration's default limits for the calls admitted from now on. */
    public void reconfigure(HubConfig.Limits next) {
        this.defaults = next;
    }

    public Admission admit(Principal caller, long estimatedTokens, String requestId) {
        return admit(caller, Demand.ofPrompt(estimatedTokens), requestId);
    }

    /**
     * Lets a model call through by reserving its worst case, or throws 429 as above: the tokens of
     * {@code demand} are taken from the tpm bucket (settled with the real usage when its record comes), and
     * its cost is reserved against the budget, refused when spend plus reservations would pass it. The
     * caller must {@link #release} the answer once the call's usage is recorded.
     */
    public Admission admit(Principal caller, Demand demand, String requestId) {
        KeyLimits limits = lookup.limitsOf(caller);
        String keyId = caller.limitsId();
        Budgets.Hold hold = reserveBudget(keyId, limits, demand);
        try {
            return admitRates(keyId, limits, demand.tokens(), requestId, hold);
        } catch (RuntimeException e) {
            if (hold != null) {
                budgets.release(hold);
            }
            throw e;
        }
    }

    /**
     * Reserves the worst-case cost of one more model call of an admitted request (a pipeline step) against
     * the caller's budget, or throws 429 {@code budget_exceeded}; null when the caller has no budget.
     * {@link #release(Budgets.Hold)} ends it once the call is metered.
     */
    public Budgets.Hold reserveBudget(Principal caller, Demand demand) {
        return reserveBudget(caller.limitsId(), lookup.limitsOf(caller), demand);
    }

    /** Ends a reservation of {@link #reserveBudget(Principal, Demand)} (null: nothing to end). */
    public void release(Budgets.Hold hold) {
        if (hold != null) {
            budgets.release(hold);
        }
    }

    /** Ends what {@link #admit} reserved for a call; its usage record must have been written first. */
    public void release(Admission admission) {
        if (admission.hold() != null) {
            budgets.release(admission.hold());
        }
    }

    private Budgets.Hold reserveBudget(String keyId, KeyLimits limits, Demand demand) {
        Double budget = limits.budgetUsd();
        if (budget == null) {
            return null;
        }
        if (demand.costUsd() <= 0) {
            double spent = budgets.spent(keyId, limits.storedSpendUsd());
            if (spent >= budget) {
                throw overBudget(String.format(Locale.ROOT, "This key has spent $%.4f of its $%.4f budget.", spent, budget), keyId);
            }
            return null;
        }
        Budgets.Reservation r = budgets.reserve(keyId, demand.costUsd(), budget, limits.storedSpendUsd());
        if (!r.granted()) {
            String held = r.heldUsd() > 0 ? String.format(Locale.ROOT, " and $%.4f is reserved by calls in flight", r.heldUsd()) : "";
            throw overBudget(String.format(Locale.ROOT,
                    "This call could cost up to $%.4f (%d tokens at most), but this key has spent $%.4f of its $%.4f budget%s. "
                            + "A smaller max_tokens reserves less.",
                    demand.costUsd(), demand.tokens(), r.spentUsd(), budget, held), keyId);
        }
        return r.hold();
    }

    private static ApiException overBudget(String message, String keyId) {
        return ApiException.rateLimited(message + " An admin can raise budget_usd with PATCH /v1/keys/" + keyId + ".",
                "budget_exceeded", Map.of("Retry-After", Long.toString(BUDGET_RETRY_AFTER_SECONDS)));
    }

    private Admission admitRates(String keyId, KeyLimits limits, long estimatedTokens, String requestId, Budgets.Hold hold) {
        HubConfig.Limits defaults = this.defaults;
        Integer rpm = limits.rpm() != null ? limits.rpm() : defaults.rpm();
        Integer tpm = limits.tpm() != null ? limits.tpm() : defaults.tpm();

        long limitReq = Admission.UNLIMITED;
        long remainingReq = Admission.UNLIMITED;
        long resetReq = 0;
        Bucket requests = null;
        if (rpm != null) {
            requests = buckets.bucket(keyId + "|rpm", rpm);
            ConsumptionProbe p = requests.tryConsumeAndReturnRemaining(1);
            limitReq = rpm;
            if (!p.isConsumed()) {
                long tokensLeft = tpm == null ? Admission.UNLIMITED : buckets.bucket(keyId + "|tpm", tpm).getAvailableTokens();
                throw over("requests per minute", rpm, p, new Admission(rpm, 0, p.getNanosToWaitForReset(),
                        tpm == null ? Admission.UNLIMITED : tpm, tokensLeft, 0, null));
            }
            remainingReq = p.getRemainingTokens();
            resetReq = p.getNanosToWaitForReset();
        }
        long limitTok = Admission.UNLIMITED;
        long remainingTok = Admission.UNLIMITED;
        long resetTok = 0;
        if (tpm != null) {
            // A request larger than the whole bucket could never pass; let it through when the bucket is full.
            long take = Math.max(1, Math.min(estimatedTokens, tpm));
            Bucket tokens = buckets.bucket(keyId + "|tpm", tpm);
            ConsumptionProbe p = tokens.tryConsumeAndReturnRemaining(take);
            limitTok = tpm;
            if (!p.isConsumed()) {
                if (requests != null) {
                    requests.addTokens(1);
                }
                throw over("tokens per minute", tpm, p, new Admission(limitReq, remainingReq + (requests != null ? 1 : 0), resetReq,
                        tpm, p.getRemainingTokens(), p.getNanosToWaitForReset(), null));
            }
            remainingTok = p.getRemainingTokens();
            resetTok = p.getNanosToWaitForReset();
            remember(requestId, new Pending(keyId, tpm, take, System.nanoTime()));
        }
        return new Admission(limitReq, remainingReq, resetReq, limitTok, remainingTok, resetTok, hold);
    }

    private void remember(String requestId, Pending p) {
        pending.put(requestId, p);
        long now = p.sinceNanos();
        long next = nextSweepNanos.get();
        if (now - next >= 0 && nextSweepNanos.compareAndSet(next, now + SWEEP_EVERY_NANOS)) {
            pending.values().removeIf(e -> now - e.sinceNanos() > PENDING_TTL_NANOS);
        }
    }

    /** Estimates still waiting for their usage record (calls in flight, and any whose record never came yet). */
    int pendingEstimates() {
        return pending.size();
    }

    private static ApiException over(String what, long limit, ConsumptionProbe p, Admission state) {
        long retryAfter = Math.max(1, (p.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        Map<String, String> headers = new java.util.HashMap<>(state.headers());
        headers.put("Retry-After", Long.toString(retryAfter));
        return ApiException.rateLimited("Rate limit reached: " + limit + " " + what + " for this key. Retry after "
                + retryAfter + " s.", "rate_limit_exceeded", headers);
    }

    /** Settles the token estimate of a finished request with its real usage. */
    @Override
    public void onUsage(UsageRecord r) {
        Pending p = r.requestId() == null ? null : pending.remove(r.requestId());
        if (p == null) {
            return;
        }
        long actual = r.promptTokens() + r.completionTokens();
        long diff = actual - p.estimate();
        Bucket tokens = buckets.bucket(p.keyId() + "|tpm", p.tpm());
        if (diff > 0) {
            // May push the bucket below zero: the next requests then wait until the debt is refilled.
            tokens.consumeIgnoringRateLimits(diff);
        } else if (diff < 0) {
            tokens.addTokens(-diff);
        }
    }
}
