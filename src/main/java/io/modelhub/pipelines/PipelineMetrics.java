package io.modelhub.pipelines;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.api.ApiException;
import io.modelhub.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A pipeline's metrics from {@code usage_records}. A <em>call</em> is one run of the pipeline (one
 * request to invoke, chat or test), however many steps it made: the step records of a run share its
 * request id and are summed in SQL, one row per run; percentiles and buckets are done here in Java.
 * Production runs (deployments) and test runs are counted apart.
 */
public final class PipelineMetrics {
    /** The width of one {@code series} bucket. */
    public enum Interval {
        MINUTE(60_000L, 3_600_000L), HOUR(3_600_000L, 86_400_000L), DAY(86_400_000L, 30 * 86_400_000L);

        final long millis;
        /** The range shown when no {@code from} is given: an hour of minutes, a day of hours, 30 days. */
        final long defaultRange;

        Interval(long millis, long defaultRange) {
            this.millis = millis;
            this.defaultRange = defaultRange;
        }

        static Interval parse(String s) {
            if (s == null || s.isEmpty()) {
                return HOUR;
            }
            for (Interval i : values()) {
                if (i.name().equalsIgnoreCase(s)) {
                    return i;
                }
            }
            throw ApiException.badRequest("Invalid 'interval': '" + s + "'. Use minute, hour or day.", "interval", "invalid_value");
        }
    }

    /** The most buckets one answer may hold, so a wide range at minute resolution cannot blow up the answer. */
    static final int MAX_BUCKETS = 10_000;

    /** One run, summed over its step records. */
    record Run(long ts, String deploymentId, Integer version, boolean test, long prompt, long completion,
               double cost, long latency, boolean error, long steps) {}

    private final Store store;
    private final ObjectMapper json;

