package io.modelhub.pipelines;

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

/** The pipelines area, assembled: its store, deployment cache, runner and the two endpoints Routes serves. */
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

    public PipelinesEndpoint pipelines() {
        return pipelines;
    }

    public DeploymentsEndpoint deployments() {
        return deployments;
    }
}
