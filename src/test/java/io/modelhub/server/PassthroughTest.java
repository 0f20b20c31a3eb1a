package io.modelhub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelhub.testing.MockUpstream;
import io.modelhub.testing.TestHub;
import io.modelhub.testing.UpstreamAndHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PassthroughTest {
    @RegisterExtension
    final UpstreamAndHub env = new UpstreamAndHub("mockai", "acme/chat-1");

    @Test
    void toolsResponseFormatImagesAndUnknownFieldsReachTheUpstreamUntouched() throws Exception {
        String body = """
                {"model": "acme/chat-1",
                 "messages": [
                   {"role": "system", "content": "be brief"},
                   {"role": "user", "content": [
                      {"type": "text", "text": "what is in this image?"},
                      {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "low"}}]}],
                 "tools": [{"type": "function", "function": {"name": "lookup", "description": "d",
                            "parameters": {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}}}],
                 "tool_choice": {"type": "function", "function": {"name": "lookup"}},
                 "parallel_tool_calls": false,
                 "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}},
                 "temperature": 0.25, "seed": 7, "logit_bias": {"50256": -100},
                 "some_vendor_extension": {"nested": [1, 2, {"deep": true}]}}
                """;
        TestHub.Response r = env.hub().post("/v1/chat/completions", body);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("choices").get(0).path("message").path("tool_calls").get(0).path("function").path("name").asText())
                .isEqualTo("lookup");

        ObjectNode sent = (ObjectNode) env.hub().json().readTree(body);
        ObjectNode got = ((ObjectNode) env.upstream().last().body()).deepCopy();
        assertThat(got.remove("model").asText()).isEqualTo("upstream-acme-chat-1");
        sent.remove("model");
        assertThat(got).isEqualTo(sent);
    }

    @Test
    void theClientsKeyIsNeverSentUpstream() {
        env.hub().post("/v1/chat/completions", "{\"model\":\"acme/chat-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(env.upstream().last().authorization()).isEqualTo("Bearer upstream-secret-mockai");
        assertThat(env.upstream().last().raw()).doesNotContain(TestHub.ADMIN_KEY);
    }

    @Test
    void providerSteeringFieldIsNeverForwarded() {
        env.hub().post("/v1/chat/completions",
                "{\"model\":\"acme/chat-1\",\"provider\":{\"order\":[\"mockai\"]},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        JsonNode got = env.upstream().last().body();
        assertThat(got.has("provider")).isFalse();
    }
}
