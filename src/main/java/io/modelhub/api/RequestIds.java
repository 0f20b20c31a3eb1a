package io.modelhub.api;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerResponse;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Gives every response an {@code x-request-id}: the client's own if it sent a sane one, else a new one.
 * Handlers read it back from the response headers.
 */
public final class RequestIds implements Filter {
    public static final HeaderName HEADER = HeaderNames.create("x-request-id");
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String id = req.headers().first(HEADER).filter(RequestIds::acceptable).orElseGet(RequestIds::newId);
        res.header(HEADER, id);
        chain.proceed();
    }

    /** The id this response carries. */
    public static String of(ServerResponse res) {
        return res.headers().first(HEADER).orElse(null);
    }

    /** Whether a client's own request id is short and printable enough to echo. */
    public static boolean acceptable(String id) {
        if (id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** A new request id, {@code req_} and 16 hex digits. */
    public static String newId() {
        long r = ThreadLocalRandom.current().nextLong();
        char[] out = new char[20];
        out[0] = 'r';
        out[1] = 'e';
        out[2] = 'q';
        out[3] = '_';
        for (int i = 0; i < 16; i++) {
            out[4 + i] = HEX[(int) (r >>> (60 - 4 * i)) & 0xf];
        }
        return new String(out);
    }
}
