package io.modelhub.usage;

import io.modelhub.auth.Principal;
import io.modelhub.catalog.Offering;

/**
 * Meters one model call from start to end, whatever route made it (chat completions, pipelines,
 * deployments, and every API translated onto chat): the one place that turns a call into its
 * {@link UsageRecord}, with one token-estimate rule and one record-id format.
 */
public final class CallMeter {
    /** About four bytes of JSON per token: the up-front estimate for limits, and for streams cut short. */
    private static final int BYTES_PER_TOKEN = 4;

    /** The provider a call answered from the response cache is metered under. */
    public static final String CACHE_PROVIDER = "cache";

    private final Metering metering;

    public CallMeter(Metering metering) {
        this.metering = metering;
    }

    /** Where a call came from, as its usage record tells it; {@link #DIRECT} for a plain API call. */
    public record Origin(String pipelineId, String deploymentId, Integer pipelineVersion, boolean test) {
        public static final Origin DIRECT = new Origin(null, null, null, false);
    }

    /** What a finished call was metered as. */
    /** What a finished call was metered as; {@code costUsd} is null when the offering's price is not known. */
    public record Metered(String recordId, String provider, TokenUsage usage, Double costUsd, long latencyMs) {}

    /** The tokens a request of {@code bytes} bytes is expected to take as its prompt (at least one). */
    public static long estimatePromptTokens(long bytes) {
        return Math.max(1, bytes / BYTES_PER_TOKEN);
    }

    /**
     * Starts metering a call now.
     *
     * @param promptBytes the size of what is sent as the prompt, for the estimate when the upstream never reports usage
     */
    public Call start(Principal caller, String modelId, String requestId, long promptBytes, Origin origin) {
        return new Call(caller, modelId, requestId, promptBytes, origin);
    }

    /** One call being metered; {@link #finish} writes its record, once. */
    public final class Call {
        private final Principal caller;
        private final String modelId;
        private final String requestId;
        private final long promptBytes;
        private final Origin origin;
        private final long startedNanos = System.nanoTime();
        private final long startedMs = System.currentTimeMillis();
        private long firstTokenNanos;
        private boolean finished;
        private Runnable afterFinish;

        private Call(Principal caller, String modelId, String requestId, long promptBytes, Origin origin) {
            this.caller = caller;
            this.modelId = modelId;
            this.requestId = requestId;
            this.promptBytes = promptBytes;
            this.origin = origin;
        }

        /** Marks when the first token reached the caller ({@code System.nanoTime()}); the first mark wins, 0 is ignored. */
        public void firstTokenAt(long nanos) {
            if (firstTokenNanos == 0 && nanos != 0) {
                firstTokenNanos = nanos;
            }
        }

        public String requestId() {
            return requestId;
        }

        /**
         * Runs {@code action} once the call's usage record is written (e.g. to end a budget reservation, which
         * must outlast the recorded cost so that the two never both miss).
         */
        public void afterFinish(Runnable action) {
            Runnable before = afterFinish;
            afterFinish = before == null ? action : () -> {
                before.run();
                action.run();
            };
        }

        /**
         * The usage of a stream that ended before the upstream reported it (client gone, upstream failed):
         * the tokens were still spent, so they are estimated rather than metered as zero: the prompt from
         * its size, and one token per relayed chunk after the first (which carries the role).
         */
        public TokenUsage estimate(long relayedEvents) {
            return new TokenUsage(estimatePromptTokens(promptBytes), Math.max(0, relayedEvents - 1));
        }

        /**
         * Ends the call and writes its usage record. {@code offering} is the one that answered (or was tried
         * last), null when none was reached; {@code usage} null means "not reported": estimated from what was relayed.
         */
        public Metered finish(Offering offering, TokenUsage usage, long relayedEvents, int status, String errorType) {
            if (finished) {
                throw new IllegalStateException("call " + requestId + " was already metered");
            }
            finished = true;
            TokenUsage used = usage != null ? usage : (offering == null ? TokenUsage.NONE : estimate(relayedEvents));
            long latencyMs = (System.nanoTime() - startedNanos) / 1_000_000;
            Double cost = offering == null ? Double.valueOf(0.0) : offering.cost(used);
            String provider = offering == null ? null : offering.providerId();
            String id = UsageRecord.newId();
            metering.record(new UsageRecord(id, startedMs, caller.keyId(), modelId, provider,
                    origin.pipelineId(), origin.deploymentId(), origin.pipelineVersion(), origin.test(),
                    used.promptTokens(), used.completionTokens(), cost, latencyMs,
                    firstTokenNanos == 0 ? null : (firstTokenNanos - startedNanos) / 1_000_000,
                    status, errorType, requestId, caller.userId()));
            if (afterFinish != null) {
                afterFinish.run();
            }
            return new Metered(id, provider, used, cost, latencyMs);
        }

        /**
         * Ends a call answered from the response cache: its tokens as the cached answer reports them, no
         * upstream cost, and {@link #CACHE_PROVIDER} as its provider so usage shows cached calls apart.
         */
        public Metered finishCached(TokenUsage usage) {
            if (finished) {
                throw new IllegalStateException("call " + requestId + " was already metered");
            }
            finished = true;
            long latencyMs = (System.nanoTime() - startedNanos) / 1_000_000;
            String id = UsageRecord.newId();
            metering.record(new UsageRecord(id, startedMs, caller.keyId(), modelId, CACHE_PROVIDER,
                    origin.pipelineId(), origin.deploymentId(), origin.pipelineVersion(), origin.test(),
                    usage.promptTokens(), usage.completionTokens(), 0.0, latencyMs,
                    firstTokenNanos == 0 ? null : (firstTokenNanos - startedNanos) / 1_000_000, 200, null, requestId, caller.userId()));
            if (afterFinish != null) {
                afterFinish.run();
            }
            return new Metered(id, CACHE_PROVIDER, usage, 0.0, latencyMs);
        }

        /** Ends a call that never reached an upstream (refused by routing): no tokens, no provider. */
        public Metered fail(int status, String errorType) {
            return finish(null, TokenUsage.NONE, 0, status, errorType);
        }
    }
}
