package io.modelhub.api;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;

/** The hub's own response headers. */
public final class Headers {
    private Headers() {}

    public static final HeaderName PROVIDER = HeaderNames.create("x-modelhub-provider");
    public static final HeaderName ATTEMPTS = HeaderNames.create("x-modelhub-attempts");
    public static final HeaderName DROPPED_PARAMS = HeaderNames.create("x-modelhub-dropped-params");
}
