package io.modelhub.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A stream's chunks gather into the completion they amount to, tool calls included, and replay back into chunks. */
class StreamedAnswerTest {
    final ObjectMapper json = new ObjectMapper();

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void toolCallDeltasGatherIntoOneCallWithItsWholeArgumentsAndReplayTheSame() throws Exception {
        StreamedAnswer a = new StreamedAnswer(json);
        String head = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":7,\"model\":\"m\",\"choices\":[";
        a.add(b(head + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"ci\"}}]},\"finish_reason\":null}]}"));
        a.add(b(head + "{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"ty\\\":\\\"Paris\\\"}\"}}]},\"finish_reason\":null}]}"));
        a.add(b(head + "{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}"));
        a.add(b("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":7,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}"));
        JsonNode c = a.completion();
        JsonNode message = c.get("choices").get(0).get("message");
        assertThat(message.get("content").isNull()).isTrue();
        JsonNode call = message.get("tool_calls").get(0);
        assertThat(call.get("id").asText()).isEqualTo("call_1");
        assertThat(call.get("function").get("name").asText()).isEqualTo("weather");
        assertThat(call.get("function").get("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(c.get("choices").get(0).get("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(c.get("usage").get("total_tokens").asInt()).isEqualTo(7);

        List<byte[]> chunks = StreamedAnswer.chunks(json, c, true);
        StreamedAnswer again = new StreamedAnswer(json);
        chunks.forEach(again::add);
        assertThat(again.completion()).isEqualTo(c);
    }

    @Test
    void aStreamCutBeforeItsFinishReasonIsNotAWholeAnswer() {
        StreamedAnswer a = new StreamedAnswer(json);
        a.add(b("{\"id\":\"c1\",\"created\":7,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}]}"));
        assertThat(a.completion()).isNull();
    }
}
