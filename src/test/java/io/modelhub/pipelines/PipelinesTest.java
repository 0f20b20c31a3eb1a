package io.modelhub.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UsageRows;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pipelines through the sandbox (deterministic "Echo: <last user message>"). */
class PipelinesTest {
    static final String TWO_STEPS = """
            {"name":"answerer","model":"sandbox/chat",
             "inputs":{"question":{"type":"string","required":true}},
             "steps":[{"id":"draft","prompt":"Draft: {{input.question}}"},
                      {"id":"final","prompt":"Improve: {{steps.draft.output}}"}]}""";

    TestHub hub;
    UsageRows usage;

    @BeforeEach
    void start() {
        hub = TestHub.start("sandbox: {enabled: true}\n");
        usage = UsageRows.attach(hub);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private String create(String body) {
        TestHub.Response r = hub.post("/v1/pipelines", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("id").asText();
    }

    private JsonNode deploy(String id, String body) {
        TestHub.Response r = hub.post("/v1/pipelines/" + id + "/deploy", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    private TestHub.Response patch(String id, String body) {
        return hub.send("PATCH", "/v1/pipelines/" + id, body, TestHub.ADMIN_KEY, Map.of());
    }

    private TestHub.Response delete(String path) {
        return hub.send("DELETE", path, null, TestHub.ADMIN_KEY, Map.of());
    }

    @Test
    void createAnswersTheAssistantLikeObjectAsADraftVersionOne() {
        for (String path : List.of("/v1/pipelines", "/v1/pipelines/create")) {
            TestHub.Response r = hub.post(path, """
                    {"name":"helper","description":"d","model":"sandbox/chat","instructions":"Be brief.","temperature":0.2,
                     "metadata":{"team":"a"}}""");
            assertThat(r.status()).isEqualTo(201);
            JsonNode p = r.json();
            assertThat(p.path("id").asText()).startsWith("pipe_");
            assertThat(p.path("object").asText()).isEqualTo("pipeline");
            assertThat(p.path("version").asInt()).isEqualTo(1);
            assertThat(p.path("status").asText()).isEqualTo("draft");
            assertThat(p.path("name").asText()).isEqualTo("helper");
            assertThat(p.path("instructions").asText()).isEqualTo("Be brief.");
            assertThat(p.path("tools").isArray()).isTrue();
            assertThat(p.path("metadata").path("team").asText()).isEqualTo("a");
            assertThat(p.path("inputs").path("message").path("type").asText()).isEqualTo("string");
            assertThat(p.path("created_at").asLong()).isPositive();
        }
        assertThat(hub.get("/v1/pipelines").json().path("data")).hasSize(2);
    }

    @Test
    void pipelineWithoutStepsBehavesLikeAnAssistant() {
        String id = create("{\"model\":\"sandbox/chat\",\"instructions\":\"You are terse.\"}");
        TestHub.Response r = hub.post("/v1/pipelines/" + id + "/test",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"first\"},{\"role\":\"assistant\",\"content\":\"ok\"},{\"role\":\"user\",\"content\":\"hi there\"}]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("output").asText()).isEqualTo("Echo: hi there");
        JsonNode step = r.json().path("steps").get(0);
        assertThat(step.path("id").asText()).isEqualTo("main");
        assertThat(step.path("model").asText()).isEqualTo("sandbox/chat");
        assertThat(step.path("provider").asText()).isEqualTo("sandbox");
        // system + three conversation messages: 4 messages of 3 tokens overhead + words
        assertThat(step.path("prompt_tokens").asLong()).isEqualTo(3 + 4 + 3 + 1 + 3 + 1 + 3 + 2);

        TestHub.Response byInputs = hub.post("/v1/pipelines/" + id + "/test", "{\"inputs\":{\"message\":\"by input\"}}");
        assertThat(byInputs.json().path("output").asText()).isEqualTo("Echo: by input");
    }

    @Test
    void twoStepsFeedTheFirstOutputIntoTheSecond() {
        String id = create(TWO_STEPS);
        TestHub.Response r = hub.post("/v1/pipelines/" + id + "/test", "{\"inputs\":{\"question\":\"why?\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode run = r.json();
        assertThat(run.path("output").asText()).isEqualTo("Echo: Improve: Echo: Draft: why?");
        assertThat(run.path("test").asBoolean()).isTrue();
        assertThat(run.path("steps")).hasSize(2);
        assertThat(run.path("steps").get(0).path("output").asText()).isEqualTo("Echo: Draft: why?");
        assertThat(run.path("steps").get(1).path("id").asText()).isEqualTo("final");
        for (JsonNode s : run.path("steps")) {
            assertThat(s.path("provider").asText()).isEqualTo("sandbox");
            assertThat(s.path("completion_tokens").asLong()).isPositive();
            assertThat(s.has("latency_ms")).isTrue();
            assertThat(s.has("cost_usd")).isTrue();
        }
        long prompt = run.path("steps").get(0).path("prompt_tokens").asLong() + run.path("steps").get(1).path("prompt_tokens").asLong();
        assertThat(run.path("usage").path("prompt_tokens").asLong()).isEqualTo(prompt);
        assertThat(usage.records()).hasSize(2).allSatisfy(u -> {
            assertThat(u.pipelineId()).isEqualTo(id);
            assertThat(u.testCall()).isTrue();
            assertThat(u.deploymentId()).isNull();
            assertThat(u.pipelineVersion()).isEqualTo(1);
            assertThat(u.keyId()).isNotBlank();
            assertThat(u.requestId()).isEqualTo(r.header("x-request-id"));
        });
    }

    @Test
    void everyChangeIsANewVersionAndDeploymentsPinTheirVersion() {
        String id = create(TWO_STEPS);
        TestHub.Response changed = patch(id, "{\"steps\":[{\"id\":\"only\",\"prompt\":\"V2 {{input.question}}\"}]}");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().path("version").asInt()).isEqualTo(2);
        assertThat(changed.json().path("name").asText()).isEqualTo("answerer");

        JsonNode latest = hub.get("/v1/pipelines/" + id).json();
        assertThat(latest.path("version").asInt()).isEqualTo(2);
        assertThat(latest.path("status").asText()).isEqualTo("draft");
        JsonNode v1 = hub.get("/v1/pipelines/" + id + "?version=1").json();
        assertThat(v1.path("version").asInt()).isEqualTo(1);
        assertThat(v1.path("steps")).hasSize(2);
        TestHub.Response v9 = hub.get("/v1/pipelines/" + id + "?version=9");
        assertThat(v9.status()).isEqualTo(404);
        assertThat(v9.json().path("error").path("code").asText()).isEqualTo("version_not_found");

        JsonNode d1 = deploy(id, "{\"version\":1}");
        JsonNode d2 = deploy(id, "");
        assertThat(d1.path("version").asInt()).isEqualTo(1);
        assertThat(d2.path("version").asInt()).isEqualTo(2);
        assertThat(d2.path("status").asText()).isEqualTo("active");
        assertThat(d2.path("pipeline_id").asText()).isEqualTo(id);
        assertThat(d2.path("endpoint").asText()).isEqualTo(hub.baseUrl() + "/v1/deployments/" + d2.path("deployment_id").asText());
        assertThat(hub.get("/v1/pipelines/" + id).json().path("status").asText()).isEqualTo("deployed");

        String q = "{\"inputs\":{\"question\":\"q\"}}";
        assertThat(hub.post("/v1/deployments/" + d1.path("deployment_id").asText() + "/invoke", q).json().path("output").asText())
                .isEqualTo("Echo: Improve: Echo: Draft: q");
        TestHub.Response r2 = hub.post("/v1/deployments/" + d2.path("deployment_id").asText() + "/invoke", q);
        assertThat(r2.json().path("output").asText()).isEqualTo("Echo: V2 q");
        assertThat(r2.json().path("version").asInt()).isEqualTo(2);
        assertThat(r2.header("x-modelhub-pipeline-version")).isEqualTo("2");

        assertThat(hub.get("/v1/pipelines/" + id + "/deployments").json().path("data")).hasSize(2);
    }

    @Test
    void deletingAPipelineMakesItsDeploymentsAnswer404() {
        String id = create(TWO_STEPS);
        String dep = deploy(id, "{}").path("deployment_id").asText();
        assertThat(hub.post("/v1/deployments/" + dep + "/invoke", "{\"inputs\":{\"question\":\"q\"}}").status()).isEqualTo(200);

        TestHub.Response d = delete("/v1/pipelines/" + id);
        assertThat(d.status()).isEqualTo(200);
        assertThat(d.json().path("deleted").asBoolean()).isTrue();

        TestHub.Response invoke = hub.post("/v1/deployments/" + dep + "/invoke", "{\"inputs\":{\"question\":\"q\"}}");
        assertThat(invoke.status()).isEqualTo(404);
        assertThat(invoke.json().path("error").path("code").asText()).isEqualTo("deployment_not_found");
        TestHub.Response chat = hub.post("/v1/deployments/" + dep + "/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}");
        assertThat(chat.status()).isEqualTo(404);
        assertThat(chat.json().path("error").path("type").asText()).isEqualTo("not_found_error");
        TestHub.Response gone = hub.get("/v1/pipelines/" + id);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().path("error").path("code").asText()).isEqualTo("pipeline_not_found");
        assertThat(delete("/v1/pipelines/" + id).status()).isEqualTo(404);
    }

    @Test
    void retiredDeploymentAnswers404AtOnce() {
        String id = create(TWO_STEPS);
        String dep = deploy(id, "{}").path("deployment_id").asText();
        assertThat(hub.post("/v1/deployments/" + dep + "/invoke", "{\"inputs\":{\"question\":\"q\"}}").status()).isEqualTo(200);

        TestHub.Response retired = delete("/v1/deployments/" + dep);
        assertThat(retired.status()).isEqualTo(200);
        assertThat(retired.json().path("status").asText()).isEqualTo("retired");

        TestHub.Response invoke = hub.post("/v1/deployments/" + dep + "/invoke", "{\"inputs\":{\"question\":\"q\"}}");
        assertThat(invoke.status()).isEqualTo(404);
        assertThat(invoke.json().path("error").path("code").asText()).isEqualTo("deployment_not_found");
        assertThat(delete("/v1/deployments/" + dep).status()).isEqualTo(404);
        JsonNode listed = hub.get("/v1/pipelines/" + id + "/deployments").json().path("data").get(0);
        assertThat(listed.path("status").asText()).isEqualTo("retired");
        assertThat(hub.get("/v1/pipelines/" + id).json().path("status").asText()).isEqualTo("draft");
    }

    @Test
    void pipelineThatRequiresATestCannotBeDeployedBeforeOnePasses() {
        String id = create("{\"model\":\"sandbox/chat\",\"requires_passing_test\":true}");
        TestHub.Response refused = hub.post("/v1/pipelines/" + id + "/deploy", "{}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().path("error").path("type").asText()).isEqualTo("conflict_error");
        assertThat(refused.json().path("error").path("code").asText()).isEqualTo("test_required");

        assertThat(hub.post("/v1/pipelines/" + id + "/test", "{\"inputs\":{\"message\":\"hi\"}}").status()).isEqualTo(200);
        deploy(id, "{}");
        // A new version has not been tested yet.
        assertThat(patch(id, "{\"instructions\":\"new\"}").status()).isEqualTo(200);
        assertThat(hub.post("/v1/pipelines/" + id + "/deploy", "{}").status()).isEqualTo(409);
    }

    @Test
    void deploymentChatCompletionsAnswersAndStreamsTheLastStep() {
        String id = create(TWO_STEPS);
        String dep = deploy(id, "{}").path("deployment_id").asText();
        TestHub.Response whole = hub.post("/v1/deployments/" + dep + "/chat/completions",
                "{\"model\":\"ignored\",\"messages\":[{\"role\":\"user\",\"content\":\"why?\"}]}");
        assertThat(whole.status()).as(whole.body()).isEqualTo(200);
        assertThat(whole.json().path("object").asText()).isEqualTo("chat.completion");
        assertThat(whole.json().path("choices").get(0).path("message").path("content").asText())
                .isEqualTo("Echo: Improve: Echo: Draft: why?");
        assertThat(whole.header("x-modelhub-provider")).isEqualTo("sandbox");

        try (TestHub.StreamResponse s = hub.stream("/v1/deployments/" + dep + "/chat/completions",
                "{\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"why?\"}]}",
                TestHub.ADMIN_KEY)) {
            assertThat(s.status()).isEqualTo(200);
            assertThat(s.header("content-type")).startsWith("text/event-stream");
            List<String> events = s.rest();
            assertThat(events.getLast()).isEqualTo("[DONE]");
            StringBuilder text = new StringBuilder();
            for (String e : events.subList(0, events.size() - 1)) {
                JsonNode chunk = hub.json().readTree(e);
                assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
                text.append(chunk.path("choices").path(0).path("delta").path("content").asText(""));
            }
            assertThat(text.toString()).isEqualTo("Echo: Improve: Echo: Draft: why?");
            assertThat(events.get(events.size() - 2)).contains("\"usage\":{");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // 2 runs of 2 steps; the streamed last step is metered once its stream ends.
        assertThat(usage.records()).hasSize(4).allSatisfy(u -> {
            assertThat(u.deploymentId()).isEqualTo(dep);
            assertThat(u.testCall()).isFalse();
            assertThat(u.status()).isEqualTo(200);
            assertThat(u.errorType()).isNull();
            assertThat(u.completionTokens()).isPositive();
        });
        assertThat(usage.records().getLast().ttftMs()).isNotNull();
    }

    @Test
    void endpointUsesTheConfiguredPublicBaseUrl() {
        try (TestHub other = TestHub.start("server: {public_base_url: \"https://hub.example.com/\"}\n")) {
            String id = other.post("/v1/pipelines", "{\"model\":\"sandbox/chat\"}").json().path("id").asText();
            JsonNode d = other.post("/v1/pipelines/" + id + "/deploy", "{}").json();
            assertThat(d.path("endpoint").asText()).isEqualTo("https://hub.example.com/v1/deployments/" + d.path("deployment_id").asText());
        }
    }

    @Test
    void openApiDocumentsEveryPipelinePath() {
        JsonNode paths = hub.get("/openapi.json").json().path("paths");
        for (String p : List.of("/v1/pipelines", "/v1/pipelines/create", "/v1/pipelines/{id}", "/v1/pipelines/{id}/test",
                "/v1/pipelines/{id}/deploy", "/v1/pipelines/{id}/deployments", "/v1/pipelines/{id}/metrics",
                "/v1/deployments/{deployment_id}", "/v1/deployments/{deployment_id}/invoke", "/v1/deployments/{deployment_id}/chat/completions")) {
            assertThat(paths.has(p)).as(p).isTrue();
        }
        assertThat(paths.path("/v1/pipelines/{id}").has("patch")).isTrue();
        assertThat(paths.path("/v1/chat/completions").has("post")).isTrue();
    }

    @Test
    void deploymentCallsAreRateLimitedPerKeyLikeChatCompletions() {
        String dep = deploy(create(TWO_STEPS), "{}").path("deployment_id").asText();
        TestHub.Response key = hub.post("/v1/keys", "{\"name\":\"one-a-minute\",\"scopes\":[\"read\"],\"rpm\":1}");
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        String secret = key.json().path("key").asText();
        String q = "{\"inputs\":{\"question\":\"q\"}}";
        TestHub.Response first = hub.send("POST", "/v1/deployments/" + dep + "/invoke", q, secret, Map.of());
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.header("x-ratelimit-limit-requests")).isEqualTo("1");
        TestHub.Response second = hub.send("POST", "/v1/deployments/" + dep + "/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}", secret, Map.of());
        assertThat(second.status()).isEqualTo(429);
        assertThat(second.json().path("error").path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(second.header("retry-after")).isNotBlank();
    }
}
