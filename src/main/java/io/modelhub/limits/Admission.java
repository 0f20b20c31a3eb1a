package io.modelhub.limits;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request let through by the {@link Limiter}, with what the OpenAI rate-limit headers should say. An
 * unlimited dimension shows as {@link #UNLIMITED} with a reset of {@code 0s}, so clients that parse the
 * headers as numbers keep working. {@code hold} is the call's budget reservation, if it took one
 * ({@link Limiter#release} ends it).
 */
public record Admission(long limitRequests, long remainingRequests, long resetRequestsNanos,
        long limitTokens, long remainingTokens, long resetTokensNanos, Budgets.Hold hold) {
    public static final long UNLIMITED = Integer.MAX_VALUE;

    static final HeaderName LIMIT_REQUESTS = HeaderNames.create("x-ratelimit-limit-requests");
    static final HeaderName REMAINING_REQUESTS = HeaderNames.create("x-ratelimit-remaining-requests");
    static final HeaderName RESET_REQUESTS = HeaderNames.create("x-ratelimit-reset-requests");
    static final HeaderName LIMIT_TOKENS = HeaderNames.create("x-ratelimit-limit-tokens");
    static final HeaderName REMAINING_TOKENS = HeaderNames.create("x-ratelimit-remaining-tokens");
    static final HeaderName RESET_TOKENS = HeaderNames.create("x-ratelimit-reset-tokens");

    /** Sets the six rate-limit headers on the response. */
    public void applyTo(ServerResponse res) {
        res.header(LIMIT_REQUESTS, Long.toString(limitRequests));
        res.header(REMAINING_REQUESTS, Long.toString(Math.max(0, remainingRequests)));
        res.header(RESET_REQUESTS, duration(resetRequestsNanos));
        res.header(LIMIT_TOKENS, Long.toString(limitTokens));
        res.header(REMAINING_TOKENS, Long.toString(Math.max(0, remainingTokens)));
        res.header(RESET_TOKENS, duration(resetTokensNanos));
    }

    /** The same headers as a map (for error answers). */
    public Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(LIMIT_REQUESTS.lowerCase(), Long.toString(limitRequests));
        h.put(REMAINING_REQUESTS.lowerCase(), Long.toString(Math.max(0, remainingRequests)));
        h.put(RESET_REQUESTS.lowerCase(), duration(resetRequestsNanos));
        h.put(LIMIT_TOKENS.lowerCase(), Long.toString(limitTokens));
        h.put(REMAINING_TOKENS.lowerCase(), Long.toString(Math.max(0, remainingTokens)));
        h.put(RESET_TOKENS.lowerCase(), duration(resetTokensNanos));
        return h;
    }

    /** OpenAI's style for reset times: {@code 20ms}, {@code 1.5s}, {@code 6m0s}. */
    static String duration(long nanos) {
        long ms = Math.max(0, (nanos + 999_999) / 1_000_000);
        if (ms < 1000) {
            return ms + "ms";
        }
        long minutes = ms / 60_000;
        long restMs = ms % 60_000;
        String seconds = restMs % 1000 == 0 ? Long.toString(restMs / 1000)
                : java.math.BigDecimal.valueOf(restMs, 3).stripTrailingZeros().toPlainString();
        return minutes == 0 ? seconds + "s" : minutes + "m" + seconds + "s";
    }
}
