package io.modelhub.usage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.auth.Principal;
import io.modelhub.auth.Scope;
import io.modelhub.api.ApiException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /v1/usage}: calls, errors, tokens and cost over a time range, in total or per key, model,
 * provider, pipeline, user or UTC day. A caller without the admin scope sees only its own key's usage (a
 * signed-in member: their own, whatever key made it).
 */
public final class UsageEndpoint {
    static final Duration DEFAULT_RANGE = Duration.ofDays(30);
    private static final Set<String> PARAMS = Set.of("from", "to", "group_by", "key_id", "user_id");

    private final ObjectMapper json;
    private final UsageStore store;
    private final Clock clock;

    public UsageEndpoint(ObjectMapper json, UsageStore store, Clock clock) {
        this.json = json;
        this.store = store;
        this.clock = clock;
    }

    public void handle(ServerRequest req, ServerResponse res, Principal caller) {
        UsageStore.Query q = query(req.query(), caller);
        List<UsageStore.Sums> rows;
        List<UsageStore.Sums> total;
        try {
            rows = store.sum(q);
            total = q.groupBy() == null ? rows : store.sum(new UsageStore.Query(q.fromMs(), q.toMs(), q.keyId(), null, q.userId()));
        } catch (SQLException e) {
            throw new IllegalStateException("usage query failed: " + e.getMessage(), e);
        }
        ObjectNode body = json.createObjectNode();
        body.put("object", "list");
        body.put("from", Instant.ofEpochMilli(q.fromMs()).toString());
        body.put("to", Instant.ofEpochMilli(q.toMs()).toString());
        body.put("group_by", q.groupBy() == null ? null : q.groupBy().wireName());
        body.put("key_id", q.keyId());
        body.put("user_id", q.userId());
        ArrayNode data = body.putArray("data");
        for (UsageStore.Sums s : rows) {
            ObjectNode row = data.addObject();
            row.put("object", "usage.group");
            row.put("group", s.group());
            sums(row, s);
        }
        sums(body.putObject("total"), total.getFirst());
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            res.send(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sums(ObjectNode o, UsageStore.Sums s) {
        o.put("calls", s.calls());
        o.put("errors", s.errors());
        o.put("prompt_tokens", s.promptTokens());
        o.put("completion_tokens", s.completionTokens());
        o.put("total_tokens", s.totalTokens());
        // Rounded to a millionth of a dollar: sums of doubles would otherwise show float noise.
        o.put("cost_usd", Math.round(s.costUsd() * 1e6) / 1e6);
    }

    /** Reads and checks the query parameters; what the caller may see decides the key filter. */
    UsageStore.Query query(UriQuery params, Principal caller) {
        for (String name : params.names()) {
            if (!PARAMS.contains(name)) {
                throw ApiException.badRequest("Unknown query parameter '" + name + "'. GET /v1/usage takes from, to, group_by, key_id and user_id.",
                        name, "unknown_parameter");
            }
        }
        Instant now = clock.instant();
        Instant to = params.contains("to") ? instant(params.get("to"), "to", true) : now;
        Instant from = params.contains("from") ? instant(params.get("from"), "from", false) : to.minus(DEFAULT_RANGE);
        if (!from.isBefore(to)) {
            throw ApiException.badRequest("'from' (" + from + ") must be before 'to' (" + to + ").", "from", "invalid_value");
        }
        UsageStore.GroupBy groupBy = null;
        if (params.contains("group_by")) {
            String g = params.get("group_by");
            groupBy = UsageStore.GroupBy.fromWire(g);
            if (groupBy == null) {
                throw ApiException.badRequest("Invalid 'group_by': '" + g + "'. Use one of key, model, provider, pipeline, user, day.",
                        "group_by", "invalid_value");
            }
        }
        String keyId = params.contains("key_id") ? params.get("key_id") : null;
        if (keyId != null && keyId.isBlank()) {
            throw ApiException.badRequest("'key_id' must not be empty.", "key_id", "invalid_value");
        }
        String userId = params.contains("user_id") ? params.get("user_id") : null;
        if (userId != null && userId.isBlank()) {
            throw ApiException.badRequest("'user_id' must not be empty.", "user_id", "invalid_value");
        }
        if (!caller.has(Scope.ADMIN)) {
            if (userId != null && !userId.equals(caller.userId())) {
                throw ApiException.forbidden("Only an admin may read the usage of another user.", "insufficient_scope");
            }
            if (caller.kind() == Principal.CredentialKind.SESSION) {
                // A signed-in member sees every call made for them (any of their keys, the portal itself).
                userId = caller.userId();
            } else {
                if (keyId != null && !keyId.equals(caller.keyId())) {
                    throw ApiException.forbidden("Only an admin may read the usage of another key.", "insufficient_scope");
                }
                keyId = caller.keyId();
            }
        }
        return new UsageStore.Query(from.toEpochMilli(), to.toEpochMilli(), keyId, groupBy, userId);
    }

    /**
     * An ISO-8601 instant ({@code 2026-11-01T12:00:00Z}, offsets allowed) or a date ({@code 2026-11-01},
     * UTC). A date as {@code to} includes that whole day.
     */
    private static Instant instant(String value, String param, boolean end) {
        String v = value.trim();
        try {
            if (v.length() == 10) {
                LocalDate day = LocalDate.parse(v);
                return (end ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeException e) {
            throw ApiException.badRequest("Invalid '" + param + "': '" + value
                    + "'. Use an ISO-8601 instant (2026-11-01T00:00:00Z) or date (2026-11-01).", param, "invalid_value");
        }
    }
}
