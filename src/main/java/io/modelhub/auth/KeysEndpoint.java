package io.modelhub.auth;

import io.helidon.webserver.http.HttpRouting;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.limits.Budgets;
import io.modelhub.api.ApiException;
import io.modelhub.api.Bodies;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code /v1/keys} and {@code /v1/auth/tokens}: create, list, read, edit and revoke API keys, and trade a key
 * for a short-lived access token. The secret of a key appears in exactly one answer: the 201 of its creation.
 * An admin manages every key; a signed-in member (a portal session) manages only the keys they own, with
 * scopes up to {@code write}, and another user's key is 404 to them. A new key belongs to the user the
 * caller acts for (none for the bootstrap key).
 */
public final class KeysEndpoint {
    private static final Set<String> CREATE_FIELDS = Set.of("name", "scopes", "expires_at", "allowed_models", "rpm", "tpm", "budget_usd",
            "cache");
    private static final Set<String> TOKEN_FIELDS = Set.of("scopes", "ttl_seconds");
    private static final long MAX_TOKEN_TTL_SECONDS = 86_400;

    private final ObjectMapper json;
    private final Bodies bodies;
    private final KeyRequests requests;
    private final Keys keys;
    private final HubTokens tokens;
    private final Budgets budgets;
    private final Duration defaultTokenTtl;

    public KeysEndpoint(ObjectMapper json, Bodies bodies, Keys keys, HubTokens tokens, Budgets budgets, Duration defaultTokenTtl) {
        this.json = json;
        this.bodies = bodies;
        this.requests = new KeyRequests(json);
        this.keys = keys;
        this.tokens = tokens;
        this.budgets = budgets;
        this.defaultTokenTtl = defaultTokenTtl;
    }

    /** {@code POST /v1/keys} (admin, or a signed-in member for a key of their own). */
    public void create(ServerRequest req, ServerResponse res, Principal caller) {
        requireManager(caller);
        ObjectNode body = requests.object(bodies.read(req), CREATE_FIELDS);
        long now = System.currentTimeMillis();
        Keys.Spec spec = new Keys.Spec(
                KeyRequests.name(body.get("name")),
                body.has("scopes") ? KeyRequests.scopes(body.get("scopes"), "scopes") : List.of(Scope.READ),
                KeyRequests.expiresAt(body.get("expires_at"), now),
                KeyRequests.models(body.get("allowed_models")),
                KeyRequests.positiveInt(body.get("rpm"), "rpm"),
                KeyRequests.positiveInt(body.get("tpm"), "tpm"),
                KeyRequests.budget(body.get("budget_usd")),
                caller.userId(),
                KeyRequests.flag(body.get("cache"), "cache"));
        checkGrant(caller, spec.scopes());
        Keys.Created created = keys.create(spec);
        ObjectNode out = record(created.record());
        out.put("key", created.credential().reveal());
        res.status(Status.CREATED_201);
        send(res, out);
    }

    /** {@code GET /v1/keys} (admin: every key; a signed-in member: their own). */
    public void list(ServerRequest req, ServerResponse res, Principal caller) {
        requireManager(caller);
        ObjectNode out = json.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (KeyRecord k : caller.has(Scope.ADMIN) ? keys.list() : keys.ownedBy(caller.userId())) {
            data.add(record(k));
        }
        send(res, out);
    }

    /** {@code GET /v1/keys/{id}} (admin, the key itself, or the signed-in member who owns it). */
    public void get(ServerRequest req, ServerResponse res, Principal caller) {
        String id = id(req);
        if (caller.kind() == Principal.CredentialKind.SESSION) {
            send(res, record(visible(id, caller)));
            return;
        }
        if (!caller.has(Scope.ADMIN) && !id.equals(caller.keyId())) {
            throw ApiException.forbidden("Only an admin, or the key itself, may read key '" + id + "'.", "insufficient_scope");
        }
        send(res, record(keys.get(id)));
    }

