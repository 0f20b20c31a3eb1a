package io.modelhub.auth;

import java.util.Set;

/**
 * Who is calling, as established from their credential: the API key behind it (tokens name their key;
 * null for a portal session), the scopes granted, the key's restrictions, and the user the call is made
 * for (the key's owner, or the signed-in user; null for keys without an owner). {@code allowedModels}
 * null means every model.
 */
public record Principal(String keyId, String name, Scope scope, Set<String> allowedModels, CredentialKind kind, String userId) {
    /** How the caller proved who they are. */
    public enum CredentialKind { API_KEY, HUB_TOKEN, EXTERNAL_TOKEN, SESSION }

    /** A caller acting for no user (keys made before users existed, the bootstrap key, external tokens). */
    public Principal(String keyId, String name, Scope scope, Set<String> allowedModels, CredentialKind kind) {
        this(keyId, name, scope, allowedModels, kind, null);
    }

    public boolean has(Scope needed) {
        return scope.includes(needed);
    }

    public boolean mayUse(String modelId) {
        return allowedModels == null || allowedModels.contains(modelId);
    }

    /** The name rate limits are counted under: the key, or for a session (which has none) the user. */
    public String limitsId() {
        return keyId != null ? keyId : "user:" + userId;
    }
}
