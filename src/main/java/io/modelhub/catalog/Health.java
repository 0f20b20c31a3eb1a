package io.modelhub.catalog;

/**
 * The measured side of the catalog: provider status and offering stats, kept by {@code routing}
 * (which sees every call) and shown by the catalog endpoints.
 */
public interface Health {
    ProviderStatus status(String providerId);

    OfferingStats stats(Offering offering);

    /** Nothing measured yet: every provider healthy, every stat zero. */
    Health UNMEASURED = new Health() {
        @Override
        public ProviderStatus status(String providerId) {
            return ProviderStatus.HEALTHY;
        }

        @Override
        public OfferingStats stats(Offering offering) {
            return OfferingStats.NONE;
        }
    };
}
