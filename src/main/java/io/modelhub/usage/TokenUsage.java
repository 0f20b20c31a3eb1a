package io.modelhub.usage;

/**
 * Token counts of one call as the upstream reported them (or the sandbox counted them).
 * {@code promptTokens} counts every input token, cached ones included; {@code cacheReadTokens} and
 * {@code cacheWriteTokens} say how many of them were read from or written to the provider's prompt
 * cache (Anthropic, Bedrock, Gemini report these), so that they can be priced at their own rates.
 */
public record TokenUsage(long promptTokens, long completionTokens, long cacheReadTokens, long cacheWriteTokens) {
    public static final TokenUsage NONE = new TokenUsage(0, 0);

    public TokenUsage(long promptTokens, long completionTokens) {
        this(promptTokens, completionTokens, 0, 0);
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
