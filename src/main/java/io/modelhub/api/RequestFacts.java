package io.modelhub.api;

/**
 * What the hub learnt about one request while serving it (who called, which model and provider, tokens,
 * cost, error), for the access log. Bound to the request's thread by the access log; every setter is a
 * no-op when no log is running, so the parts that feed it cost nothing then.
 */
public final class RequestFacts {
    private static final ScopedValue<RequestFacts> CURRENT = ScopedValue.newInstance();

    private final boolean keepBody;
    private String keyId;
    private String userId;
    private String model;
    private String provider;
    private long promptTokens;
    private long completionTokens;
    private double costUsd;
    private boolean costUnknown;
    private Long ttftMs;
    private String errorType;
    private int calls;
    private byte[] body;

    public RequestFacts(boolean keepBody) {
        this.keepBody = keepBody;
    }

    /** Runs {@code action} with these facts as the current request's. */
    public void during(Runnable action) {
        ScopedValue.where(CURRENT, this).run(action);
    }

    /** The facts of the request this thread serves, or null when no access log is running. */
    public static RequestFacts current() {
        return CURRENT.isBound() ? CURRENT.get() : null;
    }

    /** The caller's key id (null for credentials without a key). */
    public static void caller(String keyId) {
        RequestFacts f = current();
        if (f != null) {
            f.keyId = keyId;
        }
    }

    /** The error type the client was answered with. */
    public static void error(String type) {
        RequestFacts f = current();
        if (f != null) {
            f.errorType = type;
        }
    }

    /** Sets the error type of {@code facts} directly (when the request has left its scope). */
    public static void error(RequestFacts facts, String type) {
        facts.errorType = type;
    }

    /** The request body, kept only when the access log logs bodies. */
    public static void body(byte[] bytes) {
        RequestFacts f = current();
        if (f != null && f.keepBody) {
            f.body = bytes;
        }
    }

    /**
     * One metered model call of this request (a pipeline makes several: tokens and cost add up, the last
     * call names the model and provider).
     */
    public static void call(String keyId, String userId, String model, String provider, long promptTokens, long completionTokens,
                            Double costUsd, Long ttftMs, String errorType) {
        RequestFacts f = current();
        if (f == null) {
            return;
        }
        f.calls++;
        if (keyId != null) {
            f.keyId = keyId;
        }
        if (userId != null) {
            f.userId = userId;
        }
        f.model = model;
        if (provider != null) {
            f.provider = provider;
        }
        f.promptTokens += promptTokens;
        f.completionTokens += completionTokens;
        // A call at an unknown price makes the request's cost unknown: never reported as a silent 0.
        if (costUsd == null) {
            f.costUnknown = true;
        } else {
            f.costUsd += costUsd;
        }
        if (f.ttftMs == null) {
            f.ttftMs = ttftMs;
        }
        if (errorType != null) {
            f.errorType = errorType;
        }
    }

    public String keyId() { return keyId; }
    public String model() { return model; }
    public String provider() { return provider; }
    public long promptTokens() { return promptTokens; }
    public long completionTokens() { return completionTokens; }
    public String userId() { return userId; }
    /** The summed cost of the request's calls, or null when a call's price is unknown. */
    public Double costUsd() { return costUnknown ? null : costUsd; }
    public Long ttftMs() { return ttftMs; }
    public String errorType() { return errorType; }
    /** How many model calls the request made. */
    public int calls() { return calls; }
    public byte[] body() { return body; }
}
