package io.modelhub.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * An API key as a client holds it, {@code mh-<key id>.<secret>}: how one is made, taken apart and checked
 * against the stored hash. {@link #toString()} never shows the secret.
 */
public record ApiKeyCredential(String keyId, String secret) {
    public static final String PREFIX = "mh-";
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final int SECRET_CHARS = 43; // 43 base62 characters = 256 bits
    private static final int ID_CHARS = 12;
    private static final int MIN_SECRET_CHARS = 16;

    /** A new key: a random id and a 256-bit secret from SecureRandom. */
    public static ApiKeyCredential generate(SecureRandom random) {
        return new ApiKeyCredential(randomBase62(random, ID_CHARS).toLowerCase(java.util.Locale.ROOT), randomBase62(random, SECRET_CHARS));
    }

    /**
     * The key in {@code text}, or null when it is not of the form {@code mh-<id>.<secret>} (id: letters,
     * digits, '-' and '_', at most 64; secret: at least 16 letters and digits).
     */
    public static ApiKeyCredential parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            return null;
        }
        int dot = text.indexOf('.', PREFIX.length());
        if (dot < 0) {
            return null;
        }
        String id = text.substring(PREFIX.length(), dot);
        String secret = text.substring(dot + 1);
        if (id.isEmpty() || id.length() > 64 || secret.length() < MIN_SECRET_CHARS || secret.length() > 256) {
            return null;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && c != '-' && c != '_') {
                return null;
            }
        }
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128)) {
                return null;
            }
        }
        return new ApiKeyCredential(id, secret);
    }

    /** What the client sends. Handle with care: it contains the secret. */
    public String reveal() {
        return PREFIX + keyId + "." + secret;
    }

    /**
     * SHA-256 of the secret, hex. A plain fast hash is right here, unlike for passwords: the secret is 256
     * random bits (or at least a long random string from an operator), so there is nothing to guess from a
     * leaked hash, and a slow KDF (bcrypt, argon2) would only cost milliseconds on every cache miss.
     */
    public String hash() {
        return hash(secret);
    }

    static String hash(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Whether this secret matches the stored hash, compared in constant time so timing tells nothing. */
    public boolean matches(String storedHash) {
        return MessageDigest.isEqual(hash().getBytes(StandardCharsets.US_ASCII), storedHash.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return PREFIX + keyId + ".***";
    }

    private static String randomBase62(SecureRandom random, int n) {
        char[] out = new char[n];
        for (int i = 0; i < n; i++) {
            out[i] = BASE62[random.nextInt(BASE62.length)];
        }
        return new String(out);
    }
}
