package io.modelhub.providers;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelhub.catalog.ProviderInfo;
import io.modelhub.config.KindSettings;
import io.modelhub.providers.http.ProxyConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * One wire protocol the hub speaks to upstreams ({@code kind:} in a provider's configuration): the
 * settings its configuration may carry beyond the common ones, its default base URL, and how to
 * build its {@link Provider}. Config validation, the catalog and the factory all read these from
 * {@link ProviderKinds}.
 *
 * @param settings       config fields only this kind reads (e.g. {@code version}, {@code region})
 * @param secretSettings those of {@code settings} that are credentials, never printed
 * @param defaultBaseUrl the base URL when the configuration gives none, from the kind's settings (bedrock's
 *                       depends on its region); returning null means {@code base_url} is required
 * @param network        false for the built-in sandbox, which needs no base URL and no key
 * @param keyEnv         environment variables holding the kind's API key, tried in order when a provider
 *                       of this kind has neither {@code api_key} nor a set {@code api_key_env}
 */
public record ProviderKind(String name, Set<String> settings, Set<String> secretSettings,
                           Function<KindSettings, String> defaultBaseUrl, boolean network, Factory factory, List<String> keyEnv) {

    /** A kind with no API key variables of its own. */
    public ProviderKind(String name, Set<String> settings, Set<String> secretSettings,
                        Function<KindSettings, String> defaultBaseUrl, boolean network, Factory factory) {
        this(name, settings, secretSettings, defaultBaseUrl, network, factory, List.of());
    }

    /** A default base URL that does not depend on the settings (null: none). */
    public static Function<KindSettings, String> fixed(String url) {
        return settings -> url;
    }

    /** What every provider may use when it is built. */
    public record Context(ObjectMapper json, Duration sandboxTokenDelay, ProxyConfig proxies) {}

    /** Builds the live provider of one catalog entry; throws IllegalArgumentException for a setting it cannot use. */
    @FunctionalInterface
    public interface Factory {
        Provider create(ProviderInfo info, Context context);
    }
}