    public PipelineMetrics(Store store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    /** The answer of {@code GET /v1/pipelines/{id}/metrics} for these query parameters (raw, as sent). */
    public ObjectNode compute(String pipelineId, String fromParam, String toParam, String intervalParam, long now) {
        Interval interval = Interval.parse(intervalParam);
        long to = toParam == null || toParam.isEmpty() ? now : time(toParam, "to");
        long from = fromParam == null || fromParam.isEmpty() ? to - interval.defaultRange : time(fromParam, "from");
        if (from >= to) {
            throw ApiException.badRequest("'from' must be before 'to'.", "from", "invalid_value");
        }
        long first = Math.floorDiv(from, interval.millis) * interval.millis;
        long buckets = (to - first + interval.millis - 1) / interval.millis;
        if (buckets > MAX_BUCKETS) {
            throw ApiException.badRequest("That range holds " + buckets + " " + interval.name().toLowerCase(java.util.Locale.ROOT)
                    + "s; at most " + MAX_BUCKETS + " fit in one answer. Use a wider interval or a shorter range.", "interval", "invalid_value");
        }
        List<Run> runs = runs(pipelineId, from, to);

        Totals production = new Totals();
        Totals tests = new Totals();
        Map<Long, Totals> series = new TreeMap<>();
        for (long b = first; b < to; b += interval.millis) {
            series.put(b, new Totals());
        }
        Map<String, Totals> byDeployment = new LinkedHashMap<>();
        for (Run r : runs) {
            Totals bucket = series.get(Math.floorDiv(r.ts(), interval.millis) * interval.millis);
            if (r.test()) {
                tests.add(r);
                if (bucket != null) {
                    bucket.tests++;
                }
                continue;
            }
            production.add(r);
            if (bucket != null) {
                bucket.add(r);
            }
            if (r.deploymentId() != null) {
                Totals d = byDeployment.computeIfAbsent(r.deploymentId(), k -> new Totals());
                d.version = r.version();
                d.add(r);
            }
        }

        ObjectNode out = json.createObjectNode();
        out.put("object", "pipeline.metrics");
        out.put("pipeline_id", pipelineId);
        out.put("from", from / 1000);
        out.put("to", to / 1000);
        out.put("interval", interval.name().toLowerCase(java.util.Locale.ROOT));
        ObjectNode totals = production.write(out.putObject("totals"));
        totals.put("test_calls", tests.calls);
        tests.write(out.putObject("tests"));
        ArrayNode s = out.putArray("series");
        series.forEach((start, t) -> {
            ObjectNode b = s.addObject();
            b.put("timestamp", start / 1000);
            b.put("time", Instant.ofEpochMilli(start).toString());
            t.write(b);
            b.put("test_calls", t.tests);
        });
        ArrayNode d = out.putArray("by_deployment");
        byDeployment.forEach((id, t) -> {
            ObjectNode o = d.addObject();
            o.put("deployment_id", id);
            if (t.version != null) {
                o.put("version", t.version);
            }
            t.write(o);
        });
        return out;
    }

    private List<Run> runs(String pipelineId, long from, long to) {
        // Portable SQL (SQLite and PostgreSQL): plain aggregates, no dialect functions.
        String sql = "SELECT MIN(ts), MAX(deployment_id), MAX(pipeline_version), MAX(test_call), SUM(prompt_tokens),"
                + " SUM(completion_tokens), SUM(cost_usd), SUM(latency_ms),"
                + " MAX(CASE WHEN error_type IS NOT NULL OR status >= 400 THEN 1 ELSE 0 END), COUNT(*)"
                + " FROM usage_records WHERE pipeline_id = ? AND ts >= ? AND ts < ?"
                + " GROUP BY COALESCE(request_id, id), test_call, deployment_id";
        try (Connection c = store.connection(); PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, pipelineId);
            p.setLong(2, from);
            p.setLong(3, to);
            try (ResultSet rs = p.executeQuery()) {
                List<Run> out = new ArrayList<>();
                while (rs.next()) {
                    int version = rs.getInt(3);
                    Integer v = rs.wasNull() ? null : version;
                    out.add(new Run(rs.getLong(1), rs.getString(2), v, rs.getInt(4) != 0, rs.getLong(5), rs.getLong(6),
                            rs.getDouble(7), rs.getLong(8), rs.getInt(9) != 0, rs.getLong(10)));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the store could not read usage: " + e.getMessage(), e);
        }
    }

    /** Sums of a set of runs. */
    private static final class Totals {
        long calls;
        long errors;
        long tests;
        long steps;
        long prompt;
        long completion;
        double cost;
        Integer version;
        long[] latencies = new long[8];

        void add(Run r) {
            if (calls == latencies.length) {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
            latencies[(int) calls] = r.latency();
            calls++;
            errors += r.error() ? 1 : 0;
            steps += r.steps();
            prompt += r.prompt();
            completion += r.completion();
            cost += r.cost();
        }

        ObjectNode write(ObjectNode o) {
            o.put("calls", calls);
            o.put("errors", errors);
            o.put("step_calls", steps);
            o.put("prompt_tokens", prompt);
            o.put("completion_tokens", completion);
            o.put("total_tokens", prompt + completion);
            o.put("cost_usd", cost);
            long[] sorted = Arrays.copyOf(latencies, (int) calls);
            Arrays.sort(sorted);
            ObjectNode l = o.putObject("latency_ms");
            l.put("p50", percentile(sorted, 50));
            l.put("p95", percentile(sorted, 95));
            l.put("p99", percentile(sorted, 99));
            return o;
        }
    }

    /** Nearest-rank percentile; 0 when there is nothing to measure. */
    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /** A time as unix seconds, unix milliseconds (13 digits or more), an ISO-8601 instant, or a date (UTC midnight). */
    static long time(String s, String param) {
        try {
            if (s.chars().allMatch(Character::isDigit)) {
                long n = Long.parseLong(s);
                return s.length() >= 13 ? n : n * 1000;
            }
            if (s.length() == 10) {
                return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            }
            return Instant.parse(s).toEpochMilli();
        } catch (NumberFormatException | DateTimeParseException e) {
            throw ApiException.badRequest("Invalid '" + param + "': '" + s
                    + "'. Use unix seconds, an ISO-8601 time such as 2026-11-23T08:00:00Z, or a date.", param, "invalid_value");
        }
    }
}
