package io.modelhub.api;

import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.OptionalLong;

/** Reads a request body, refusing (413) anything over the configured limit before reading it all. */
public final class Bodies {
    private final long maxBytes;

    public Bodies(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public byte[] read(ServerRequest req) {
        OptionalLong declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > maxBytes) {
            throw tooLarge();
        }
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            // With a declared length, read exactly that into one array; otherwise read up to one byte past the limit.
            int want = declared.isPresent() ? (int) declared.getAsLong() : (int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1);
            byte[] body = in.readNBytes(want);
            if (body.length > maxBytes) {
                throw tooLarge();
            }
            RequestFacts.body(body);
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ApiException tooLarge() {
        return ApiException.tooLarge("The request body is larger than the limit of " + maxBytes + " bytes.");
    }
}
