package io.modelhub.messages;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.api.ApiException;
import io.modelhub.api.RequestIds;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Errors in Anthropic's shape, {@code {"type":"error","error":{"type","message"},"request_id"}}, for
 * the Messages paths, whatever raised them (the credential check included). The hub's error types map
 * onto Anthropic's: 413 is {@code request_too_large}, 503 (no provider free right now, or draining)
 * is Anthropic's 529 {@code overloaded_error}, and every other 5xx is {@code api_error} with the hub's
 * status kept (502 all providers failed, 504 upstream timeout), so the SDKs retry it as they would.
 */
public final class AnthropicErrors {
    /** The paths whose errors are in Anthropic's shape. */
    public static final String PATH_PREFIX = "/v1/messages";

    private final ObjectMapper json;
    private final System.Logger log;

    public AnthropicErrors(ObjectMapper json, System.Logger log) {
        this.json = json;
        this.log = log;
    }

    /** Anthropic's status for a hub error. */
    public static int status(ApiException e) {
        return e.status() == 503 ? 529 : e.status();
    }

    /** Anthropic's error type for a hub error. */
    static String type(ApiException e) {
        return switch (e.status()) {
            case 400, 409, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503 -> "overloaded_error";
            default -> e.status() >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** The error object as bytes, for answers written below the routes (the HTTP layer's refusals). */
    public byte[] bytes(ApiException e, String requestId) {
        try {
            return json.writeValueAsBytes(body(e, requestId));
        } catch (com.fasterxml.jackson.core.JsonProcessingException x) {
            throw new IllegalStateException(x);
        }
    }

    /** The error object {@code {"type":"error","error":{...}}}. */
    ObjectNode body(ApiException e, String requestId) {
        ObjectNode root = json.createObjectNode();
        root.put("type", "error");
        ObjectNode err = root.putObject("error");
        err.put("type", type(e));
        err.put("message", e.getMessage());
        if (requestId != null) {
            root.put("request_id", requestId);
        }
        return root;
    }

    void send(ServerResponse res, ApiException e) {
        res.status(Status.create(status(e)));
        for (Map.Entry<String, String> h : e.headers().entrySet()) {
            res.header(HeaderNames.create(h.getKey()), h.getValue());
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body(e, RequestIds.of(res)).toString().getBytes(StandardCharsets.UTF_8));
    }

    /** {@code handler} (the credential check included) with every error it raises answered in Anthropic's shape. */
    Handler around(Handler handler) {
        return (req, res) -> {
            // Anthropic's SDKs read the request id from this header.
            res.header(HeaderNames.create("request-id"), RequestIds.of(res));
            try {
                handler.handle(req, res);
            } catch (ApiException e) {
                if (!res.isSent()) {
                    send(res, e);
                }
            } catch (Exception e) {
                log.log(System.Logger.Level.ERROR, "request " + RequestIds.of(res) + " failed inside the hub", e);
                if (!res.isSent()) {
                    send(res, ApiException.internal("The hub failed to handle this request (request id "
                            + RequestIds.of(res) + "). The error is in the hub's log."));
                }
            }
        };
    }
}
