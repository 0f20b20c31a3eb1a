package io.modelhub.responses;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ids in OpenAI's style: {@code resp_} for a response, {@code msg_}, {@code fc_} and {@code fco_} for its
 * items. A response id is not a secret (reads also check the owner) but is drawn from a secure source
 * so that ids never repeat across nodes.
 */
final class ItemIds {
    private static final HexFormat HEX = HexFormat.of();
    private final SecureRandom secure = new SecureRandom();

    String response() {
        byte[] b = new byte[24];
        secure.nextBytes(b);
        return "resp_" + HEX.formatHex(b);
    }

    String message() {
        return "msg_" + random();
    }

    String functionCall() {
        return "fc_" + random();
    }

    String functionCallOutput() {
        return "fco_" + random();
    }

    private static String random() {
        byte[] b = new byte[20];
        ThreadLocalRandom.current().nextBytes(b);
        return HEX.formatHex(b);
    }
}
