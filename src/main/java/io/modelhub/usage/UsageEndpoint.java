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
    private static final Set<String> PARAMS = Set.of("from", "to", "group_by", "key_id", "user_id", "interval");

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
        Interval interval = interval(req.query(), q);
        List<UsageStore.Sums> rows;
        List<UsageStore.Sums> total;
        List<UsageStore.Point> series;
        try {
            rows = store.sum(q);
            total = q.groupBy() == null ? rows : store.sum(new UsageStore.Query(q.fromMs(), q.toMs(), q.keyId(), null, q.userId()));
            series = interval == null ? null : store.series(q, interval.millis());
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
        if (series != null) {
            body.put("interval", interval.wireName());
            ArrayNode points = body.putArray("series");
            for (UsageStore.Point p : series) {
                ObjectNode point = points.addObject();
                point.put("start", Instant.ofEpochMilli(p.startMs()).toString());
                point.put("group", p.group());
                sums(point, p.sums());
            }
        }
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

    /** The buckets of {@code series}, when {@code interval} asks for one. */
    enum Interval {
        HOUR("hour", 3_600_000L), DAY("day", 86_400_000L);

        private final String wireName;
        private final long millis;

        Interval(String wireName, long millis) {
            this.wireName = wireName;
            this.millis = millis;
        }

        String wireName() {
            return wireName;
        }

        long millis() {
            return millis;
        }
    }

    /** Most buckets one answer may hold, so that a year per hour cannot be asked for by mistake. */
    static final long MAX_BUCKETS = 2_000;

    static Interval interval(UriQuery params, UsageStore.Query q) {
        if (!params.contains("interval")) {
            return null;
        }
        String v = params.get("interval");
        Interval interval = switch (v) {
            case "hour" -> Interval.HOUR;
            case "day" -> Interval.DAY;
            default -> throw ApiException.badRequest("Invalid 'interval': '" + v + "'. Use hour or day.", "interval", "invalid_value");
        };
        if (q.groupBy() == UsageStore.GroupBy.DAY) {
            throw ApiException.badRequest("'interval' already gives a series over time: use it with group_by key, model, provider"
                    + " or pipeline, not day.", "interval", "invalid_value");
        }
        if ((q.toMs() - q.fromMs()) / interval.millis() > MAX_BUCKETS) {
            throw ApiException.badRequest("The range holds more than " + MAX_BUCKETS + " " + v + "s: shorten it or use interval=day.",
                    "interval", "invalid_value");
        }
        return interval;
    }

    /** Reads and checks the query parameters; what the caller may see decides the key filter. */
    UsageStore.Query query(UriQuery params, Principal caller) {
        for (String name : params.names()) {
            if (!PARAMS.contains(name)) {
                throw ApiException.badRequest("Unknown query parameter '" + name + "'. GET /v1/usage takes from, to, group_by, key_id, user_id and interval.",
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
