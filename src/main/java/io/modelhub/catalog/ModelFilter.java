package io.modelhub.catalog;

import java.util.Locale;
import java.util.Set;

/**
 * The filters of {@code GET /v1/models}: served by {@code provider}, having every one of {@code capabilities},
 * id or name containing {@code query} (any case), some offering priced at most {@code maxInputPrice} USD per
 * million input tokens, and a context of at least {@code minContext} tokens. Null means "no condition".
 */
public record ModelFilter(String provider, Set<Capability> capabilities, String query, Double maxInputPrice, Integer minContext) {
    public static final ModelFilter ALL = new ModelFilter(null, Set.of(), null, null, null);

    public ModelFilter {
        capabilities = capabilities == null ? Set.of() : Set.copyOf(capabilities);
        query = query == null || query.isEmpty() ? null : query.toLowerCase(Locale.ROOT);
    }

    public ModelFilter withProvider(String providerId) {
        return new ModelFilter(providerId, capabilities, query, maxInputPrice, minContext);
    }
}
