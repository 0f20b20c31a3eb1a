package io.modelhub.limits;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import java.util.List;
import java.util.Locale;

/**
 * Spend and reservations per key kept in Redis, so that every node sharing it checks a budget against the
 * same figures: a check-and-reserve is one Lua script (atomic in Redis), so concurrent calls on different
 * nodes cannot all pass on the same remaining budget. The spend starts from the store's figure the first
 * time a key is seen and then grows by every call's cost; a reservation expires on its own if the node that
 * made it dies before settling it.
 */
final class RedisSpend implements AutoCloseable {
    private static final String PREFIX = "modelhub:budget:";
    /** A key's entries go once unused this long; the store's figure (by then written) starts it again. */
    private static final long IDLE_TTL_MS = 24 * 3600 * 1000L;

    // KEYS: spend, holds (sorted set of "id|amount" by expiry). ARGV: stored spend, amount, budget, hold id, now, expiry, ttl.
    private static final String RESERVE = """
            redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[7])
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[5])
            local spent = tonumber(redis.call('GET', KEYS[1]))
            local held = 0
            for _, m in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
              held = held + tonumber(string.match(m, '|(.*)$'))
            end
            if spent + held + tonumber(ARGV[2]) > tonumber(ARGV[3]) then
              return {0, tostring(spent), tostring(held)}
            end
            redis.call('ZADD', KEYS[2], ARGV[6], ARGV[4] .. '|' .. ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[7])
            redis.call('PEXPIRE', KEYS[2], ARGV[7])
            return {1, tostring(spent), tostring(held)}
            """;
    // KEYS: spend. ARGV: amount. Only a key already known grows: an unknown one starts from the store.
    private static final String ADD = """
            if redis.call('EXISTS', KEYS[1]) == 1 then
              redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
            end
            return 0
            """;

    private final StatefulRedisConnection<String, String> connection;

    RedisSpend(RedisClient client) {
        this.connection = client.connect(StringCodec.UTF8);
    }

    /** Reserves {@code amount} unless spend plus reservations would pass {@code budget}; answers the figures seen. */
    Budgets.Reservation reserve(String keyId, String holdId, double amount, double budget, double storedSpend, long holdMs) {
        long now = System.currentTimeMillis();
        List<Object> r = connection.sync().eval(RESERVE, ScriptOutputType.MULTI,
                new String[] {spendKey(keyId), holdsKey(keyId)},
                num(storedSpend), num(amount), num(budget), holdId, Long.toString(now), Long.toString(now + holdMs),
                Long.toString(IDLE_TTL_MS));
        boolean granted = ((Number) r.get(0)).longValue() == 1;
        double spent = Double.parseDouble((String) r.get(1));
        double held = Double.parseDouble((String) r.get(2));
        return new Budgets.Reservation(granted, spent, held,
                granted ? new Budgets.Hold(keyId, holdId + "|" + num(amount), amount) : null);
    }

    void release(Budgets.Hold hold) {
        connection.sync().zrem(holdsKey(hold.keyId()), hold.id());
    }

    void addSpend(String keyId, double usd) {
        connection.sync().eval(ADD, ScriptOutputType.INTEGER, new String[] {spendKey(keyId)}, num(usd));
    }

    private static String spendKey(String keyId) {
        return PREFIX + keyId + ":spent";
    }

    private static String holdsKey(String keyId) {
        return PREFIX + keyId + ":holds";
    }

    /** A plain decimal Lua's tonumber reads back exactly enough (no exponent, no locale). */
    private static String num(double v) {
        return String.format(Locale.ROOT, "%.12f", v);
    }

    @Override
    public void close() {
        connection.close();
    }
}
