package io.modelhub.routing;

import io.modelhub.catalog.Offering;
import io.modelhub.providers.UpstreamException;

/** Told how each upstream call ended, once per call; the breakers and the measurements listen. */
interface CallListener {
    /**
     * The call succeeded. {@code firstEventNanos}: time to the first event (a whole answer: its full
     * time); {@code completionTokens} from the upstream's usage (0 when it gave none) produced in
     * {@code generationNanos}.
     */
    void succeeded(Offering offering, long firstEventNanos, long completionTokens, long generationNanos);

    /** The call failed, before or after its first event. */
    void failed(Offering offering, UpstreamException e);

    /** The hub stopped the call itself (the client went away): nothing is learnt about the upstream. */
    void abandoned(Offering offering);

    /** One listener that tells each of these in turn. */
    static CallListener all(CallListener... listeners) {
        return new CallListener() {
            @Override
            public void succeeded(Offering offering, long firstEventNanos, long completionTokens, long generationNanos) {
                for (CallListener l : listeners) {
                    l.succeeded(offering, firstEventNanos, completionTokens, generationNanos);
                }
            }

            @Override
            public void failed(Offering offering, UpstreamException e) {
                for (CallListener l : listeners) {
                    l.failed(offering, e);
                }
            }

            @Override
            public void abandoned(Offering offering) {
                for (CallListener l : listeners) {
                    l.abandoned(offering);
                }
            }
        };
    }
}
