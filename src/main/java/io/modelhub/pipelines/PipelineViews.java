package io.modelhub.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.List;
import java.util.Set;

/** The JSON the API shows for pipelines, deployments and runs (times in unix seconds, as OpenAI does). */
final class PipelineViews {
    private final ObjectMapper json;
    private final String publicBaseUrl;

    PipelineViews(ObjectMapper json, String publicBaseUrl) {
        this.json = json;
        this.publicBaseUrl = publicBaseUrl;
    }

    /** A pipeline version; {@code status} is "deployed" while an active deployment pins it, else "draft". */
    ObjectNode pipeline(PipelineVersion v, PipelineSpec spec, Set<Integer> activeVersions) {
        ObjectNode o = json.createObjectNode();
        o.put("id", v.pipelineId());
        o.put("object", "pipeline");
        o.put("version", v.version());
        o.put("latest_version", v.latestVersion());
        o.put("status", activeVersions.contains(v.version()) ? "deployed" : "draft");
        o.put("created_at", v.pipelineCreatedAt() / 1000);
        o.put("updated_at", v.versionCreatedAt() / 1000);
        ObjectNode def = spec.definition();
        for (String f : List.of("name", "description", "model", "instructions")) {
            o.set(f, def.has(f) ? def.get(f) : o.nullNode());
        }
        o.set("tools", def.hasNonNull("tools") ? def.get("tools") : o.arrayNode());
        for (String f : List.of("response_format", "temperature", "top_p")) {
            o.set(f, def.has(f) ? def.get(f) : o.nullNode());
        }
        o.set("metadata", def.hasNonNull("metadata") ? def.get("metadata") : o.objectNode());
        ObjectNode inputs = o.putObject("inputs");
        for (PipelineSpec.Input in : spec.inputs()) {
            ObjectNode i = inputs.putObject(in.name());
            i.put("type", in.type().wireName());
            i.put("required", in.required());
            if (in.defaultValue() != null) {
                i.set("default", in.defaultValue());
            }
            JsonNode declared = def.path("inputs").path(in.name()).path("description");
            if (declared.isTextual()) {
                i.set("description", declared);
            }
        }
        o.set("steps", def.hasNonNull("steps") ? def.get("steps") : o.arrayNode());
        o.put("requires_passing_test", spec.requiresPassingTest());
        o.put("test_passed", v.testPassedAt() != null);
        return o;
    }

    ObjectNode deployment(Deployment d, ServerRequest req) {
        ObjectNode o = json.createObjectNode();
        o.put("id", d.id());
        o.put("object", "deployment");
        o.put("deployment_id", d.id());
        o.put("pipeline_id", d.pipelineId());
        o.put("version", d.version());
        o.put("status", d.status());
        o.put("endpoint", baseUrl(req) + "/v1/deployments/" + d.id());
        o.put("created_at", d.createdAt() / 1000);
        if (d.retiredAt() != null) {
            o.put("retired_at", d.retiredAt() / 1000);
        }
        return o;
    }

    ObjectNode list(List<ObjectNode> items) {
        ObjectNode o = json.createObjectNode();
        o.put("object", "list");
        ArrayNode data = o.putArray("data");
        items.forEach(data::add);
        o.set("first_id", items.isEmpty() ? o.nullNode() : items.getFirst().get("id"));
        o.set("last_id", items.isEmpty() ? o.nullNode() : items.getLast().get("id"));
        o.put("has_more", false);
        return o;
    }

    /** A finished run; {@code trace} adds every step's model, provider, output, tokens, cost and latency. */
    ObjectNode run(String runId, String pipelineId, int version, String deploymentId, boolean test,
                   PipelineRunner.Finished f, long latencyMs, boolean trace) {
        ObjectNode o = json.createObjectNode();
        o.put("id", runId);
        o.put("object", "pipeline.run");
        o.put("pipeline_id", pipelineId);
        o.put("version", version);
        if (deploymentId != null) {
            o.put("deployment_id", deploymentId);
        }
        o.put("test", test);
        o.put("status", "completed");
        o.put("output", f.output());
        long prompt = 0;
        long completion = 0;
        // The run's cost is known only when every step's is: a partial sum would be a silent undercount.
        Double cost = 0.0;
        ArrayNode steps = trace ? o.putArray("steps") : null;
        for (PipelineRunner.StepResult s : f.steps()) {
            prompt += s.usage().promptTokens();
            completion += s.usage().completionTokens();
            cost = cost == null || s.costUsd() == null ? null : cost + s.costUsd();
            if (steps != null) {
                ObjectNode st = steps.addObject();
                st.put("id", s.id());
                st.put("model", s.model());
                st.put("provider", s.provider());
                st.put("attempts", s.attempts());
                st.put("output", s.output());
                st.put("prompt_tokens", s.usage().promptTokens());
                st.put("completion_tokens", s.usage().completionTokens());
                st.put("total_tokens", s.usage().totalTokens());
                st.put("cost_usd", s.costUsd());
                st.put("latency_ms", s.latencyMs());
            }
        }
        ObjectNode u = o.putObject("usage");
        u.put("prompt_tokens", prompt);
        u.put("completion_tokens", completion);
        u.put("total_tokens", prompt + completion);
        u.put("cost_usd", cost);
        o.put("latency_ms", latencyMs);
        return o;
    }

    /** The configured public base URL, else the one the client used to reach us. */
    String baseUrl(ServerRequest req) {
        if (publicBaseUrl != null) {
            return publicBaseUrl;
        }
        String host = req.headers().first(HeaderNames.HOST).orElse(null);
        if (host == null) {
            host = req.localPeer().host() + ":" + req.localPeer().port();
        }
        // Behind a proxy, the scheme the client used is the first one the proxies list.
        String scheme = req.headers().first(HeaderNames.X_FORWARDED_PROTO).map(v -> v.split(",", 2)[0].strip())
                .filter(v -> v.equals("http") || v.equals("https")).orElse(req.isSecure() ? "https" : "http");
        return scheme + "://" + host;
    }
}
