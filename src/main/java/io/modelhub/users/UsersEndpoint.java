package io.modelhub.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.api.ApiException;
import io.modelhub.api.Bodies;
import io.modelhub.auth.KeyRecord;
import io.modelhub.auth.KeyRequests;
import io.modelhub.auth.Keys;
import io.modelhub.auth.KeysEndpoint;
import io.modelhub.auth.Principal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;

/**
 * {@code /v1/users} (admin) and {@code /v1/me} (any credential). A user record never carries a password
 * or its hash.
 */
public final class UsersEndpoint {
    private static final Set<String> CREATE_FIELDS = Set.of("email", "name", "password", "role");
    private static final Set<String> UPDATE_FIELDS = Set.of("name", "role", "disabled", "password");

    private final ObjectMapper json;
    private final Bodies bodies;
    private final KeyRequests requests;
    private final Accounts accounts;
    private final Sessions sessions;
    private final Keys keys;
    private final KeysEndpoint keysEndpoint;

    public UsersEndpoint(ObjectMapper json, Bodies bodies, Accounts accounts, Sessions sessions, Keys keys, KeysEndpoint keysEndpoint) {
        this.json = json;
        this.bodies = bodies;
        this.requests = new KeyRequests(json);
        this.accounts = accounts;
        this.sessions = sessions;
        this.keys = keys;
        this.keysEndpoint = keysEndpoint;
    }

    /** {@code POST /v1/users}: 201 with the new user; 409 {@code email_taken}; 400 {@code weak_password} or naming a bad field. */
    public void create(ServerRequest req, ServerResponse res, Principal caller) {
        ObjectNode body = requests.object(bodies.read(req), CREATE_FIELDS);
        Role role = body.hasNonNull("role") ? Accounts.role(text(body, "role")) : Role.MEMBER;
        User u = accounts.create(text(body, "email"), text(body, "name"), text(body, "password"), role);
        res.status(Status.CREATED_201);
        send(res, record(u));
    }

    /** {@code GET /v1/users}. */
    public void list(ServerRequest req, ServerResponse res, Principal caller) {
        ObjectNode out = json.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        accounts.store().list().forEach(u -> data.add(record(u)));
        send(res, out);
    }

    /** {@code GET /v1/users/{id}}. */
    public void get(ServerRequest req, ServerResponse res, Principal caller) {
        send(res, record(accounts.get(id(req))));
    }

    /** {@code PATCH /v1/users/{id}}: name, role, disabled, password. */
    public void update(ServerRequest req, ServerResponse res, Principal caller) {
        ObjectNode body = requests.object(bodies.read(req), UPDATE_FIELDS);
        User before = accounts.get(id(req));
        Role role = body.has("role") ? Accounts.role(text(body, "role")) : null;
        Boolean disabled = null;
        if (body.has("disabled")) {
            JsonNode d = body.get("disabled");
            if (!d.isBoolean()) {
                throw KeyRequests.invalid("disabled", "'disabled' must be true or false.");
            }
            disabled = d.booleanValue();
        }
        String name = body.has("name") ? text(body, "name") : null;
        if (body.has("name") && name == null) {
            throw KeyRequests.invalid("name", "'name' must be a non-empty string.");
        }
        String password = body.has("password") ? text(body, "password") : null;
        if (body.has("password") && password == null) {
            throw KeyRequests.invalid("password", "'password' must be a string.");
        }
        String keep = caller.kind() == Principal.CredentialKind.SESSION && before.id().equals(caller.userId())
                ? Sessions.cookie(req).orElse(null) : null;
        send(res, record(accounts.update(before, name, role, disabled, password, keep)));
    }

    /** {@code DELETE /v1/users/{id}}: their keys are revoked and their sessions end, at once. */
    public void delete(ServerRequest req, ServerResponse res, Principal caller) {
        String id = id(req);
        accounts.delete(id);
        ObjectNode out = json.createObjectNode();
        out.put("id", id);
        out.put("object", "user");
        out.put("deleted", true);
        send(res, out);
    }

    /**
     * {@code GET /v1/me}: for a session, the signed-in user with their {@code scope} and the session's
     * {@code csrf_token} (so a page loaded later can send it); for an API key or an access token, the key
     * record with its owner as {@code user} (null when the key has none); for an external token, its subject.
     */
    public void me(ServerRequest req, ServerResponse res, Principal caller) {
        ObjectNode out;
        switch (caller.kind()) {
            case SESSION -> {
                out = record(accounts.get(caller.userId()));
                out.put("scope", caller.scope().wireName());
                String csrf = Sessions.cookie(req).flatMap(id -> sessions.live(id, System.currentTimeMillis()))
                        .map(UserStore.StoredSession::csrfToken).orElse(null);
                out.put("csrf_token", csrf);
            }
            case API_KEY, HUB_TOKEN -> {
                KeyRecord k = keys.get(caller.keyId());
                out = keysEndpoint.record(k);
                out.put("credential", caller.kind() == Principal.CredentialKind.API_KEY ? "api_key" : "access_token");
                out.put("scope", caller.scope().wireName());
                User owner = k.owner() == null ? null : accounts.store().find(k.owner()).orElse(null);
                if (owner == null) {
                    out.putNull("user");
                } else {
                    out.set("user", record(owner));
                }
            }
            case EXTERNAL_TOKEN -> {
                out = json.createObjectNode();
                out.put("object", "external_token");
                out.put("credential", "external_token");
                out.put("subject", caller.name());
                out.put("scope", caller.scope().wireName());
                out.putNull("user");
            }
            default -> throw new IllegalStateException("unknown credential kind " + caller.kind());
        }
        send(res, out);
    }

    /** The public record of a user. */
    public ObjectNode record(User u) {
        ObjectNode o = json.createObjectNode();
        o.put("id", u.id());
        o.put("object", "user");
        o.put("email", u.email());
        o.put("name", u.name());
        o.put("role", u.role().wireName());
        o.put("disabled", u.disabled());
        o.put("created_at", Instant.ofEpochMilli(u.createdAt()).toString());
        if (u.lastLoginAt() == null) {
            o.putNull("last_login_at");
        } else {
            o.put("last_login_at", Instant.ofEpochMilli(u.lastLoginAt()).toString());
        }
        o.put("sso", u.oidcSubject() != null);
        return o;
    }

    /** A string field, null when absent or JSON null; 400 naming it when it is not a string. */
    static String text(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw KeyRequests.invalid(field, "'" + field + "' must be a string.");
        }
        return v.asText();
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    void send(ServerResponse res, ObjectNode body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body.toString().getBytes(StandardCharsets.UTF_8));
    }
}
