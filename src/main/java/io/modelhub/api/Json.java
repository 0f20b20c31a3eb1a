package io.modelhub.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one way the hub configures Jackson. Each hub builds one mapper and shares it; mappers are thread-safe. */
public final class Json {
    /**
     * Buffer sets kept for reuse. Jackson's default pool keeps one set per thread; every request runs on a
     * new virtual thread, so that pool never reuses a set, allocates a new one (about 16 KiB) per request and
     * keeps it reachable as long as the thread lives: for a stream, its whole length. A bounded pool shared
     * by the mapper reuses them; a burst beyond its size allocates sets that are simply dropped afterwards.
     */
    static final int RECYCLED_BUFFER_SETS = 256;

    private Json() {}

    public static ObjectMapper newMapper() {
        JsonFactory factory = JsonFactory.builder()
                .recyclerPool(JsonRecyclerPools.newBoundedPool(RECYCLED_BUFFER_SETS))
                .build();
        return JsonMapper.builder(factory)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .build();
    }
}
