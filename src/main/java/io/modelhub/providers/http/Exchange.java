package io.modelhub.providers.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.util.Locale;
import java.util.Map;

/**
 * One request's response: status, the few headers the hub reads, and the body as a stream. Closing it
 * after the body was read to the end returns the connection to the pool; closing it earlier closes the
 * connection, which is how an upstream request is cancelled.
 */
public final class Exchange implements AutoCloseable {
    private final HttpPool pool;
    private final Connection connection;
    private final int status;
    private final Map<String, String> headers;
    private final Body body;
    private final boolean keepAlive;
    private boolean closed;

    Exchange(HttpPool pool, Connection connection, int status, Map<String, String> headers, boolean keepAlive) throws IOException {
        this.pool = pool;
        this.connection = connection;
        this.status = status;
        this.headers = headers;
        this.keepAlive = keepAlive;
        String te = headers.get("transfer-encoding");
        String cl = headers.get("content-length");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            this.body = new Body(connection, -1, true);
        } else if (cl != null) {
            long length;
            try {
                length = Long.parseLong(cl.trim());
            } catch (NumberFormatException e) {
                throw new IOException("bad Content-Length '" + cl + "'");
            }
            this.body = new Body(connection, length, false);
        } else if (status == 204 || status == 304 || status / 100 == 1) {
            this.body = new Body(connection, 0, false);
        } else {
            this.body = new Body(connection, Long.MAX_VALUE, false);
        }
    }

    public int status() {
        return status;
    }

    /** A response header by lower-case name, or null. */
    public String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    public InputStream body() {
        return body;
    }

    /** Stops busy-waiting for body bytes (a stream's events come at the model's pace, not the network's). */
    public void noSpin() {
        connection.spin(0);
    }

    /** Changes how long a read of the body may wait for bytes (e.g. first chunk vs between chunks). */
    public void readTimeout(int millis) throws SocketException {
        connection.readTimeout(millis);
    }

    /**
     * Closes the connection from another thread, ending a read blocked on it (the idle timeout of a
     * stream); the reading thread's own {@link #close} still ends the exchange.
     */
    void abort() {
        connection.close();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pool.ended();
        if (keepAlive && body.complete() && !connection.hasBufferedBytes()) {
            pool.release(connection);
        } else {
            connection.close();
        }
    }

    /** The body: Content-Length delimited, chunked, or until the connection closes. */
    private static final class Body extends InputStream {
        private final Connection c;
        private final boolean chunked;
        private long remaining;
        private boolean eof;
        private final StringBuilder line = new StringBuilder(16);

        Body(Connection c, long length, boolean chunked) {
            this.c = c;
            this.chunked = chunked;
            this.remaining = chunked ? 0 : length;
            this.eof = !chunked && length == 0;
        }

        boolean complete() {
            return eof && remaining != Long.MAX_VALUE;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] dst, int off, int len) throws IOException {
            if (eof) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            if (chunked && remaining == 0) {
                long size = nextChunkSize();
                if (size == 0) {
                    // Trailers (usually none) end with an empty line.
                    while (!c.readLine(line).isEmpty()) {
                        // skip trailer fields
                    }
                    eof = true;
                    return -1;
                }
                remaining = size;
            }
            int n = c.read(dst, off, (int) Math.min(len, remaining));
            if (n < 0) {
                if (!chunked && remaining == Long.MAX_VALUE) {
                    eof = true;
                    return -1;
                }
                throw new IOException("connection closed before the end of the response body");
            }
            if (remaining != Long.MAX_VALUE) {
                remaining -= n;
            }
            if (remaining == 0) {
                if (chunked) {
                    c.readLine(line); // the CRLF after the chunk data
                } else {
                    eof = true;
                }
            }
            return n;
        }

        private long nextChunkSize() throws IOException {
            String l = c.readLine(line);
            int semi = l.indexOf(';');
            String hex = (semi >= 0 ? l.substring(0, semi) : l).trim();
            try {
                return Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size '" + hex + "'");
            }
        }
    }
}
