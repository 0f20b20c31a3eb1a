package io.modelhub.catalog;

import io.modelhub.config.HubConfig;
import java.util.Map;
import java.util.Set;

/**
 * One model served by one provider: the name the provider knows it by, its limits, prices and the
 * request parameters it accepts. {@code supportedParameters} null means "takes every field as it comes".
 */
public record Offering(
        String modelId,
        String providerId,
        String upstreamModel,
        Integer contextLength,
        Integer maxOutputTokens,
        HubConfig.Pricing pricing,
        Set<String> supportedParameters,
        Map<String, HubConfig.Range> parameterRanges,
        Set<Capability> capabilities,
        String source,
        String asOf) {

    /** A key unique across the catalog, for per-offering state such as stats and circuit breakers. */
    public String key() {
        return providerId + "|" + modelId;
    }

    /**
     * Cost in USD of a call with this usage, or null when the offering's price is not known. Prompt tokens
     * read from or written to the provider's cache are priced at the cache prices when the offering has
     * them, else as ordinary input.
     */
    public Double cost(io.modelhub.usage.TokenUsage usage) {
        if (pricing == null) {
            return null;
        }
        long cached = usage.cacheReadTokens() + usage.cacheWriteTokens();
        long uncached = Math.max(0, usage.promptTokens() - cached);
        double in = pricing.inputPerMtok();
        double read = pricing.cacheReadPerMtok() != null ? pricing.cacheReadPerMtok() : in;
        double write = pricing.cacheWritePerMtok() != null ? pricing.cacheWritePerMtok() : in;
        return (uncached * in + usage.cacheReadTokens() * read + usage.cacheWriteTokens() * write
                + usage.completionTokens() * pricing.outputPerMtok()) / 1_000_000.0;
    }

    /** Cost in USD of a call with these token counts, none of them cached; zero when the offering has no prices. */
    public double costUsd(long promptTokens, long completionTokens) {
        if (pricing == null) {
            return 0.0;
        }
        return (promptTokens * pricing.inputPerMtok() + completionTokens * pricing.outputPerMtok()) / 1_000_000.0;
    }
}
