package io.modelhub.catalog;

import java.util.Map;

import io.modelhub.config.HubConfig;
import io.modelhub.config.KindSettings;
import io.modelhub.config.Secret;

/**
 * A compute provider the hub can call: where it is, which wire protocol it speaks and with which key.
 * The key is a {@link Secret} so that printing this record cannot leak it; {@code settings} are those
 * only its kind reads (never null).
 * {@code responses}: the upstream also speaks the OpenAI Responses API, and {@code /v1/responses} is passed
 * through to it. {@code headers} are sent on every upstream request (values are secrets).
 * {@code connections} caps its upstream exchanges in flight; null: no limit.
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
        KindSettings settings, boolean responses, Map<String, Secret> headers, HubConfig.Connections connections) {
    public ProviderInfo {
        settings = settings == null ? KindSettings.NONE : settings;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** A provider without a connection limit. */
    public ProviderInfo(String id, String name, String kind, String baseUrl, Secret apiKey, boolean local, boolean discover,
                        HubConfig.Timeouts timeouts, String docs, String source, KindSettings settings, boolean responses,
                        Map<String, Secret> headers) {
        this(id, name, kind, baseUrl, apiKey, local, discover, timeouts, docs, source, settings, responses, headers, null);
    }

    /** A provider without extra upstream headers. */
    public ProviderInfo(String id, String name, String kind, String baseUrl, Secret apiKey, boolean local, boolean discover,
                        HubConfig.Timeouts timeouts, String docs, String source, KindSettings settings, boolean responses) {
        this(id, name, kind, baseUrl, apiKey, local, discover, timeouts, docs, source, settings, responses, Map.of());
    }

    /** A provider that speaks only its own protocol (no Responses API pass-through). */
    public ProviderInfo(String id, String name, String kind, String baseUrl, Secret apiKey, boolean local, boolean discover,
                        HubConfig.Timeouts timeouts, String docs, String source, KindSettings settings) {
        this(id, name, kind, baseUrl, apiKey, local, discover, timeouts, docs, source, settings, false);
    }

    public ProviderInfo(String id, String name, String kind, String baseUrl, Secret apiKey, boolean local, boolean discover,
                        HubConfig.Timeouts timeouts, String docs, String source) {
        this(id, name, kind, baseUrl, apiKey, local, discover, timeouts, docs, source, KindSettings.NONE, false);
    }
}
