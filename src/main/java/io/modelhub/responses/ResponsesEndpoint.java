package io.modelhub.responses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelhub.api.ApiException;
import io.modelhub.api.Bodies;
import io.modelhub.api.ChatRequest;
import io.modelhub.api.Headers;
import io.modelhub.api.RequestIds;
import io.modelhub.auth.Principal;
import io.modelhub.chat.ChatRelay;
import io.modelhub.chat.ModelCalls;
import io.modelhub.providers.EventStream;
import io.modelhub.providers.UpstreamException;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.routing.Routed;
import io.modelhub.usage.CallMeter;
import io.modelhub.usage.TokenUsage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * {@code POST /v1/responses} and the stored responses ({@code GET}, {@code DELETE},
 * {@code GET .../input_items}). A request is translated into the hub's chat shape and made through
 * {@link ModelCalls} (admission, metering, routing with fallbacks, like chat completions); the answer is
 * translated back, a stream event by event as its chunks arrive.
 */
public final class ResponsesEndpoint {
    private static final Header JSON = HeaderValues.create(HeaderNames.CONTENT_TYPE, "application/json");
    private static final Header SSE = HeaderValues.create(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    private static final Header NO_CACHE = HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-cache");
    private static final int MAX_ITEMS_PAGE = 100;
    private static final System.Logger LOG = System.getLogger("io.modelhub.responses");

    private final ObjectMapper json;
    private final Bodies bodies;
    private final ModelCalls calls;
    private final ResponseStore store;
    private final ItemIds ids = new ItemIds();
    private final ResponseObjects objects;
    private final Passthrough passthrough;

    ResponsesEndpoint(ObjectMapper json, Bodies bodies, ModelCalls calls, ResponseStore store, Passthrough passthrough) {
        this.json = json;
        this.bodies = bodies;
        this.calls = calls;
        this.store = store;
        this.objects = new ResponseObjects(json, ids);
        this.passthrough = passthrough;
    }

    public void create(ServerRequest req, ServerResponse res, Principal caller) {
        byte[] body = bodies.read(req);
        ResponsesRequest request = ResponsesRequest.parse(json, body, ids);
        ArrayNode context = json.createArrayNode();
        long historyBytes = 0;
        if (request.previousResponseId() != null) {
            ResponseStore.Stored previous = store.find(request.previousResponseId(), caller.keyId())
                    .orElseThrow(() -> ApiException.badRequest("Previous response with id '" + request.previousResponseId() + "' not found.",
                            "previous_response_id", "previous_response_not_found"));
            context.addAll((ArrayNode) read(previous.inputItems()));
            context.addAll((ArrayNode) read(previous.response()).path("output"));
            historyBytes = previous.inputItems().length() + previous.response().length();
        }
        context.addAll(request.items());
        ChatRequest chat = ChatRequest.of(ChatTranslation.toChat(request, context, json), true);
        Passthrough.Route route = passthrough.new Route(request, context);
        ModelCalls.Started started = calls.start(caller, chat, body.length + historyBytes, RequestIds.of(res),
                req.headers().first(Headers.PROVIDER).orElse(null), res, route);
        Routed routed = started.routed();
        CallMeter.Call call = started.call();
        ChatRelay.routedHeaders(res, routed);
        long now = System.currentTimeMillis();
        ObjectNode response = objects.started(ids.response(), request, now / 1000);
        Saver saver = new Saver(caller, request, context, now);
        if (route.passedThrough(routed.offering())) {
            passedThrough(res, request, response, routed, call, saver);
            return;
        }
        switch (routed.reply()) {
            case UpstreamReply.Complete c -> {
                JsonNode answer = read(c.body());
                String finish = answer.path("choices").path(0).path("finish_reason").asText(null);
                TokenUsage usage = c.usage() != null ? c.usage() : call.estimate(0);
                call.finish(routed.offering(), c.usage(), 0, 200, null);
                if (request.stream()) {
                    // An upstream that answered whole: its answer is sent as the one chunk of a stream.
                    streamWhole(res, response, answer, usage, saver);
                    return;
                }
                objects.finish(response, objects.outputOf(answer, ResponseObjects.itemStatus(finish)), finish, usage, now / 1000);
                saver.save(response);
                res.header(JSON);
                res.send(response.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            case UpstreamReply.Streaming s -> {
                if (request.stream()) {
                    stream(res, response, s.events(), routed, call, saver);
                } else {
                    collect(res, response, s.events(), routed, call, saver);
                }
            }
        }
    }

    public void get(ServerRequest req, ServerResponse res, Principal caller) {
        ResponseStore.Stored stored = owned(req, caller);
        res.header(JSON);
        res.send(stored.response().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public void delete(ServerRequest req, ServerResponse res, Principal caller) {
        String id = req.path().pathParameters().get("id");
        if (!store.delete(id, caller.keyId())) {
            throw notFound(id);
        }
        ObjectNode out = json.createObjectNode();
        out.put("id", id);
        out.put("object", "response");
        out.put("deleted", true);
        res.header(JSON);
        res.send(out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** {@code GET /v1/responses/{id}/input_items}: {@code limit} (1-100, default 20), {@code order} ({@code desc} by default), {@code after}. */
    public void inputItems(ServerRequest req, ServerResponse res, Principal caller) {
        int limit = 20;
        String limitParam = req.query().first("limit").orElse(null);
        if (limitParam != null) {
            try {
                limit = Integer.parseInt(limitParam);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_ITEMS_PAGE) {
                throw ApiException.badRequest("Invalid 'limit': expected an integer from 1 to " + MAX_ITEMS_PAGE + ".", "limit", "invalid_value");
            }
        }
        String order = req.query().first("order").orElse("desc");
        if (!order.equals("asc") && !order.equals("desc")) {
            throw ApiException.badRequest("Invalid value: '" + order + "'. Supported values are: 'asc' and 'desc'.", "order", "invalid_value");
        }
        String after = req.query().first("after").orElse(null);
        ArrayNode all = (ArrayNode) read(owned(req, caller).inputItems());
        int n = all.size();
        int start = 0;
        if (after != null) {
            start = -1;
            for (int i = 0; i < n; i++) {
                if (after.equals(all.get(order.equals("asc") ? i : n - 1 - i).path("id").asText())) {
                    start = i + 1;
                }
            }
            if (start < 0) {
                throw ApiException.badRequest("No input item with id '" + after + "' in this response.", "after", "invalid_value");
            }
        }
        ObjectNode out = json.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = start; i < n && data.size() < limit; i++) {
            data.add(all.get(order.equals("asc") ? i : n - 1 - i));
        }
        if (data.isEmpty()) {
            out.putNull("first_id");
            out.putNull("last_id");
        } else {
            out.put("first_id", data.get(0).path("id").asText());
            out.put("last_id", data.get(data.size() - 1).path("id").asText());
        }
        out.put("has_more", start + data.size() < n);
        res.header(JSON);
        res.send(out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private ResponseStore.Stored owned(ServerRequest req, Principal caller) {
        String id = req.path().pathParameters().get("id");
        return store.find(id, caller.keyId()).orElseThrow(() -> notFound(id));
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("Response with id '" + id + "' not found.", "response_id", "response_not_found");
    }

    /** Relays a chat stream as Responses events, then meters the call and stores the response. */
    private void stream(ServerResponse res, ObjectNode response, EventStream events, Routed routed, CallMeter.Call call, Saver saver) {
        ResponseStream stream = null;
        long relayed = 0;
        long firstEvent = 0;
        String errorType = null;
        // The output is taken inside the try: whatever fails from here on, the events are closed, so the
        // upstream exchange (and its connection slot, when the provider has a limit) is given back.
        try (events) {
            res.header(SSE);
            res.header(NO_CACHE);
            OutputStream out = res.outputStream();
            stream = new ResponseStream(json, objects, response, out);
            stream.start();
            while (true) {
                byte[] event;
                try {
                    event = events.next();
                } catch (UpstreamException e) {
                    ApiException api = ChatRelay.midStreamError(e);
                    errorType = api.type();
                    stream.fail(api.code(), api.getMessage(), saver::save);
                    break;
                }
                if (event == null) {
                    stream.complete(call.estimate(relayed), System.currentTimeMillis() / 1000, saver::save);
                    break;
                }
                if (firstEvent == 0) {
                    firstEvent = System.nanoTime();
                }
                JsonNode chunk = chunk(event);
                if (chunk == null) {
                    errorType = "upstream_error";
                    stream.fail("upstream_failed", "Provider '" + routed.offering().providerId() + "' sent an event that is not JSON.", saver::save);
                    break;
                }
                relayed++;
                stream.chunk(chunk);
                stream.flush();
            }
            out.close();
        } catch (IOException | UncheckedIOException | CloseConnectionException e) {
            // The client went away: closing the events cancels the upstream request; an unfinished response is not stored.
            errorType = "client_disconnected";
        } finally {
            call.firstTokenAt(firstEvent);
            call.finish(routed.offering(), stream == null ? null : stream.usage(), relayed, 200, errorType);
        }
    }

    /** A stream answer to a request that did not ask to stream: gathered, then sent whole. */
    private void collect(ServerResponse res, ObjectNode response, EventStream events, Routed routed, CallMeter.Call call, Saver saver) {
        ResponseStream stream = new ResponseStream(json, objects, response, null);
        long relayed = 0;
        String errorType = null;
        ApiException failure = null;
        try (events) {
            while (true) {
                byte[] event = events.next();
                if (event == null) {
                    break;
                }
                JsonNode chunk = chunk(event);
                if (chunk == null) {
                    failure = ApiException.upstream("Provider '" + routed.offering().providerId() + "' sent an event that is not JSON.", "upstream_failed");
                    break;
                }
                relayed++;
                stream.chunk(chunk);
            }
            if (failure == null) {
                stream.complete(call.estimate(relayed), System.currentTimeMillis() / 1000, saver::save);
            }
        } catch (UpstreamException e) {
            failure = ChatRelay.midStreamError(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            call.finish(routed.offering(), stream.usage(), relayed, failure == null ? 200 : failure.status(), failure == null ? null : failure.type());
        }
        if (failure != null) {
            throw failure;
        }
        res.header(JSON);
        res.send(response.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * The answer of an upstream that speaks the Responses API itself, relayed as it came (event by event
     * for a stream) with the hub's response id and model in it; its usage is metered and it is stored.
     */
    private void passedThrough(ServerResponse res, ResponsesRequest request, ObjectNode started, Routed routed,
                               CallMeter.Call call, Saver saver) {
        String id = started.path("id").asText();
        if (routed.reply() instanceof UpstreamReply.Complete c) {
            JsonNode answer = read(c.body());
            if (!(answer instanceof ObjectNode response)) {
                call.finish(routed.offering(), c.usage(), 0, 502, "upstream_error");
                throw ApiException.upstream("Provider '" + routed.offering().providerId() + "' answered with a body that is not a Response object.", "upstream_failed");
            }
            passthrough.rewrite(response, id, request);
            call.finish(routed.offering(), Passthrough.usage(response), 0, 200, null);
            saver.save(response);
            res.header(JSON);
            res.send(response.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        EventStream events = ((UpstreamReply.Streaming) routed.reply()).events();
        OutputStream out = null;
        long relayed = 0;
        long firstEvent = 0;
        int sequence = -1;
        String errorType = null;
        int status = 200;
        ObjectNode last = started;
        ObjectNode finished = null;
        TokenUsage usage = null;
        try (events) {
            // Inside the try, as in stream(): a failure taking the output still closes the events.
            if (request.stream()) {
                res.header(SSE);
                res.header(NO_CACHE);
                out = res.outputStream();
            }
            while (true) {
                byte[] event;
                ApiException failure = null;
                JsonNode node = null;
                try {
                    event = events.next();
                    if (event == null) {
                        break;
                    }
                    node = chunk(event);
                    if (node == null) {
                        failure = ApiException.upstream("Provider '" + routed.offering().providerId() + "' sent an event that is not JSON.", "upstream_failed");
                    }
                } catch (UpstreamException e) {
                    failure = ChatRelay.midStreamError(e);
                }
                if (failure != null) {
                    errorType = failure.type();
                    if (out == null) {
                        status = failure.status();
                        throw failure;
                    }
                    finished = failPassedThrough(out, last, sequence, failure, saver);
                    break;
                }
                if (firstEvent == 0) {
                    firstEvent = System.nanoTime();
                }
                relayed++;
                String type = node.path("type").asText();
                if (node.get("response") instanceof ObjectNode r) {
                    passthrough.rewrite(r, id, request);
                    last = r;
                    if (type.equals("response.completed") || type.equals("response.incomplete") || type.equals("response.failed")) {
                        finished = r;
                        usage = Passthrough.usage(r);
                        if (out != null) {
                            saver.save(r);
                        }
                    }
                }
                sequence = node.path("sequence_number").asInt(sequence + 1);
                if (out != null) {
                    ResponseStream.write(out, type, json.writeValueAsBytes(node));
                    out.flush();
                }
            }
            if (out != null) {
                out.close();
            }
        } catch (IOException | UncheckedIOException | CloseConnectionException e) {
            errorType = "client_disconnected";
            finished = null;
        } finally {
            call.firstTokenAt(firstEvent);
            call.finish(routed.offering(), usage, relayed, status, errorType);
        }
        if (out == null) {
            if (finished == null) {
                throw ApiException.upstream("Provider '" + routed.offering().providerId() + "' ended its stream without a finished response.", "upstream_failed");
            }
            saver.save(finished);
            res.header(JSON);
            res.send(finished.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** Ends a passed-through stream whose upstream failed: {@code error}, then {@code response.failed} with the last state seen. */
    private ObjectNode failPassedThrough(OutputStream out, ObjectNode last, int sequence, ApiException failure, Saver saver) throws IOException {
        ObjectNode error = json.createObjectNode();
        error.put("type", "error");
        error.put("code", failure.code());
        error.put("message", failure.getMessage());
        error.putNull("param");
        error.put("sequence_number", sequence + 1);
        ResponseStream.write(out, "error", json.writeValueAsBytes(error));
        JsonNode output = last.path("output");
        ObjectNode failed = objects.fail(last.deepCopy(), output.isArray() ? (ArrayNode) output.deepCopy() : json.createArrayNode(), failure.getMessage());
        saver.save(failed);
        ObjectNode event = json.createObjectNode();
        event.put("type", "response.failed");
        event.set("response", failed);
        event.put("sequence_number", sequence + 2);
        ResponseStream.write(out, "response.failed", json.writeValueAsBytes(event));
        out.flush();
        return failed;
    }

    /** A whole chat answer sent as a Responses stream (an upstream that does not stream). */
    private void streamWhole(ServerResponse res, ObjectNode response, JsonNode answer, TokenUsage usage, Saver saver) {
        res.header(SSE);
        res.header(NO_CACHE);
        OutputStream out = res.outputStream();
        ResponseStream stream = new ResponseStream(json, objects, response, out);
        try {
            stream.start();
            stream.chunk(asChunk(answer));
            stream.complete(usage, System.currentTimeMillis() / 1000, saver::save);
            out.close();
        } catch (IOException | UncheckedIOException | CloseConnectionException e) {
            // the client went away; the answer was whole, so nothing upstream is left to cancel
        }
    }

    /** A chat completion body as one chunk: its message as the delta, tool calls indexed. */
    private ObjectNode asChunk(JsonNode answer) {
        ObjectNode chunk = json.createObjectNode();
        ObjectNode choice = chunk.putArray("choices").addObject();
        JsonNode message = answer.path("choices").path(0).path("message");
        ObjectNode delta = choice.putObject("delta");
        if (message.path("content").isTextual()) {
            delta.put("content", message.path("content").asText());
        }
        if (message.path("refusal").isTextual()) {
            delta.put("refusal", message.path("refusal").asText());
        }
        ArrayNode calls = delta.putArray("tool_calls");
        int i = 0;
        for (JsonNode tc : message.path("tool_calls")) {
            ObjectNode c = ((ObjectNode) tc.deepCopy()).put("index", i++);
            calls.add(c);
        }
        choice.set("finish_reason", answer.path("choices").path(0).path("finish_reason"));
        return chunk;
    }

    private JsonNode chunk(byte[] event) {
        try {
            JsonNode node = json.readTree(event);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private JsonNode read(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored response is not JSON", e);
        }
    }

    private JsonNode read(byte[] body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw ApiException.upstream("The provider answered with a body that is not JSON.", "upstream_failed");
        }
    }

    /** Stores a finished response when the request asked for it ({@code store}, true by default). */
    private final class Saver {
        private final Principal caller;
        private final ResponsesRequest request;
        private final ArrayNode context;
        private final long createdAt;

        Saver(Principal caller, ResponsesRequest request, ArrayNode context, long createdAt) {
            this.caller = caller;
            this.request = request;
            this.context = context;
            this.createdAt = createdAt;
        }

        void save(ObjectNode response) {
            if (!request.store()) {
                return;
            }
            try {
                store.save(new ResponseStore.Stored(response.path("id").asText(), caller.keyId(), request.model(),
                        response.path("status").asText(), createdAt, context.toString(), response.toString()), request.previousResponseId());
            } catch (RuntimeException e) {
                // The client has (or is about to get) its answer; a store failure must not take it away.
                LOG.log(System.Logger.Level.ERROR, "could not store response " + response.path("id").asText(), e);
            }
        }
    }
}
