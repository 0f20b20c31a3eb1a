package io.modelhub.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.auth.Principal;
import io.modelhub.catalog.CatalogHolder;
import io.modelhub.limits.Limiter;
import io.modelhub.api.ApiException;
import io.modelhub.api.ChatRequest;
import io.modelhub.api.RequestIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/pipelines...}: create, list, read, change (a new version each time), delete, test,
 * deploy, list deployments and read metrics.
 */
public final class PipelinesEndpoint {
    private final ObjectMapper json;
    private final ObjectBody bodies;
    private final CatalogHolder catalog;
    private final PipelineStore store;
    private final LiveDeployments live;
    private final PipelineRunner runner;
    private final PipelineMetrics metrics;
    private final PipelineViews views;

    private final Limiter limiter;

    PipelinesEndpoint(ObjectMapper json, ObjectBody bodies, CatalogHolder catalog, PipelineStore store, LiveDeployments live,
                      PipelineRunner runner, PipelineMetrics metrics, PipelineViews views, Limiter limiter) {
        this.limiter = limiter;
        this.json = json;
        this.bodies = bodies;
        this.catalog = catalog;
        this.store = store;
        this.live = live;
        this.runner = runner;
        this.metrics = metrics;
        this.views = views;
    }

    /** {@code POST /v1/pipelines} and {@code POST /v1/pipelines/create}. */
    public void create(ServerRequest req, ServerResponse res, Principal caller) {
        PipelineSpec spec = new SpecParser(catalog.get()).parse(bodies.read(req, false));
        PipelineVersion v = store.create(spec.definition().toString(), caller.keyId(), System.currentTimeMillis());
        res.status(Status.CREATED_201);
        send(res, views.pipeline(v, spec, Set.of()));
    }

    /** {@code GET /v1/pipelines}: the latest version of each. */
    public void list(ServerRequest req, ServerResponse res, Principal caller) {
        List<ObjectNode> items = new ArrayList<>();
        for (PipelineVersion v : store.latest()) {
            items.add(views.pipeline(v, spec(v), activeVersions(v.pipelineId())));
        }
        send(res, views.list(items));
    }

    /** {@code GET /v1/pipelines/{id}}, the latest version or {@code ?version=N}. */
    public void get(ServerRequest req, ServerResponse res, Principal caller) {
        String id = id(req);
        String version = req.query().first("version").orElse(null);
        PipelineVersion v = version(id, version == null ? null : versionNumber(version));
        send(res, views.pipeline(v, spec(v), activeVersions(id)));
    }

