package io.modelhub.cli;

/** A failed command: its message is printed as {@code modelhub: <message>} and the process exits with {@code exitCode}. */
public final class CliException extends RuntimeException {
    /** The hub answered with an error, or could not be reached. */
    public static final int API = 1;
    /** The command itself is wrong: a missing setting, a bad argument, an invalid file. */
    public static final int USAGE = 2;

    private final int exitCode;

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
