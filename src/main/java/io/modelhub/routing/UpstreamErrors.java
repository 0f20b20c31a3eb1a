package io.modelhub.routing;

import io.modelhub.providers.UpstreamException;
import io.modelhub.api.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Turns upstream failures into the API errors the client sees (section 2 of the contract). */
final class UpstreamErrors {
    private UpstreamErrors() {}

    /**
     * Every tried offering failed: 503 with Retry-After if the hub's connection limits refused them all (the
     * upstreams were never called), 504 if the others all timed out, else 502 naming each provider and its error.
     */
    static ApiException allFailed(String modelId, List<UpstreamException> failures) {
        StringBuilder sb = new StringBuilder();
        for (UpstreamException f : failures) {
            if (!sb.isEmpty()) {
                sb.append("; ");
            }
            sb.append(f.providerId()).append(": ").append(f.getMessage());
        }
        List<UpstreamException> called = failures.stream().filter(f -> f.kind() != UpstreamException.Kind.BUSY).toList();
        if (called.isEmpty() && !failures.isEmpty()) {
            long seconds = failures.stream().map(UpstreamException::retryAfter)
                    .mapToLong(d -> d == null ? 1 : Math.max(1, (d.toMillis() + 999) / 1000)).min().orElse(1);
            return ApiException.unavailable("The provider's connection limit is reached for model '" + modelId
                    + "': every slot is in use and the wait for one was full or ran out. Try again in " + seconds + " s. Tried " + sb + ".",
                    "connection_limit_reached").withHeaders(Map.of("Retry-After", Long.toString(seconds)));
        }
        boolean allTimeouts = !called.isEmpty() && called.stream().allMatch(f -> f.kind() == UpstreamException.Kind.TIMEOUT);
        if (allTimeouts) {
            return ApiException.timeout("The provider did not answer in time for model '" + modelId + "'. Tried " + sb + ".");
        }
        ApiException e = ApiException.upstream("Every provider failed for model '" + modelId + "'. Tried " + sb + ".", "upstream_failed");
        UpstreamException last = called.isEmpty() ? null : called.getLast();
        if (last != null && last.status() == 429 && last.retryAfter() != null) {
            e = e.withHeaders(Map.of("Retry-After", Long.toString(Math.max(1, last.retryAfter().toSeconds()))));
        }
        return e;
    }

    /** An upstream 400/413/422 is the request's own fault: the client sees it with the provider named. */
    static ApiException passThrough(UpstreamException e) {
        String detail = e.getMessage();
        byte[] body = e.body();
        if (detail == null && body != null) {
            detail = new String(body, StandardCharsets.UTF_8);
        }
        int status = e.status() == 413 ? 400 : e.status();
        return new ApiException(status, "invalid_request_error",
                "Provider '" + e.providerId() + "' rejected the request: " + detail, null, "upstream_rejected", null);
    }
}
