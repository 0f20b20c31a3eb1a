package io.modelhub.catalog;

import io.modelhub.config.HubConfig;
import io.modelhub.config.Secret;

/**
 * A compute provider the hub can call: where it is, which wire protocol it speaks and with which key.
 * The key is a {@link Secret} so that printing this record cannot leak it.
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
        String source) {}