    /** {@code PATCH /v1/pipelines/{id}}: the fields sent replace those of the latest version (null removes one). */
    public void update(ServerRequest req, ServerResponse res, Principal caller) {
        String id = id(req);
        ObjectNode patch = bodies.read(req, false);
        PipelineVersion latest = version(id, null);
        ObjectNode merged = spec(latest).definition().deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                merged.remove(e.getKey());
            } else {
                merged.set(e.getKey(), e.getValue());
            }
        }
        PipelineSpec spec = new SpecParser(catalog.get()).parse(merged);
        PipelineVersion v = store.addVersion(id, spec.definition().toString(), System.currentTimeMillis())
                .orElseThrow(() -> notFound(id));
        send(res, views.pipeline(v, spec, activeVersions(id)));
    }

    /** {@code DELETE /v1/pipelines/{id}}: its deployments stop answering at once. */
    public void delete(ServerRequest req, ServerResponse res, Principal caller) {
        String id = id(req);
        if (!store.delete(id)) {
            throw notFound(id);
        }
        live.invalidatePipeline(id);
        ObjectNode o = json.createObjectNode();
        o.put("id", id);
        o.put("object", "pipeline.deleted");
        o.put("deleted", true);
        send(res, o);
    }

    /**
     * {@code POST /v1/pipelines/{id}/test}: runs the latest version (or {@code "version"}) on
     * {@code inputs} or {@code messages} and answers the output with every step's trace.
     */
    public void test(ServerRequest req, ServerResponse res, Principal caller) {
        long started = System.nanoTime();
        String id = id(req);
        ObjectNode body = bodies.read(req, true);
        JsonNode version = body.get("version");
        PipelineVersion v = version(id, version == null || version.isNull() ? null : versionNumber(version));
        PipelineSpec spec = spec(v);
        RunInput input = RunInput.resolve(spec, body.get("inputs"), messages(body));
        String requestId = RequestIds.of(res);
        limiter.admit(caller, DeploymentsEndpoint.estimatedTokens(req), requestId).applyTo(res);
        PipelineRunner.Context ctx = new PipelineRunner.Context(caller, requestId, id, null, v.version(), true);
        PipelineRunner.Finished f = (PipelineRunner.Finished) runner.run(spec, input, ctx, false);
        store.markTestPassed(id, v.version(), System.currentTimeMillis());
        send(res, views.run(requestId, id, v.version(), null, true, f, (System.nanoTime() - started) / 1_000_000, true));
    }

    /** {@code POST /v1/pipelines/{id}/deploy}: pins the latest version (or {@code "version"}) at a new endpoint. */
    public void deploy(ServerRequest req, ServerResponse res, Principal caller) {
        String id = id(req);
        ObjectNode body = bodies.read(req, true);
        JsonNode version = body.get("version");
        PipelineVersion v = version(id, version == null || version.isNull() ? null : versionNumber(version));
        PipelineSpec spec = spec(v);
        if (spec.requiresPassingTest() && v.testPassedAt() == null) {
            throw ApiException.conflict("Version " + v.version() + " of pipeline '" + id + "' requires a passing test before it"
                    + " is deployed, and none has passed yet. POST /v1/pipelines/" + id + "/test with {\"version\":" + v.version()
                    + "} first.", "test_required");
        }
        Deployment d = store.deploy(id, v.version(), System.currentTimeMillis());
        res.status(Status.CREATED_201);
        send(res, views.deployment(d, req));
    }

    /** {@code GET /v1/pipelines/{id}/deployments}: active and retired, newest first. */
    public void deployments(ServerRequest req, ServerResponse res, Principal caller) {
        String id = id(req);
        version(id, null);
        List<ObjectNode> items = new ArrayList<>();
        for (Deployment d : store.deployments(id)) {
            items.add(views.deployment(d, req));
        }
        send(res, views.list(items));
    }

    /** {@code GET /v1/pipelines/{id}/metrics?from=&to=&interval=}. */
    public void metrics(ServerRequest req, ServerResponse res, Principal caller) {
        String id = id(req);
        version(id, null);
        send(res, metrics.compute(id, req.query().first("from").orElse(null), req.query().first("to").orElse(null),
                req.query().first("interval").orElse(null), System.currentTimeMillis()));
    }

    static ArrayNode messages(ObjectNode body) {
        JsonNode m = body.get("messages");
        if (m == null || m.isNull()) {
            return null;
        }
        // The same checks as a chat completion's messages, with the same error params.
        ChatRequest.of(body, false);
        return (ArrayNode) m;
    }

    private PipelineVersion version(String id, Integer version) {
        return store.version(id, version).orElseThrow(() -> {
            if (version != null && store.version(id, null).isPresent()) {
                return ApiException.notFound("Pipeline '" + id + "' has no version " + version + ".", "version", "version_not_found");
            }
            return notFound(id);
        });
    }

    private static int versionNumber(JsonNode v) {
        if (!v.canConvertToExactIntegral() || v.asLong() < 1 || v.asLong() > Integer.MAX_VALUE) {
            throw ApiException.badRequest("Invalid 'version': expected a positive integer.", "version", "invalid_type");
        }
        return v.asInt();
    }

    private static int versionNumber(String v) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("Invalid 'version': expected a positive integer.", "version", "invalid_type");
    }

    private Set<Integer> activeVersions(String pipelineId) {
        Set<Integer> out = new HashSet<>();
        for (Deployment d : store.deployments(pipelineId)) {
            if (d.active()) {
                out.add(d.version());
            }
        }
        return out;
    }

    PipelineSpec spec(PipelineVersion v) {
        try {
            return SpecParser.reload((ObjectNode) json.readTree(v.definition()));
        } catch (IOException e) {
            throw new UncheckedIOException("stored definition of " + v.pipelineId() + " v" + v.version() + " is not JSON", e);
        }
    }

    static ApiException notFound(String id) {
        return ApiException.notFound("Pipeline '" + id + "' does not exist. GET /v1/pipelines lists the pipelines.", "id", "pipeline_not_found");
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    private void send(ServerResponse res, ObjectNode body) {
        res.header(io.helidon.http.HeaderNames.CONTENT_TYPE, "application/json");
        try {
            res.send(json.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
