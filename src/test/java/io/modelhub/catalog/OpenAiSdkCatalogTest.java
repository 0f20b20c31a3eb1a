package io.modelhub.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.models.models.Model;
import io.modelhub.testing.TestHub;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK lists and retrieves the hub's models, slashed ids included. */
class OpenAiSdkCatalogTest {

    @Test
    void sdkListsAndRetrievesModels() {
        try (TestHub hub = TestHub.start("""
                models:
                  - id: deepseek-ai/DeepSeek-Test
                    aliases: [ds-test]
                    offerings: [{provider: sandbox}]
                """)) {
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(hub.baseUrl() + "/v1").apiKey(TestHub.ADMIN_KEY).build();
            try {
                List<String> ids = client.models().list().data().stream().map(Model::id).toList();
                assertThat(ids).containsExactly("sandbox/chat", "sandbox/embed", "deepseek-ai/DeepSeek-Test");

                Model m = client.models().retrieve("deepseek-ai/DeepSeek-Test");
                assertThat(m.id()).isEqualTo("deepseek-ai/DeepSeek-Test");
                assertThat(m.ownedBy()).isEqualTo("deepseek-ai");
                assertThat(m.created()).isPositive();
                assertThat(client.models().retrieve("ds-test").id()).isEqualTo("deepseek-ai/DeepSeek-Test");

                assertThatThrownBy(() -> client.models().retrieve("nobody/nothing")).isInstanceOf(NotFoundException.class);
            } finally {
                client.close();
            }
        }
    }
}
