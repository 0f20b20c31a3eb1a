package io.modelhub.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelhub.api.ApiException;
import io.modelhub.api.ChatRequest;
import io.modelhub.config.Operations;
import io.modelhub.providers.EventStream;
import io.modelhub.providers.UpstreamException;
import io.modelhub.providers.UpstreamReply;
import io.modelhub.usage.TokenUsage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The response cache: answers to chat requests kept by the request's exact normalised content (model,
 * messages, tools, every parameter; not whether it streams), so a repeated request is answered without an
 * upstream call. A request opts in with {@code x-modelhub-cache: use} (or its key does); only whole,
 * successful answers are kept, and a cached answer is served as JSON or replayed as a stream, whichever the
 * request asks for. In process (Caffeine) or, with Redis, shared by every node.
 */
public final class ResponseCache implements AutoCloseable {
    public static final HeaderName HEADER = HeaderNames.create("x-modelhub-cache");
    /** Fields that change how an answer is delivered, not what it says. */
    private static final Set<String> DELIVERY_FIELDS = Set.of("stream", "stream_options");

    private final ObjectMapper json;
    private final AnswerStore store;
    private final Counter hits;
    private final Counter misses;
    private final Counter stored;
    private final Set<String> keys;
    private final Set<String> models;

    /** A cached answer: the provider that gave it, the completion, and the usage it reports. */
    public record Cached(String provider, ObjectNode completion, byte[] body, TokenUsage usage) {}

    private final java.util.function.Predicate<String> keyOptsIn;

    private ResponseCache(ObjectMapper json, AnswerStore store, MeterRegistry registry, Operations.Cache settings,
                          java.util.function.Predicate<String> keyOptsIn) {
        this.keyOptsIn = keyOptsIn;
        this.json = json;
        this.store = store;
        this.keys = settings.keys();
        this.models = settings.models();
        this.hits = lookups(registry, "hit");
        this.misses = lookups(registry, "miss");
        this.stored = store == null ? null : Counter.builder("modelhub.cache.stores").description("Answers put in the response cache").register(registry);
    }

    private Counter lookups(MeterRegistry registry, String result) {
        return store == null ? null : Counter.builder("modelhub.cache.lookups").description("Response cache lookups by result")
                .tag("result", result).register(registry);
    }

    /** The cache the settings ask for: Redis when {@code redis} is given, else in process; off when not enabled. */
    public static ResponseCache create(Operations.Cache settings, RedisClient redis, ObjectMapper json, MeterRegistry registry) {
        return create(settings, redis, json, registry, keyId -> false);
    }

    /** As above; {@code keyOptsIn} says whether a key carries {@code "cache": true} (every call of it opts in). */
    public static ResponseCache create(Operations.Cache settings, RedisClient redis, ObjectMapper json, MeterRegistry registry,
                                       java.util.function.Predicate<String> keyOptsIn) {
        if (!settings.enabled()) {
            return new ResponseCache(json, null, registry, settings, keyOptsIn);
        }
        AnswerStore store = redis != null ? new AnswerStore.Redis(redis, settings.ttl())
                : new AnswerStore.InProcess(settings.ttl(), settings.maxEntries());
        return new ResponseCache(json, store, registry, settings, keyOptsIn);
    }

    public boolean enabled() {
        return store != null;
    }

    /**
     * The cache key of {@code request} when it opts in (header {@code x-modelhub-cache: use}, or its key or
     * model is listed in {@code cache.keys} / {@code cache.models}) and the cache is on; null otherwise.
     * A header value other than {@code use} is a 400.
     */
    public String keyFor(ServerRequest req, ChatRequest request, String providerHeader, String keyId) {
        if (store == null) {
            // Off: nothing to look up, and the header is ignored (docs/operations.md).
            return null;
        }
        String header = req.headers().first(HEADER).orElse(null);
        if (header != null && !header.trim().equalsIgnoreCase("use")) {
            throw ApiException.badRequest("Invalid value for header 'x-modelhub-cache': '" + header
                    + "'. The only value a request sends is 'use' (answer from the response cache when it can).",
                    "x-modelhub-cache", "invalid_value");
        }
        if ((header == null && !(keyId != null && (keys.contains(keyId) || keyOptsIn.test(keyId)))
                && !models.contains(request.model()))) {
            return null;
        }
        return key(request.body(), providerHeader);
    }

