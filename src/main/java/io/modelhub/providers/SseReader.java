package io.modelhub.providers;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads Server-Sent Events from a byte stream without decoding text: returns the joined {@code data:}
 * payload of each event. Comments, {@code event:}, {@code id:} and {@code retry:} lines are skipped.
 * Holds at most one event (and one read buffer) in memory.
 */
public final class SseReader {
    private final InputStream in;
    // Small: it refills from the connection's own buffer (no system call), and one is held per open stream.
    private final byte[] buf = new byte[1024];
    private int pos;
    private int end;
    private byte[] line = new byte[512];
    private int lineLen;

    public SseReader(InputStream in) {
        this.in = in;
    }

    /** The next event's data, or null at end of stream. An event with no data lines is skipped. */
    public byte[] next() throws IOException {
        byte[] data = null;
        while (true) {
            if (!readLine()) {
                return data;
            }
            if (lineLen == 0) {
                if (data != null) {
                    return data;
                }
                continue;
            }
            if (startsWith("data:")) {
                int from = 5;
                if (lineLen > 5 && line[5] == ' ') {
                    from = 6;
                }
                byte[] chunk = Arrays.copyOfRange(line, from, lineLen);
                if (data == null) {
                    data = chunk;
                } else {
                    byte[] joined = Arrays.copyOf(data, data.length + 1 + chunk.length);
                    joined[data.length] = '\n';
                    System.arraycopy(chunk, 0, joined, data.length + 1, chunk.length);
                    data = joined;
                }
            }
            // other fields and ':' comments carry nothing the hub forwards
        }
    }

    private boolean startsWith(String prefix) {
        if (lineLen < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (line[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Reads one line (LF, CRLF or CR ended) into {@code line}; false at end of stream with nothing read. */
    private boolean readLine() throws IOException {
        lineLen = 0;
        boolean any = false;
        while (true) {
            if (pos == end) {
                end = in.read(buf, 0, buf.length);
                pos = 0;
                if (end <= 0) {
                    end = 0;
                    return any;
                }
            }
            any = true;
            byte b = buf[pos++];
            if (b == '\n') {
                return true;
            }
            if (b == '\r') {
                if (pos == end) {
                    end = in.read(buf, 0, buf.length);
                    pos = 0;
                    if (end <= 0) {
                        end = 0;
                        return true;
                    }
                }
                if (buf[pos] == '\n') {
                    pos++;
                }
                return true;
            }
            if (lineLen == line.length) {
                line = Arrays.copyOf(line, line.length * 2);
            }
            line[lineLen++] = b;
        }
    }
}
