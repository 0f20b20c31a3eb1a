package io.modelhub.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelhub.testing.TestHub;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PipelineValidationTest {
    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start("sandbox: {enabled: true}\n");
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static void assertInvalid(String body, String param, String code) {
        TestHub.Response r = hub.post("/v1/pipelines", body);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        JsonNode e = r.json().path("error");
        assertThat(e.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.path("param").asText()).isEqualTo(param);
        assertThat(e.path("code").asText()).isEqualTo(code);
        assertThat(e.path("message").asText()).isNotBlank();
    }

    @Test
    void unknownModelIsRefusedNamingTheModelField() {
        assertInvalid("{\"model\":\"foo/bar\"}", "model", "model_not_found");
    }

    @Test
    void unknownStepModelIsRefusedNamingTheStep() {
        assertInvalid("""
                {"model":"sandbox/chat","steps":[{"id":"a","prompt":"hi"},{"id":"b","model":"nope/x","prompt":"hi"}]}""",
                "steps[1].model", "model_not_found");
    }

    @Test
    void stepReferringToALaterStepIsRefused() {
        assertInvalid("""
                {"model":"sandbox/chat","steps":[{"id":"a","prompt":"{{steps.b.output}}"},{"id":"b","prompt":"hi"}]}""",
                "steps[0].prompt", "invalid_step_reference");
    }

    @Test
    void stepReferringToItselfIsRefused() {
        assertInvalid("""
                {"model":"sandbox/chat","steps":[{"id":"a","prompt":"hi"},{"id":"b","messages":[{"role":"user","content":"{{steps.b.output}}"}]}]}""",
                "steps[1].messages[0].content", "invalid_step_reference");
    }

    @Test
    void undeclaredInputIsRefused() {
        assertInvalid("""
                {"model":"sandbox/chat","inputs":{"question":{"type":"string"}},"steps":[{"id":"a","prompt":"{{input.questoin}}"}]}""",
                "steps[0].prompt", "unknown_template_variable");
    }

    @Test
    void unknownStepInTemplateIsRefused() {
        assertInvalid("""
                {"model":"sandbox/chat","steps":[{"id":"a","prompt":"hi"},{"id":"b","prompt":"{{steps.nowhere.output}}"}]}""",
                "steps[1].prompt", "unknown_template_variable");
    }

    @Test
    void malformedTemplateIsRefused() {
        assertInvalid("""
                {"model":"sandbox/chat","steps":[{"id":"a","prompt":"{{input.message"}]}""", "steps[0].prompt", "invalid_template");
        assertInvalid("""
                {"model":"sandbox/chat","instructions":"{{ whatever }}"}""", "instructions", "invalid_template");
    }

    @Test
    void duplicateStepIdsAreRefused() {
        assertInvalid("""
                {"model":"sandbox/chat","steps":[{"id":"a","prompt":"hi"},{"id":"a","prompt":"again"}]}""",
                "steps[1].id", "duplicate_step_id");
    }

    @Test
    void missingRequiredFieldsAreRefused() {
        assertInvalid("{\"name\":\"no model\"}", "model", "missing_required_parameter");
        assertInvalid("{\"model\":\"sandbox/chat\",\"steps\":[{\"prompt\":\"hi\"}]}", "steps[0].id", "missing_required_parameter");
        assertInvalid("{\"model\":\"sandbox/chat\",\"steps\":[{\"id\":\"a\"}]}", "steps[0].prompt", "missing_required_parameter");
    }

    @Test
    void wrongTypesAreRefused() {
        assertInvalid("{\"model\":\"sandbox/chat\",\"temperature\":\"hot\"}", "temperature", "invalid_type");
        assertInvalid("{\"model\":\"sandbox/chat\",\"temperature\":3}", "temperature", "invalid_value");
        assertInvalid("{\"model\":42}", "model", "invalid_type");
        assertInvalid("{\"model\":\"sandbox/chat\",\"steps\":{}}", "steps", "invalid_type");
        assertInvalid("{\"model\":\"sandbox/chat\",\"metadata\":{\"a\":1}}", "metadata.a", "invalid_value");
        assertInvalid("{\"model\":\"sandbox/chat\",\"inputs\":{\"q\":{\"type\":\"text\"}}}", "inputs.q.type", "invalid_value");
        assertInvalid("{\"model\":\"sandbox/chat\",\"steps\":[{\"id\":\"a\",\"prompt\":\"x\",\"max_tokens\":\"ten\"}]}",
                "steps[0].max_tokens", "invalid_type");
        assertInvalid("{\"model\":\"sandbox/chat\",\"colour\":\"blue\"}", "colour", "unknown_parameter");
    }

    @Test
    void malformedJsonIsRefused() {
        TestHub.Response r = hub.post("/v1/pipelines", "{not json");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("invalid_json");
    }

    @Test
    void invalidChangeMakesNoNewVersion() {
        String id = hub.post("/v1/pipelines", "{\"model\":\"sandbox/chat\"}").json().path("id").asText();
        TestHub.Response r = hub.send("PATCH", "/v1/pipelines/" + id, "{\"steps\":[{\"id\":\"a\",\"prompt\":\"{{steps.nope.output}}\"}]}",
                TestHub.ADMIN_KEY, Map.of());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("param").asText()).isEqualTo("steps[0].prompt");
        assertThat(hub.get("/v1/pipelines/" + id).json().path("version").asInt()).isEqualTo(1);
    }

    @Test
    void unknownPipelineAndDeploymentAre404() {
        for (String path : new String[] {"/v1/pipelines/pipe_nope", "/v1/pipelines/pipe_nope/deployments", "/v1/pipelines/pipe_nope/metrics"}) {
            TestHub.Response r = hub.get(path);
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json().path("error").path("type").asText()).isEqualTo("not_found_error");
            assertThat(r.json().path("error").path("code").asText()).isEqualTo("pipeline_not_found");
        }
        for (String[] call : new String[][] {{"POST", "/v1/deployments/dep_nope/invoke", "{\"inputs\":{}}"},
                {"POST", "/v1/deployments/dep_nope/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"},
                {"DELETE", "/v1/deployments/dep_nope", null}}) {
            TestHub.Response r = hub.send(call[0], call[1], call[2], TestHub.ADMIN_KEY, Map.of());
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json().path("error").path("type").asText()).isEqualTo("not_found_error");
            assertThat(r.json().path("error").path("code").asText()).isEqualTo("deployment_not_found");
        }
    }

    @Test
    void runInputsAreCheckedAgainstTheDeclarations() {
        String id = hub.post("/v1/pipelines", """
                {"model":"sandbox/chat","inputs":{"question":{"type":"string","required":true},"n":{"type":"integer","default":2}},
                 "steps":[{"id":"a","prompt":"{{input.question}} x{{input.n}}"}]}""").json().path("id").asText();
        TestHub.Response missing = hub.post("/v1/pipelines/" + id + "/test", "{\"inputs\":{}}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("error").path("param").asText()).isEqualTo("inputs.question");
        assertThat(missing.json().path("error").path("code").asText()).isEqualTo("missing_required_parameter");
        TestHub.Response typed = hub.post("/v1/pipelines/" + id + "/test", "{\"inputs\":{\"question\":\"q\",\"n\":\"two\"}}");
        assertThat(typed.status()).isEqualTo(400);
        assertThat(typed.json().path("error").path("param").asText()).isEqualTo("inputs.n");
        TestHub.Response unknown = hub.post("/v1/pipelines/" + id + "/test", "{\"inputs\":{\"question\":\"q\",\"extra\":1}}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("error").path("param").asText()).isEqualTo("inputs.extra");
        TestHub.Response ok = hub.post("/v1/pipelines/" + id + "/test", "{\"inputs\":{\"question\":\"why\"}}");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().path("output").asText()).isEqualTo("Echo: why x2");
    }

    @Test
    void aPipelineThatDeclaresNoInputsTakesTheVariablesItsTemplatesUse() {
        TestHub.Response created = hub.post("/v1/pipelines", """
                {"model":"sandbox/chat","instructions":"Answer in {{input.lang}}.",
                 "steps":[{"id":"a","prompt":"{{input.question}}"},{"id":"b","prompt":"{{steps.a.output}} ({{input.lang}})"}]}""");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asText();
        TestHub.Response missing = hub.post("/v1/pipelines/" + id + "/test", "{\"inputs\":{\"lang\":\"French\"}}");
        assertThat(missing.status()).as(missing.body()).isEqualTo(400);
        assertThat(missing.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(missing.json().path("error").path("param").asText()).isEqualTo("inputs.question");
        assertThat(missing.json().path("error").path("code").asText()).isEqualTo("missing_required_parameter");
        TestHub.Response unknown = hub.post("/v1/pipelines/" + id + "/test",
                "{\"inputs\":{\"lang\":\"French\",\"question\":\"why\",\"message\":\"x\"}}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("error").path("param").asText()).isEqualTo("inputs.message");
        TestHub.Response ok = hub.post("/v1/pipelines/" + id + "/test", "{\"inputs\":{\"lang\":\"French\",\"question\":\"why\"}}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().path("output").asText()).isEqualTo("Echo: Echo: why (French)");
    }

    @Test
    void aDeployedPipelineWithoutDeclaredInputsNamesTheMissingOneOnInvoke() {
        String id = hub.post("/v1/pipelines", """
                {"model":"sandbox/chat","steps":[{"id":"a","prompt":"{{input.topic}}: {{input.detail}}"}]}""").json().path("id").asText();
        String dep = hub.post("/v1/pipelines/" + id + "/deploy", "{}").json().path("deployment_id").asText();
        TestHub.Response r = hub.post("/v1/deployments/" + dep + "/invoke", "{\"inputs\":{\"topic\":\"tea\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().path("error").path("param").asText()).isEqualTo("inputs.detail");
    }

    @Test
    void missingCredentialCannotCreatePipelines() {
        TestHub.Response r = hub.send("POST", "/v1/pipelines", "{\"model\":\"sandbox/chat\"}", null, Map.of());
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("authentication_error");
    }

    @Test
    void badVersionsAndChatBodiesAreRefused() {
        String id = hub.post("/v1/pipelines", "{\"model\":\"sandbox/chat\"}").json().path("id").asText();
        TestHub.Response word = hub.get("/v1/pipelines/" + id + "?version=abc");
        assertThat(word.status()).isEqualTo(400);
        assertThat(word.json().path("error").path("param").asText()).isEqualTo("version");
        TestHub.Response absent = hub.post("/v1/pipelines/" + id + "/deploy", "{\"version\":7}");
        assertThat(absent.status()).isEqualTo(404);
        assertThat(absent.json().path("error").path("type").asText()).isEqualTo("not_found_error");
        assertThat(absent.json().path("error").path("code").asText()).isEqualTo("version_not_found");

        String dep = hub.post("/v1/pipelines/" + id + "/deploy", "{}").json().path("deployment_id").asText();
        TestHub.Response noMessages = hub.post("/v1/deployments/" + dep + "/chat/completions", "{\"model\":\"x\"}");
        assertThat(noMessages.status()).isEqualTo(400);
        assertThat(noMessages.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(noMessages.json().path("error").path("param").asText()).isEqualTo("messages");
        TestHub.Response badRole = hub.post("/v1/pipelines/" + id + "/test", "{\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}");
        assertThat(badRole.status()).isEqualTo(400);
        assertThat(badRole.json().path("error").path("param").asText()).isEqualTo("messages[0].role");
    }
}
