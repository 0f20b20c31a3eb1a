package io.modelhub.users;

import io.github.bucket4j.Bucket;
import io.modelhub.api.ApiException;
import io.modelhub.limits.BucketSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Limits failed sign-ins per account and per client address, in the hub's token buckets (shared by every
 * node when Redis is configured). Only failures spend a token; while either bucket is empty every sign-in
 * for that account or from that address answers 429 with {@code Retry-After}, right password or not.
 * Accounts are counted by a hash of the lower-cased email, known or not, so the limit tells nothing
 * about which emails exist, and no email is written to Redis.
 */
final class LoginThrottle {
    private final BucketSource buckets;
    private final int perAccount;
    private final int perAddress;

    LoginThrottle(BucketSource buckets, int perAccountPerMinute, int perAddressPerMinute) {
        this.buckets = buckets;
        this.perAccount = perAccountPerMinute;
        this.perAddress = perAddressPerMinute;
    }

    /** 429 {@code too_many_login_attempts} when this account or this address has failed too often lately. */
    void check(String email, String address) {
        refuseIfEmpty(account(email), "this account");
        refuseIfEmpty(address(address), "your address");
    }

    void failed(String email, String address) {
        account(email).tryConsume(1);
        address(address).tryConsume(1);
    }

    private Bucket account(String email) {
        return buckets.bucket("login:account:" + sha256(User.emailKey(email)), perAccount);
    }

    private Bucket address(String address) {
        return buckets.bucket("login:address:" + address, perAddress);
    }

    private static void refuseIfEmpty(Bucket b, String who) {
        if (b.getAvailableTokens() > 0) {
            return;
        }
        long nanos = b.estimateAbilityToConsume(1).getNanosToWaitForRefill();
        long seconds = Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
        throw ApiException.rateLimited("Too many failed sign-ins for " + who + ". Retry after " + seconds + " s.",
                "too_many_login_attempts", Map.of("Retry-After", Long.toString(seconds)));
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
