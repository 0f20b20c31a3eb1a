package io.modelhub.limits;

import io.modelhub.catalog.Offering;
import java.util.List;

/**
 * The most a call may take, reserved before it is routed and settled when it ends: {@code tokens} against
 * tpm (the prompt estimate plus the output tokens it may produce, as OpenAI counts {@code max_tokens}), and
 * {@code costUsd} against the budget (that many tokens at the priciest offering that could answer it).
 */
public record Demand(long tokens, double costUsd) {
    /**
     * Output tokens assumed when neither the request ({@code max_tokens}) nor the offering
     * ({@code max_output_tokens}, {@code context_length}) bounds them.
     */
    public static final int DEFAULT_MAX_OUTPUT_TOKENS = 4096;

    /** A demand known only by its prompt (no output bound, no price): what the tokens limit alone takes. */
    public static Demand ofPrompt(long promptTokens) {
        return new Demand(promptTokens, 0.0);
    }

    /**
     * The worst case over {@code offerings} of a call with this prompt estimate.
     *
     * @param maxOutputTokens the request's {@code max_completion_tokens} / {@code max_tokens}, or null when it sets none
     */
    public static Demand of(List<Offering> offerings, long promptTokens, Long maxOutputTokens) {
        long mostTokens = 0;
        double mostCost = 0.0;
        for (Offering o : offerings) {
            long out = outputBound(o, promptTokens, maxOutputTokens);
            mostTokens = Math.max(mostTokens, out);
            mostCost = Math.max(mostCost, o.costUsd(promptTokens, out));
        }
        if (offerings.isEmpty()) {
            mostTokens = maxOutputTokens != null ? maxOutputTokens : DEFAULT_MAX_OUTPUT_TOKENS;
        }
        return new Demand(promptTokens + mostTokens, mostCost);
    }

    private static long outputBound(Offering o, long promptTokens, Long requested) {
        Integer cap = o.maxOutputTokens();
        if (requested != null) {
            return cap != null ? Math.min(requested, cap) : requested;
        }
        if (cap != null) {
            return cap;
        }
        if (o.contextLength() != null) {
            return Math.max(1, o.contextLength() - promptTokens);
        }
        return DEFAULT_MAX_OUTPUT_TOKENS;
    }
}