    /** SHA-256 over the body with its fields sorted at every depth and the delivery fields left out, plus the provider steering header. */
    String key(ObjectNode body, String providerHeader) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), sha);
                 JsonGenerator g = json.getFactory().createGenerator(sink)) {
                g.writeStartArray();
                g.writeString(providerHeader == null ? "" : providerHeader);
                canonical(g, body, true);
                g.writeEndArray();
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void canonical(JsonGenerator g, JsonNode node, boolean top) throws IOException {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String n = it.next();
                if (!(top && DELIVERY_FIELDS.contains(n))) {
                    names.add(n);
                }
            }
            names.sort(null);
            g.writeStartObject();
            for (String n : names) {
                g.writeFieldName(n);
                canonical(g, node.get(n), false);
            }
            g.writeEndObject();
        } else if (node.isArray()) {
            g.writeStartArray();
            for (JsonNode e : node) {
                canonical(g, e, false);
            }
            g.writeEndArray();
        } else {
            g.writeTree(node);
        }
    }

    /** The answer cached under {@code key}, or null; counted as a hit or a miss. */
    public Cached find(String key) {
        byte[] raw;
        try {
            raw = store.get(key);
        } catch (RuntimeException e) {
            // The cache is an optimisation: Redis unreachable is a miss, never a failed request.
            unavailable(e);
            misses.increment();
            return null;
        }
        if (raw == null) {
            misses.increment();
            return null;
        }
        try {
            JsonNode entry = json.readTree(raw);
            ObjectNode completion = (ObjectNode) entry.get("completion");
            JsonNode u = completion.path("usage");
            TokenUsage usage = new TokenUsage(u.path("prompt_tokens").asLong(0), u.path("completion_tokens").asLong(0));
            hits.increment();
            return new Cached(entry.path("provider").asText(null), completion, json.writeValueAsBytes(completion), usage);
        } catch (IOException | ClassCastException | NullPointerException e) {
            // An entry this version cannot read (another version wrote it): a miss, and it will be overwritten.
            misses.increment();
            return null;
        }
    }

    /** Caches a whole answer that {@code provider} gave; a body that is not a completion with choices is not kept. */
    public void put(String key, String provider, byte[] completionBody) {
        try {
            JsonNode completion = json.readTree(completionBody);
            if (completion.isObject() && completion.path("choices").isArray() && !completion.path("choices").isEmpty()) {
                put(key, provider, (ObjectNode) completion);
            }
        } catch (IOException e) {
            // not JSON: nothing to cache
        }
    }

    private void put(String key, String provider, ObjectNode completion) {
        ObjectNode entry = json.createObjectNode();
        entry.put("provider", provider);
        entry.set("completion", completion);
        try {
            store.put(key, json.writeValueAsBytes(entry));
            stored.increment();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            unavailable(e);
        }
    }

    private static void unavailable(RuntimeException e) {
        System.getLogger("io.modelhub").log(System.Logger.Level.WARNING, "response cache unavailable: " + e.getMessage());
    }

    /** {@code events} as they pass; when the stream ends whole, the answer it amounts to is cached under {@code key}. */
    public EventStream recording(String key, String provider, EventStream events) {
        StreamedAnswer answer = new StreamedAnswer(json);
        return new EventStream() {
            @Override
            public byte[] next() throws UpstreamException {
                byte[] event = events.next();
                if (event == null) {
                    ObjectNode completion = answer.completion();
                    if (completion != null) {
                        put(key, provider, completion);
                    }
                } else {
                    answer.add(event);
                }
                return event;
            }

            @Override
            public io.modelhub.usage.TokenUsage usage() {
                return events.usage();
            }

            @Override
            public String finishReason() {
                return events.finishReason();
            }

            @Override
            public boolean usageOnly() {
                return events.usageOnly();
            }

            @Override
            public void close() {
                events.close();
            }
        };
    }

    /** A cached answer as a whole reply. */
    public UpstreamReply.Complete complete(Cached cached) {
        return new UpstreamReply.Complete(cached.body(), cached.usage());
    }

    /** A cached answer replayed as the events of a stream (its usage chunk last; the relay shows it only when asked). */
    public EventStream events(Cached cached) {
        Iterator<byte[]> chunks = StreamedAnswer.chunks(json, cached.completion(), true).iterator();
        String finish = cached.completion().path("choices").path(0).path("finish_reason").asText(null);
        return new EventStream() {
            private boolean last;

            @Override
            public byte[] next() {
                byte[] chunk = chunks.hasNext() ? chunks.next() : null;
                last = chunk != null && !chunks.hasNext();
                return chunk;
            }

            @Override
            public io.modelhub.usage.TokenUsage usage() {
                return cached.usage();
            }

            @Override
            public String finishReason() {
                return finish;
            }

            /** The replayed answer's last chunk is its usage chunk, shown only to a client that asked for it. */
            @Override
            public boolean usageOnly() {
                return last;
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
        }
    }
}
