package io.modelhub.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;

/** Writes errors in the OpenAI shape: {@code {"error":{"message","type","param","code"}}}. */
public final class Errors {
    private final ObjectMapper json;

    public Errors(ObjectMapper json) {
        this.json = json;
    }

    public byte[] body(ApiException e) {
        ObjectNode root = json.createObjectNode();
        ObjectNode err = root.putObject("error");
        err.put("message", e.getMessage());
        err.put("type", e.type());
        if (e.param() == null) {
            err.putNull("param");
        } else {
            err.put("param", e.param());
        }
        if (e.code() == null) {
            err.putNull("code");
        } else {
            err.put("code", e.code());
        }
        return root.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public void send(ServerResponse res, ApiException e) {
        RequestFacts.error(e.type());
        res.status(Status.create(e.status()));
        for (Map.Entry<String, String> h : e.headers().entrySet()) {
            res.header(HeaderNames.create(h.getKey()), h.getValue());
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body(e));
    }
}
