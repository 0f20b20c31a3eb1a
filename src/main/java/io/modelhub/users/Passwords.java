package io.modelhub.users;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashing with Argon2id (Bouncy Castle), stored as a PHC string
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, the OWASP minimum parameters), so the cost can be
 * raised later without breaking stored hashes. Verification of an unknown account runs the same work
 * against a dummy hash, so the answer time does not tell whether an email exists.
 */
public final class Passwords {
    /** Shortest password accepted (characters). */
    public static final int MIN_LENGTH = 12;
    /** Longest password accepted (characters): hashing is deliberately slow, so unbounded input would be a denial of service. */
    public static final int MAX_LENGTH = 1024;
    private static final int MEMORY_KIB = 19_456;
    private static final int ITERATIONS = 2;
    private static final int PARALLELISM = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final SecureRandom random = new SecureRandom();
    private final String dummy;

    public Passwords() {
        this.dummy = hash("not a password of anyone: " + random.nextLong());
    }

    /** A fresh salted hash of {@code password}. */
    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] out = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$" + B64.encodeToString(salt) + "$"
                + B64.encodeToString(out);
    }

    /**
     * Whether {@code password} matches {@code stored} (compared in constant time). A null or unreadable
     * {@code stored} (unknown account, or one that signs in only by OIDC) costs the same work and answers false.
     */
    public boolean verify(String password, String stored) {
        Parsed p = stored == null ? null : parse(stored);
        if (p == null) {
            Parsed d = parse(dummy);
            derive(password, d.salt, d.memory, d.iterations, d.parallelism, d.hash.length);
            return false;
        }
        byte[] candidate = derive(password, p.salt, p.memory, p.iterations, p.parallelism, p.hash.length);
        return MessageDigest.isEqual(candidate, p.hash);
    }

    private record Parsed(int memory, int iterations, int parallelism, byte[] salt, byte[] hash) {}

    private static Parsed parse(String phc) {
        String[] parts = phc.split("\\$");
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
            return null;
        }
        try {
            int m = 0;
            int t = 0;
            int par = 0;
            for (String kv : parts[3].split(",")) {
                String[] e = kv.split("=", 2);
                int v = Integer.parseInt(e[1]);
                switch (e[0]) {
                    case "m" -> m = v;
                    case "t" -> t = v;
                    case "p" -> par = v;
                    default -> {
                        return null;
                    }
                }
            }
            if (m < 8 || t < 1 || par < 1) {
                return null;
            }
            return new Parsed(m, t, par, B64D.decode(parts[4]), B64D.decode(parts[5]));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static byte[] derive(String password, byte[] salt, int memory, int iterations, int parallelism, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memory).withIterations(iterations).withParallelism(parallelism).withSalt(salt).build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
