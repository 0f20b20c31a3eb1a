package io.modelhub.usage;

/**
 * One inference call, as metered: who, what, where, how much and how it went. Written for every call
 * (direct, pipeline test, deployment), including failed ones and streams the client abandoned.
 *
 * @param id unique id of this record
 * @param timestampMs when the call started, epoch milliseconds
 * @param keyId the API key behind the credential, or null
 * @param model the hub's model id
 * @param provider the provider that answered (or the last one tried), or null
 * @param pipelineId the pipeline, for pipeline calls
 * @param deploymentId the deployment, for deployment calls
 * @param pipelineVersion the pipeline version that ran, or null
 * @param testCall whether this was a pipeline test call (kept apart from production)
 * @param costUsd prompt and completion tokens times the offering's prices
 * @param latencyMs from request to last byte
 * @param ttftMs from request to first token (streams), or null
 * @param status the HTTP status the client got (200 for a stream that failed after it started, with errorType set)
 * @param errorType the API error type, or null on success
 * @param userId the user the call was made for (the key's owner, or the signed-in user), or null
 */
public record UsageRecord(
        String id,
        long timestampMs,
        String keyId,
        String model,
        String provider,
        String pipelineId,
        String deploymentId,
        Integer pipelineVersion,
        boolean testCall,
        long promptTokens,
        long completionTokens,
        double costUsd,
        long latencyMs,
        Long ttftMs,
        int status,
        String errorType,
        String requestId,
        String userId) {

    /** A record of a call made for no user. */
    public UsageRecord(String id, long timestampMs, String keyId, String model, String provider, String pipelineId,
            String deploymentId, Integer pipelineVersion, boolean testCall, long promptTokens, long completionTokens,
            double costUsd, long latencyMs, Long ttftMs, int status, String errorType, String requestId) {
        this(id, timestampMs, keyId, model, provider, pipelineId, deploymentId, pipelineVersion, testCall, promptTokens,
                completionTokens, costUsd, latencyMs, ttftMs, status, errorType, requestId, null);
    }

    /**
     * A fresh record id. Not the request id: clients may send the same {@code x-request-id} twice
     * (retries), and every call must still get its own row.
     */
    public static String newId() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        return "use_" + Long.toHexString(System.currentTimeMillis()) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }
}
