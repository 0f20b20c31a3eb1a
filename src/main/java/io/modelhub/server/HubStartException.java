package io.modelhub.server;

/**
 * The hub could not start for a reason the operator can fix: one line says which, and the process exits
 * with {@link #exitCode()} (2 for a configuration or data directory problem, 1 for a port in use).
 */
public final class HubStartException extends RuntimeException {
    private final int exitCode;

    public HubStartException(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
