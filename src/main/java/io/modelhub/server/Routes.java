package io.modelhub.server;

import io.modelhub.api.ApiException;
import io.modelhub.api.Errors;
import io.modelhub.api.RequestIds;
import io.modelhub.auth.Guard;

import io.helidon.webserver.http.HttpRouting;
import io.modelhub.server.Hub;
import io.modelhub.catalog.CatalogEndpoints;
import io.modelhub.pipelines.DeploymentsEndpoint;
import io.modelhub.pipelines.PipelinesEndpoint;
import io.modelhub.responses.ResponsesEndpoint;
import io.modelhub.usage.RequestMetrics;
import io.modelhub.users.AuthEndpoint;
import io.modelhub.users.UsersEndpoint;

/**
 * Every path the hub serves and the handler behind it: the table of contents of the HTTP API
 * (../shared/API.md). Read this first to find where a request goes.
 */
public final class Routes {
    private Routes() {}

    public static void register(HttpRouting.Builder r, Hub hub) {
        Errors errors = hub.errors();
        Guard guard = hub.guard();
        r.addFilter(hub.httpLayer().filter());
        r.addFilter(new RequestIds());
        if (hub.tracing() != null) {
            r.addFilter(hub.tracing());
        }
        if (hub.accessLog() != null) {
            r.addFilter(hub.accessLog());
        }
        r.addFilter(new RequestMetrics(hub.metrics().registry()));

        // operations (section 7): no credential
        r.get("/health/live", hub.healthEndpoint()::live);
        r.get("/health/ready", hub.healthEndpoint()::ready);
        r.get("/openapi.json", hub.openApi()::handle);
        if (hub.config().metrics().requireAdmin()) {
            r.get("/metrics", guard.admin(hub.metricsEndpoint()::handle));
        } else {
            r.get("/metrics", hub.metricsEndpoint()::handle);
        }

        // catalog and discovery (section 3); model ids may hold a slash, so /v1/models/* is parsed by the handler
        CatalogEndpoints catalog = hub.catalogEndpoints();
        r.get("/v1/models", guard.read(catalog::listModels));
        r.get("/v1/models/*", guard.read(catalog::modelPath));
        r.get("/v1/providers", guard.read(catalog::listProviders));
        r.get("/v1/providers/{provider}", guard.read(catalog::provider));
        r.get("/v1/providers/{provider}/models", guard.read(catalog::providerModels));
        r.post("/v1/catalog/reload", guard.admin(catalog::reload));

        // inference (section 4)
        r.post("/v1/chat/completions", guard.read(hub.chat()::handle));

        // more APIs clients call (section 10): Anthropic Messages, embeddings, legacy completions
        hub.moreApis().register(r, guard);

        // keys and tokens (section 5)
        // admin for every key; a signed-in member (write) for their own: the endpoint tells them apart
        r.post("/v1/keys", guard.write(hub.keysEndpoint()::create));
        r.get("/v1/keys", guard.write(hub.keysEndpoint()::list));
        r.get("/v1/keys/{id}", guard.read(hub.keysEndpoint()::get));
        r.patch("/v1/keys/{id}", guard.write(hub.keysEndpoint()::update));
        r.delete("/v1/keys/{id}", guard.write(hub.keysEndpoint()::revoke));
        r.post("/v1/auth/tokens", guard.read(hub.keysEndpoint()::issueToken));

        // pipelines and deployments (section 6)
        PipelinesEndpoint pipelines = hub.pipelines().pipelines();
        DeploymentsEndpoint deployments = hub.pipelines().deployments();
        r.post("/v1/pipelines", guard.write(pipelines::create));
        r.post("/v1/pipelines/create", guard.write(pipelines::create));
        r.get("/v1/pipelines", guard.read(pipelines::list));
        r.get("/v1/pipelines/{id}", guard.read(pipelines::get));
        r.patch("/v1/pipelines/{id}", guard.write(pipelines::update));
        r.delete("/v1/pipelines/{id}", guard.write(pipelines::delete));
        r.post("/v1/pipelines/{id}/test", guard.write(pipelines::test));
        r.post("/v1/pipelines/{id}/deploy", guard.write(pipelines::deploy));
        r.get("/v1/pipelines/{id}/deployments", guard.read(pipelines::deployments));
        r.get("/v1/pipelines/{id}/metrics", guard.read(pipelines::metrics));
        r.delete("/v1/deployments/{id}", guard.write(deployments::retire));
        r.post("/v1/deployments/{id}/invoke", guard.read(deployments::invoke));
        r.post("/v1/deployments/{id}/chat/completions", guard.read(deployments::chat));

        // the Responses API (section 10): translated onto chat, stored responses visible to the key that made them
        ResponsesEndpoint responses = hub.responses().endpoint();
        r.post("/v1/responses", guard.read(responses::create));
        r.get("/v1/responses/{id}", guard.read(responses::get));
        r.delete("/v1/responses/{id}", guard.read(responses::delete));
        r.get("/v1/responses/{id}/input_items", guard.read(responses::inputItems));

        // usage (section 7): read sees its own key, admin sees all
        r.get("/v1/usage", guard.read(hub.usage()::handle));

        // users and sessions (section 9); /auth/* takes no credential (logout reads the session cookie)
        UsersEndpoint users = hub.users().users();
        AuthEndpoint auth = hub.users().auth();
        r.post("/v1/users", guard.admin(users::create));
        r.get("/v1/users", guard.admin(users::list));
        r.get("/v1/users/{id}", guard.admin(users::get));
        r.patch("/v1/users/{id}", guard.admin(users::update));
        r.delete("/v1/users/{id}", guard.admin(users::delete));
        r.get("/v1/me", guard.read(users::me));
        r.post("/auth/login", auth::login);
        r.post("/auth/logout", auth::logout);
        r.get("/auth/status", auth::status);
        if (hub.users().oidcLogin() != null) {
            r.get("/auth/oidc/login", hub.users().oidcLogin()::login);
            r.get("/auth/oidc/callback", hub.users().oidcLogin()::callback);
        }

        // the developer portal and /docs (section 9): static pages, no credential (they call the API above)
        hub.portal().register(r);

        r.any((req, res) -> {
            if (req.prologue().method() == io.helidon.http.Method.CONNECT) {
                throw new ApiException(405, "invalid_request_error", "The hub is not a proxy: CONNECT is not served.", null,
                        "method_not_allowed", null);
            }
            throw ApiException.notFound("Unknown route: " + req.prologue().method().text() + " " + req.path().path()
                    + ". GET /openapi.json lists the routes.", null, "route_not_found");
        });
        r.error(ApiException.class, (req, res, e) -> errors.send(res, e));
        r.error(Throwable.class, (req, res, e) -> {
            ApiException unreadable = HttpLayer.unreadableBody(e);
            if (unreadable != null) {
                errors.send(res, unreadable);
                return;
            }
            hub.log().log(System.Logger.Level.ERROR, "request " + RequestIds.of(res) + " failed inside the hub", e);
            errors.send(res, ApiException.internal("The hub failed to handle this request (request id "
                    + RequestIds.of(res) + "). The error is in the hub's log."));
        });
    }
}
