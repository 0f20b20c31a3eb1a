package io.modelhub.auth;

import java.util.Set;

/**
 * Who is calling, as established from their credential: the API key behind it (tokens name their key),
 * the scopes granted, and the key's restrictions. {@code allowedModels} null means every model.
 */
public record Principal(String keyId, String name, Scope scope, Set<String> allowedModels, CredentialKind kind) {
    /** How the caller proved who they are. */
    public enum CredentialKind { API_KEY, HUB_TOKEN, EXTERNAL_TOKEN }

    public boolean has(Scope needed) {
        return scope.includes(needed);
    }

    public boolean mayUse(String modelId) {
        return allowedModels == null || allowedModels.contains(modelId);
    }
}
