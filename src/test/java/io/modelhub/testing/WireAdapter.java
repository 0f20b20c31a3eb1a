package io.modelhub.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A {@link Wire} that behaves like another except where a test overrides it (e.g. to misbehave). */
public class WireAdapter implements Wire {
    private final Wire inner;

    public WireAdapter(Wire inner) {
        this.inner = inner;
    }

    @Override
    public String kind() {
        return inner.kind();
    }

    @Override
    public String baseUrl(String origin) {
        return inner.baseUrl(origin);
    }

    @Override
    public String providerYaml(String id, MockUpstream mock) {
        return inner.providerYaml(id, mock);
    }

    @Override
    public boolean streams(String path, JsonNode body) {
        return inner.streams(path, body);
    }

    @Override
    public String model(String path, JsonNode body) {
        return inner.model(path, body);
    }

    @Override
    public String error(int status) {
        return inner.error(status);
    }

    @Override
    public String completion(String model, String text, JsonNode body) {
        return inner.completion(model, text, body);
    }

    @Override
    public String streamContentType() {
        return inner.streamContentType();
    }

    @Override
    public List<byte[]> streamStart(String model, JsonNode body) {
        return inner.streamStart(model, body);
    }

    @Override
    public List<byte[]> streamToken(String model, int i, String text, JsonNode body) {
        return inner.streamToken(model, i, text, body);
    }

    @Override
    public List<byte[]> streamEnd(String model, int tokens, JsonNode body) {
        return inner.streamEnd(model, tokens, body);
    }

    @Override
    public List<byte[]> partialStream(String model, int tokens, JsonNode body) {
        return inner.partialStream(model, tokens, body);
    }

    @Override
    public byte[] garbageEvent() {
        return inner.garbageEvent();
    }
}
