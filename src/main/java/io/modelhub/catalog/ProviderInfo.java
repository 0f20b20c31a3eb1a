package io.modelhub.catalog;

import io.modelhub.config.HubConfig;
import io.modelhub.config.KindSettings;
import io.modelhub.config.Secret;

/**
 * A compute provider the hub can call: where it is, which wire protocol it speaks and with which key.
 * The key is a {@link Secret} so that printing this record cannot leak it; {@code settings} are those
 * only its kind reads (never null).
 */
public record ProviderInfo(
        String id,
        String name,
        String kind,
        String baseUrl,
        Secret apiKey,
        boolean local,
        boolean discover,
        HubConfig.Timeouts timeouts,
        String docs,
        String source,
        KindSettings settings) {
    public ProviderInfo {
        settings = settings == null ? KindSettings.NONE : settings;
    }

    public ProviderInfo(String id, String name, String kind, String baseUrl, Secret apiKey, boolean local, boolean discover,
                        HubConfig.Timeouts timeouts, String docs, String source) {
        this(id, name, kind, baseUrl, apiKey, local, discover, timeouts, docs, source, KindSettings.NONE);
    }
}
