package io.streamguard.pipeline;

import io.streamguard.spec.JobProtocol;

/**
 * A failure the user can act on. {@link #exitCode()} tells callers (the Maven plugin, shell scripts around
 * {@code spark-submit}) whether the input or configuration was wrong or the outside world failed.
 */
public class StreamGuardException extends RuntimeException {

    /** Exit codes: see {@link JobProtocol}, which the plugin reads too. */
    public static final int EXIT_BAD_CONFIG = JobProtocol.EXIT_BAD_CONFIG;
    public static final int EXIT_KAFKA = JobProtocol.EXIT_KAFKA;
    public static final int EXIT_OUTPUT = JobProtocol.EXIT_OUTPUT;
    public static final int EXIT_NO_DATA = JobProtocol.EXIT_NO_DATA;
    public static final int EXIT_INTERNAL = JobProtocol.EXIT_INTERNAL;

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