    /** {@code PATCH /v1/keys/{id}} (admin, or the owner signed in): name, scopes, expiry, allowed models, limits; null clears a limit. */
    public void update(ServerRequest req, ServerResponse res, Principal caller) {
        requireManager(caller);
        String id = id(req);
        ObjectNode body = requests.object(bodies.read(req), CREATE_FIELDS);
        KeyRecord k = visible(id, caller);
        long now = System.currentTimeMillis();
        KeyRecord edited = new KeyRecord(k.id(),
                body.has("name") ? KeyRequests.name(body.get("name")) : k.name(),
                k.secretHash(),
                body.has("scopes") ? KeyRequests.scopes(body.get("scopes"), "scopes") : k.scopes(),
                body.has("expires_at") ? KeyRequests.expiresAt(body.get("expires_at"), now) : k.expiresAt(),
                body.has("allowed_models") ? KeyRequests.models(body.get("allowed_models")) : k.allowedModels(),
                body.has("rpm") ? KeyRequests.positiveInt(body.get("rpm"), "rpm") : k.rpm(),
                body.has("tpm") ? KeyRequests.positiveInt(body.get("tpm"), "tpm") : k.tpm(),
                body.has("budget_usd") ? KeyRequests.budget(body.get("budget_usd")) : k.budgetUsd(),
                k.spentUsd(), k.createdAt(), k.lastUsedAt(), k.revokedAt(), k.owner(),
                body.has("cache") ? KeyRequests.flag(body.get("cache"), "cache") : k.cache());
        if (body.has("scopes")) {
            checkGrant(caller, edited.scopes());
        }
        send(res, record(keys.update(edited)));
    }

    /** {@code DELETE /v1/keys/{id}} (admin, or the owner signed in): revokes at once; answering again for a revoked key is harmless. */
    public void revoke(ServerRequest req, ServerResponse res, Principal caller) {
        requireManager(caller);
        KeyRecord k = keys.revoke(visible(id(req), caller).id());
        ObjectNode out = json.createObjectNode();
        out.put("id", k.id());
        out.put("object", "api_key");
        out.put("deleted", true);
        out.put("revoked_at", Instant.ofEpochMilli(k.revokedAt()).toString());
        send(res, out);
    }

    /**
     * {@code POST /v1/auth/tokens} (any scope, API keys only): a token with the key's scopes or fewer. Asking
     * for a scope the key does not hold is 403 {@code permission_error} (the caller is known, the grant is too
     * small), an unknown scope name or a bad ttl is 400.
     */
    public void issueToken(ServerRequest req, ServerResponse res, Principal caller) {
        if (caller.kind() != Principal.CredentialKind.API_KEY) {
            throw ApiException.forbidden("Only an API key can be traded for an access token.", "api_key_required");
        }
        ObjectNode body = requests.object(bodies.read(req), TOKEN_FIELDS);
        long now = System.currentTimeMillis();
        KeyRecord key = keys.live(caller.keyId(), now);
        List<Scope> scopes = key.scopes();
        if (body.has("scopes") && !body.get("scopes").isNull()) {
            scopes = KeyRequests.scopes(body.get("scopes"), "scopes");
            for (Scope s : scopes) {
                if (!key.scope().includes(s)) {
                    throw ApiException.forbidden("This key holds '" + key.scope().wireName() + "' and cannot grant '" + s.wireName() + "'.",
                            "scope_not_allowed");
                }
            }
        }
        Duration ttl = defaultTokenTtl;
        JsonNode t = body.get("ttl_seconds");
        if (t != null && !t.isNull()) {
            if (!t.canConvertToExactIntegral() || t.longValue() < 1 || t.longValue() > MAX_TOKEN_TTL_SECONDS) {
                throw KeyRequests.invalid("ttl_seconds", "'ttl_seconds' must be a whole number from 1 to " + MAX_TOKEN_TTL_SECONDS + ".");
            }
            ttl = Duration.ofSeconds(t.longValue());
        }
        HubTokens.Issued issued = tokens.issue(key, scopes, ttl, now);
        ObjectNode out = json.createObjectNode();
        out.put("access_token", issued.token());
        out.put("token_type", "bearer");
        out.put("expires_in", issued.expiresInSeconds());
        ArrayNode sc = out.putArray("scopes");
        issued.scopes().forEach(s -> sc.add(s.wireName()));
        send(res, out);
    }

