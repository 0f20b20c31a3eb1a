package io.modelhub.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh mock upstream and a hub in front of it for each test ({@code @RegisterExtension}): provider
 * {@code providerId} serves model {@code modelId} (see {@link TestHub#oneProvider}), with any extra YAML
 * put before it.
 */
public final class UpstreamAndHub implements BeforeEachCallback, AfterEachCallback {
    private final String providerId;
    private final String modelId;
    private final String extraYaml;
    private MockUpstream upstream;
    private TestHub hub;

    public UpstreamAndHub(String providerId, String modelId) {
        this(providerId, modelId, "");
    }

    public UpstreamAndHub(String providerId, String modelId, String extraYaml) {
        this.providerId = providerId;
        this.modelId = modelId;
        this.extraYaml = extraYaml;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        upstream = new MockUpstream();
        hub = TestHub.start(extraYaml + TestHub.oneProvider(providerId, upstream, modelId));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        hub.close();
        upstream.close();
    }

    public MockUpstream upstream() {
        return upstream;
    }

    public TestHub hub() {
        return hub;
    }
}
