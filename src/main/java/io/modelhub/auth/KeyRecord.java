package io.modelhub.auth;

import java.util.List;
import java.util.Set;

/**
 * One API key as stored: never the secret, only its SHA-256 hash (hex). Times are epoch milliseconds;
 * null {@code expiresAt}, {@code allowedModels}, {@code rpm}, {@code tpm} or {@code budgetUsd} mean "no
 * limit", null {@code revokedAt} means "live", null {@code owner} means "no user" (the bootstrap key, keys made
 * before users existed).
 */
public record KeyRecord(
        String id,
        String name,
        String secretHash,
        List<Scope> scopes,
        Long expiresAt,
        Set<String> allowedModels,
        Integer rpm,
        Integer tpm,
        Double budgetUsd,
        double spentUsd,
        long createdAt,
        Long lastUsedAt,
        Long revokedAt,
        String owner,
        boolean cache) {

    /** A key that does not opt into the response cache. */
    public KeyRecord(String id, String name, String secretHash, List<Scope> scopes, Long expiresAt, Set<String> allowedModels,
            Integer rpm, Integer tpm, Double budgetUsd, double spentUsd, long createdAt, Long lastUsedAt, Long revokedAt, String owner) {
        this(id, name, secretHash, scopes, expiresAt, allowedModels, rpm, tpm, budgetUsd, spentUsd, createdAt, lastUsedAt, revokedAt, owner, false);
    }

    /** A key without an owner (as every key was before users existed). */
    public KeyRecord(String id, String name, String secretHash, List<Scope> scopes, Long expiresAt, Set<String> allowedModels,
            Integer rpm, Integer tpm, Double budgetUsd, double spentUsd, long createdAt, Long lastUsedAt, Long revokedAt) {
        this(id, name, secretHash, scopes, expiresAt, allowedModels, rpm, tpm, budgetUsd, spentUsd, createdAt, lastUsedAt, revokedAt, null);
    }

    public KeyRecord {
        scopes = List.copyOf(scopes);
        allowedModels = allowedModels == null ? null : Set.copyOf(allowedModels);
    }

    /** The widest scope the key holds (each scope includes the ones before it). */
    public Scope scope() {
        Scope widest = Scope.READ;
        for (Scope s : scopes) {
            if (s.includes(widest)) {
                widest = s;
            }
        }
        return widest;
    }

    public boolean revoked() {
        return revokedAt != null;
    }

    public boolean expiredAt(long nowMs) {
        return expiresAt != null && nowMs >= expiresAt;
    }

    public Principal principal() {
        return new Principal(id, name, scope(), allowedModels, Principal.CredentialKind.API_KEY, owner);
    }

    public KeyRecord withRevokedAt(long at) {
        return new KeyRecord(id, name, secretHash, scopes, expiresAt, allowedModels, rpm, tpm, budgetUsd, spentUsd, createdAt, lastUsedAt, at, owner, cache);
    }
}
