package io.modelhub.providers.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Reads the AWS event-stream binary framing ({@code application/vnd.amazon.eventstream}) that Bedrock's
 * ConverseStream answers with. Each message is: total length (4 bytes, big-endian), headers length (4),
 * CRC-32 of those 8 bytes (4), the headers, the payload, and the CRC-32 of everything before it (4).
 * A header is: name length (1), name, value type (1), value; strings (type 7) have a 2-byte length.
 * Both checksums are verified: a damaged frame is a protocol error, never a silently wrong answer.
 */
public final class AwsEventStream {
    private static final int PRELUDE = 12;
    private static final int MAX_MESSAGE = 16 * 1024 * 1024;

    /** One message: its string headers ({@code :message-type}, {@code :event-type}, {@code :exception-type}...) and payload. */
    public record Message(Map<String, String> headers, byte[] payload) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    private final InputStream in;

    public AwsEventStream(InputStream in) {
        this.in = in;
    }

    /** The next message, or null when the body ends between messages. */
    public Message next() throws IOException {
        byte[] prelude = new byte[PRELUDE];
        int got = in.readNBytes(prelude, 0, PRELUDE);
        if (got == 0) {
            return null;
        }
        if (got < PRELUDE) {
            throw new EOFException("the event stream ended inside a message prelude");
        }
        int total = intAt(prelude, 0);
        int headersLength = intAt(prelude, 4);
        CRC32 crc = new CRC32();
        crc.update(prelude, 0, 8);
        if ((int) crc.getValue() != intAt(prelude, 8)) {
            throw new IOException("event stream prelude checksum mismatch");
        }
        if (total < PRELUDE + 4 || total > MAX_MESSAGE || headersLength < 0 || headersLength > total - PRELUDE - 4) {
            throw new IOException("event stream message has impossible lengths (" + total + ", " + headersLength + ")");
        }
        byte[] rest = in.readNBytes(total - PRELUDE);
        if (rest.length < total - PRELUDE) {
            throw new EOFException("the event stream ended inside a message");
        }
        crc.update(prelude, 8, 4);
        crc.update(rest, 0, rest.length - 4);
        if ((int) crc.getValue() != intAt(rest, rest.length - 4)) {
            throw new IOException("event stream message checksum mismatch");
        }
        Map<String, String> headers = headers(rest, headersLength);
        byte[] payload = java.util.Arrays.copyOfRange(rest, headersLength, rest.length - 4);
        return new Message(headers, payload);
    }

    private static Map<String, String> headers(byte[] b, int length) throws IOException {
        Map<String, String> out = new HashMap<>(4);
        int i = 0;
        while (i < length) {
            int nameLength = b[i++] & 0xff;
            String name = new String(b, i, nameLength, StandardCharsets.UTF_8);
            i += nameLength;
            int type = b[i++] & 0xff;
            switch (type) {
                case 0, 1 -> out.put(name, Boolean.toString(type == 0)); // bool true / false: no value bytes
                case 2 -> i += 1;
                case 3 -> i += 2;
                case 4 -> i += 4;
                case 5, 8 -> i += 8; // long, timestamp
                case 9 -> i += 16; // uuid
                case 6, 7 -> {
                    int len = ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
                    i += 2;
                    if (type == 7) {
                        out.put(name, new String(b, i, len, StandardCharsets.UTF_8));
                    }
                    i += len;
                }
                default -> throw new IOException("event stream header '" + name + "' has unknown type " + type);
            }
            if (i > length) {
                throw new IOException("event stream headers overrun their length");
            }
        }
        return out;
    }

    private static int intAt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
