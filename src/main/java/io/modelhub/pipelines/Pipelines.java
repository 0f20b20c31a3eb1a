package io.modelhub.pipelines;

import io.modelhub.auth.Guard;
import io.helidon.webserver.http.HttpRouting;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.catalog.CatalogHolder;
import io.modelhub.config.HubConfig;
import io.modelhub.routing.Router;
import io.modelhub.limits.Limiter;
import io.modelhub.api.Bodies;
import io.modelhub.chat.ChatRelay;
import io.modelhub.api.Errors;
import io.modelhub.store.Store;
import io.modelhub.usage.Metering;
import java.time.Duration;

/** The pipelines area, assembled: its store, deployment cache, runner and the two endpoints behind its routes. */
public final class Pipelines {
    /** How long a cached deployment is trusted before it is read again (how soon a retire on another node is seen). */
    static final Duration DEPLOYMENT_REFRESH = Duration.ofSeconds(30);

    private final PipelinesEndpoint pipelines;
    private final DeploymentsEndpoint deployments;

    public Pipelines(HubConfig config, Store store, CatalogHolder catalog, Router router, Metering metering,
                     ObjectMapper json, Errors errors, Limiter limiter) {
        PipelineStore pipelineStore = new PipelineStore(store);
        LiveDeployments live = new LiveDeployments(pipelineStore, json, DEPLOYMENT_REFRESH);
        PipelineRunner runner = new PipelineRunner(json, catalog, router, metering, limiter);
        PipelineViews views = new PipelineViews(json, config.server().publicBaseUrl());
        ObjectBody bodies = new ObjectBody(new Bodies(config.server().maxBodyBytes()), json);
        this.pipelines = new PipelinesEndpoint(json, bodies, catalog, pipelineStore, live, runner, new PipelineMetrics(store, json), views, limiter);
        this.deployments = new DeploymentsEndpoint(json, bodies, pipelineStore, live, runner, views, new ChatRelay(json, errors), limiter);
    }

    /** Pipelines and deployments (API.md section 6). */
    public void routes(HttpRouting.Builder r, Guard guard) {
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
    }
}
