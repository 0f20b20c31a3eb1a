package io.modelhub.usage;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts and times every HTTP request by method, route pattern (never the raw path, so ids in paths do
 * not multiply the series) and status. Timers are cached per combination.
 */
public final class RequestMetrics implements Filter {
    private final MeterRegistry registry;
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

    private record Key(String method, String route, int status) {}

    public RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long started = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            Key key = new Key(req.prologue().method().text(), req.matchingPattern().orElse("unmatched"), res.status().code());
            timers.computeIfAbsent(key, this::timer).record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private Timer timer(Key k) {
        return Timer.builder("modelhub.http.requests").description("HTTP requests by method, route and status")
                .tag("method", k.method()).tag("route", k.route()).tag("status", Integer.toString(k.status()))
                .register(registry);
    }
}
