package io.modelhub.users;

import io.modelhub.auth.Guard;
import io.helidon.webserver.http.HttpRouting;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.api.Bodies;
import io.modelhub.auth.Keys;
import io.modelhub.auth.KeysEndpoint;
import io.modelhub.auth.SessionVerifier;
import io.modelhub.config.HubConfig;
import io.modelhub.limits.BucketSource;
import io.modelhub.store.Store;
import java.time.Duration;

/**
 * The users area assembled: accounts, portal sessions, sign-in and its rate limit, and the endpoints of
 * {@code /v1/users}, {@code /v1/me} and {@code /auth/*} (API.md section 9).
 */
public final class Users {
    /** Failed sign-ins allowed per account per minute (refilled evenly). */
    static final int FAILURES_PER_ACCOUNT_PER_MINUTE = 5;
    /** Failed sign-ins allowed per client address per minute (refilled evenly). */
    static final int FAILURES_PER_ADDRESS_PER_MINUTE = 20;

    private final Sessions sessions;
    private final UsersEndpoint users;
    private final AuthEndpoint auth;
    /** Sign-in through the OIDC issuer, or null when {@code auth.oidc.client_id} is not set. */
    private final OidcLogin oidcLogin;

    public Users(HubConfig config, Store store, Keys keys, KeysEndpoint keysEndpoint, BucketSource buckets, ObjectMapper json, Bodies bodies) {
        UserStore userStore = new UserStore(store);
        HubConfig.Auth a = config.auth();
        this.sessions = new Sessions(userStore, Duration.ofMinutes(a.sessionIdleMinutes()), Duration.ofHours(a.sessionMaxHours()));
        Accounts accounts = new Accounts(userStore, new Passwords(), keys, sessions);
        this.users = new UsersEndpoint(json, bodies, accounts, sessions, keys, keysEndpoint);
        LoginThrottle throttle = new LoginThrottle(buckets, FAILURES_PER_ACCOUNT_PER_MINUTE, FAILURES_PER_ADDRESS_PER_MINUTE);
        HubConfig.Oidc oidc = a.oidc() != null && a.oidc().clientId() != null ? a.oidc() : null;
        this.auth = new AuthEndpoint(json, bodies, accounts, sessions, throttle, users, config.server().publicBaseUrl(), oidc != null);
        this.oidcLogin = oidc == null ? null : new OidcLogin(oidc, config.server().publicBaseUrl(), accounts, auth, json);
        userStore.deleteSessionsExpiredBefore(System.currentTimeMillis());
    }

    /** Checks the session cookie of a request (the authenticator asks it). */
    public SessionVerifier sessions() {
        return sessions;
    }

    /**
     * Adds a user straight to a store, for {@code modelhub users create}: the same checks as
     * {@code POST /v1/users} (an {@link io.modelhub.api.ApiException} says what is wrong).
     */
    public static User create(Store store, String email, String name, String password, Role role) {
        return new Accounts(new UserStore(store), new Passwords(), null, null).create(email, name, password, role);
    }

    /** Users and sessions (API.md section 9); {@code /auth/*} takes no credential (logout reads the session cookie). */
    public void routes(HttpRouting.Builder r, Guard guard) {
        r.post("/v1/users", guard.admin(users::create));
        r.get("/v1/users", guard.admin(users::list));
        r.get("/v1/users/{id}", guard.admin(users::get));
        r.patch("/v1/users/{id}", guard.admin(users::update));
        r.delete("/v1/users/{id}", guard.admin(users::delete));
        r.get("/v1/me", guard.read(users::me));
        r.post("/auth/login", auth::login);
        r.post("/auth/logout", auth::logout);
        r.get("/auth/status", auth::status);
        if (oidcLogin != null) {
            r.get("/auth/oidc/login", oidcLogin::login);
            r.get("/auth/oidc/callback", oidcLogin::callback);
        }
    }
}
