package io.modelhub.config;

/** A credential read from configuration. Its {@code toString} never shows the value, so logs cannot leak it. */
public record Secret(String value) {
    public static Secret ofNullable(String value) {
        return value == null || value.isBlank() ? null : new Secret(value);
    }

    @Override
    public String toString() {
        return "[secret]";
    }
}
