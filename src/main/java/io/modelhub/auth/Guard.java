package io.modelhub.auth;

import io.modelhub.api.ApiException;
import io.modelhub.api.RequestFacts;

import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.auth.Authenticator;
import io.modelhub.auth.Principal;
import io.modelhub.auth.Scope;

/**
 * Puts a credential check in front of a handler: 401 when the caller cannot be identified, 403 when
 * their scope is smaller than the route needs. Routes name the scope next to the path.
 */
public final class Guard {
    /** A handler that is told who is calling. */
    @FunctionalInterface
    public interface Authed {
        void handle(ServerRequest req, ServerResponse res, Principal caller);
    }

    private final Authenticator authenticator;

    public Guard(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    public Handler read(Authed h) {
        return require(Scope.READ, h);
    }

    public Handler write(Authed h) {
        return require(Scope.WRITE, h);
    }

    public Handler admin(Authed h) {
        return require(Scope.ADMIN, h);
    }

    public Handler require(Scope scope, Authed h) {
        return (req, res) -> {
            Principal caller = authenticator.authenticate(req);
            RequestFacts.caller(caller.keyId());
            if (!caller.has(scope)) {
                throw ApiException.forbidden("This route needs the '" + scope.wireName() + "' scope; your credential has '"
                        + caller.scope().wireName() + "'.", "insufficient_scope");
            }
            h.handle(req, res, caller);
        };
    }
}
