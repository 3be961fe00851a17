package io.streamguard.pipeline;

/**
 * A failure the user can act on. {@link #exitCode()} tells callers (the Maven plugin, shell scripts around
 * {@code spark-submit}) whether the input or configuration was wrong or the outside world failed.
 */
public class StreamGuardException extends RuntimeException {

    /** Exit code for bad configuration or arguments: fix the command line. */
    public static final int EXIT_BAD_CONFIG = 2;
    /** Exit code for Kafka being unreachable or the topic missing: fix the broker or the topic. */
    public static final int EXIT_KAFKA = 3;
    /** Exit code for the output location being unusable (locked by another run, not writable). */
    public static final int EXIT_OUTPUT = 4;
    /** Exit code for a range that holds nothing to analyse (empty topic, too few users). */
    public static final int EXIT_NO_DATA = 5;
    /** Exit code for anything else: a crash worth a bug report. */
    public static final int EXIT_INTERNAL = 1;

    private final int exitCode;

    public StreamGuardException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public StreamGuardException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static StreamGuardException badConfig(String message) {
        return new StreamGuardException(EXIT_BAD_CONFIG, message);
    }
}
