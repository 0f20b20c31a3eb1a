package io.modelhub.providers.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;

/**
 * One keep-alive HTTP/1.1 connection to an upstream, with its own read buffer so that the status
 * line, headers and body are parsed from the same bytes without copying through layered streams.
 */
final class Connection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    // 4 KiB: one per pooled connection and per open stream, so it is kept small. It holds response heads
    // and SSE chunks (a few hundred bytes each); a large body bypasses it (see read).
    private final byte[] buf = new byte[4096];
    private int pos;
    private int lim;
    private long idleSinceNanos;
    private boolean reused;
    private int readTimeoutMs = -1;
    private long spinNanos;

    Connection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    void write(byte[] head, byte[] body) throws IOException {
        if (head.length + body.length <= 32768) {
            // One write, one segment: header and body leave together.
            byte[] all = new byte[head.length + body.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(body, 0, all, head.length, body.length);
            out.write(all);
        } else {
            out.write(head);
            out.write(body);
        }
        out.flush();
    }

    /**
     * How long the next reads may busy-wait for bytes before blocking. On a virtual thread a blocking
     * read that finds nothing parks, and the wake-up (poller thread, then a carrier thread) costs tens
     * of microseconds; a loopback or LAN upstream often answers sooner than that.
     */
    void spin(long nanos) {
        this.spinNanos = nanos;
    }

    private void spinUntilReadable() throws IOException {
        long deadline = System.nanoTime() + spinNanos;
        while (in.available() == 0) {
            if (System.nanoTime() - deadline > 0) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    void readTimeout(int millis) throws SocketException {
        // Most calls of a provider use the same timeout; setting it again costs a system call.
        if (millis != readTimeoutMs) {
            socket.setSoTimeout(millis);
            readTimeoutMs = millis;
        }
    }

    /** Fills the buffer if it is empty; false at end of stream. */
    private boolean fill() throws IOException {
        if (pos < lim) {
            return true;
        }
        if (spinNanos > 0) {
            spinUntilReadable();
        }
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        lim = n;
        return true;
    }

    /** Reads one CRLF-terminated line as ASCII text (status line, header, chunk size). */
    String readLine(StringBuilder sb) throws IOException {
        sb.setLength(0);
        while (true) {
            if (!fill()) {
                throw new EOFException("connection closed in the middle of the response head");
            }
            while (pos < lim) {
                byte b = buf[pos++];
                if (b == '\n') {
                    int n = sb.length();
                    if (n > 0 && sb.charAt(n - 1) == '\r') {
                        sb.setLength(n - 1);
                    }
                    return sb.toString();
                }
                if (sb.length() > 65536) {
                    throw new IOException("response line longer than 64 KiB");
                }
                sb.append((char) (b & 0xff));
            }
        }
    }

    /** Reads up to {@code len} bytes; -1 at end of stream. */
    int read(byte[] dst, int off, int len) throws IOException {
        if (pos == lim && len >= buf.length) {
            // Nothing buffered and a large read: straight into the caller's array, no copy through buf.
            if (spinNanos > 0) {
                spinUntilReadable();
            }
            return in.read(dst, off, len);
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, lim - pos);
        System.arraycopy(buf, pos, dst, off, n);
        pos += n;
        return n;
    }

    int readByte() throws IOException {
        if (!fill()) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    /** Whether bytes beyond the current response are already buffered (the peer broke protocol). */
    boolean hasBufferedBytes() {
        return pos < lim;
    }

    void markIdle() {
        idleSinceNanos = System.nanoTime();
        reused = true;
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    /** Whether this connection served a request before (a failure on it may just mean the server closed it while idle). */
    boolean reused() {
        return reused;
    }

    boolean isOpen() {
        return !socket.isClosed();
    }

    /**
     * Whether the peer has closed (or broken) this idle connection: a read that waits at most 1 ms finds
     * end of stream, an error, or bytes no request asked for. Only for a connection no exchange is using.
     */
    boolean peerClosed() {
        if (socket.isClosed() || pos < lim) {
            return true;
        }
        try {
            readTimeout(1);
            return in.read(buf, 0, buf.length) != 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a broken socket may fail; it is gone either way
        }
    }
}
