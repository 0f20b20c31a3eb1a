package io.modelhub.users;

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

    private final Accounts accounts;
    private final Sessions sessions;
    private final UsersEndpoint users;
    private final AuthEndpoint auth;
    private final OidcLogin oidcLogin;

    public Users(HubConfig config, Store store, Keys keys, KeysEndpoint keysEndpoint, BucketSource buckets, ObjectMapper json, Bodies bodies) {
        UserStore userStore = new UserStore(store);
        HubConfig.Auth a = config.auth();
        this.sessions = new Sessions(userStore, Duration.ofMinutes(a.sessionIdleMinutes()), Duration.ofHours(a.sessionMaxHours()));
        this.accounts = new Accounts(userStore, new Passwords(), keys, sessions);
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

    public Accounts accounts() {
        return accounts;
    }

    public UsersEndpoint users() {
        return users;
    }

    public AuthEndpoint auth() {
        return auth;
    }

    /** Sign-in through the OIDC issuer, or null when {@code auth.oidc.client_id} is not set. */
    public OidcLogin oidcLogin() {
        return oidcLogin;
    }

    /**
     * Adds a user straight to a store, for {@code modelhub users create}: the same checks as
     * {@code POST /v1/users} (an {@link io.modelhub.api.ApiException} says what is wrong).
     */
    public static User create(Store store, String email, String name, String password, Role role) {
        return new Accounts(new UserStore(store), new Passwords(), null, null).create(email, name, password, role);
    }
}
