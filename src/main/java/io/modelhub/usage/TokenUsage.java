package io.modelhub.usage;

/** Token counts of one call as the upstream reported them (or the sandbox counted them). */
public record TokenUsage(long promptTokens, long completionTokens) {
    public static final TokenUsage NONE = new TokenUsage(0, 0);

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
