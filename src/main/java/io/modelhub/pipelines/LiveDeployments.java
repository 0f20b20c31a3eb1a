package io.modelhub.pipelines;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * The active deployments with their parsed pipeline versions, cached so that invoking a deployment
 * does not read the store each call. Retiring or deleting on this node invalidates at once; entries
 * also expire after a while so that a retire on another node sharing the store is seen here too.
 */
public final class LiveDeployments {
    /** A deployment ready to run. */
    public record Live(Deployment deployment, PipelineSpec spec) {}

    private final PipelineStore store;
    private final ObjectMapper json;
    private final Cache<String, Live> cache;

    public LiveDeployments(PipelineStore store, ObjectMapper json, Duration refreshAfter) {
        this.store = store;
        this.json = json;
        this.cache = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(refreshAfter).build();
    }

    /** The active deployment with this id, or null when there is none (unknown, retired, or its pipeline deleted). */
    public Live get(String deploymentId) {
        return cache.get(deploymentId, this::load);
    }

    private Live load(String id) {
        Deployment d = store.deployment(id).filter(Deployment::active).orElse(null);
        if (d == null) {
            return null;
        }
        PipelineVersion v = store.version(d.pipelineId(), d.version()).orElse(null);
        if (v == null) {
            return null;
        }
        try {
            return new Live(d, SpecParser.reload((ObjectNode) json.readTree(v.definition())));
        } catch (IOException e) {
            throw new UncheckedIOException("stored definition of " + d.pipelineId() + " v" + d.version() + " is not JSON", e);
        }
    }

    public void invalidate(String deploymentId) {
        cache.invalidate(deploymentId);
    }

    /** Forgets every deployment of a pipeline (it was deleted). */
    public void invalidatePipeline(String pipelineId) {
        cache.asMap().values().removeIf(l -> l.deployment().pipelineId().equals(pipelineId));
    }
}