    /** Keys are managed by admins, and by signed-in users for their own keys; other credentials get 403. */
    private static void requireManager(Principal caller) {
        if (!caller.has(Scope.ADMIN) && caller.kind() != Principal.CredentialKind.SESSION) {
            throw ApiException.forbidden("This route needs the 'admin' scope (or a signed-in user, for their own keys); your credential has '"
                    + caller.scope().wireName() + "'.", "insufficient_scope");
        }
    }

    /** The key, if the caller may manage it; another user's key is 404 to a member, as if it did not exist. */
    private KeyRecord visible(String id, Principal caller) {
        KeyRecord k = keys.get(id);
        if (caller.has(Scope.ADMIN) || (caller.userId() != null && caller.userId().equals(k.owner()))) {
            return k;
        }
        throw Keys.notFound(id);
    }

    /** 403 {@code scope_not_allowed} when a key would get a scope the caller does not hold (a member cannot make admin keys). */
    private static void checkGrant(Principal caller, List<Scope> scopes) {
        for (Scope s : scopes) {
            if (!caller.scope().includes(s)) {
                throw ApiException.forbidden("You hold '" + caller.scope().wireName() + "' and cannot give a key the '" + s.wireName()
                        + "' scope.", "scope_not_allowed");
            }
        }
    }

    /** The public record of a key (never its secret or hash), with its spend so far and its owner. */
    public ObjectNode record(KeyRecord k) {
        ObjectNode o = json.createObjectNode();
        o.put("id", k.id());
        o.put("object", "api_key");
        o.put("name", k.name());
        o.put("owner", k.owner());
        ArrayNode sc = o.putArray("scopes");
        k.scopes().forEach(s -> sc.add(s.wireName()));
        o.put("created_at", Instant.ofEpochMilli(k.createdAt()).toString());
        time(o, "expires_at", k.expiresAt());
        Long lastUsed = keys.pendingLastUsed(k.id()).map(p -> k.lastUsedAt() == null ? p : Math.max(p, k.lastUsedAt())).orElse(k.lastUsedAt());
        time(o, "last_used_at", lastUsed);
        time(o, "revoked_at", k.revokedAt());
        o.put("revoked", k.revoked());
        if (k.allowedModels() == null) {
            o.putNull("allowed_models");
        } else {
            ArrayNode m = o.putArray("allowed_models");
            k.allowedModels().stream().sorted().forEach(m::add);
        }
        number(o, "rpm", k.rpm());
        number(o, "tpm", k.tpm());
        if (k.budgetUsd() == null) {
            o.putNull("budget_usd");
        } else {
            o.put("budget_usd", k.budgetUsd());
        }
        o.put("spent_usd", budgets.spent(k.id(), k.spentUsd()));
        o.put("cache", k.cache());
        return o;
    }

    private static void time(ObjectNode o, String field, Long ms) {
        if (ms == null) {
            o.putNull(field);
        } else {
            o.put(field, Instant.ofEpochMilli(ms).toString());
        }
    }

    private static void number(ObjectNode o, String field, Integer v) {
        if (v == null) {
            o.putNull(field);
        } else {
            o.put(field, v);
        }
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    private void send(ServerResponse res, ObjectNode body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Keys and tokens (API.md section 5): admin for every key; a signed-in member (write) for their own
     * (the handlers tell them apart).
     */
    public void routes(HttpRouting.Builder r, Guard guard) {
        r.post("/v1/keys", guard.write(this::create));
        r.get("/v1/keys", guard.write(this::list));
        r.get("/v1/keys/{id}", guard.read(this::get));
        r.patch("/v1/keys/{id}", guard.write(this::update));
        r.delete("/v1/keys/{id}", guard.write(this::revoke));
        r.post("/v1/auth/tokens", guard.read(this::issueToken));
    }
}
