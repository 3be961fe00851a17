package io.streamguard.spec;

import java.util.Set;

/**
 * How a StreamGuard job talks to whoever started it (the Maven plugin's fork, or a shell script around
 * {@code spark-submit}): its exit codes and the one line that says what went wrong. Both sides use these
 * constants; neither writes the numbers or the prefix itself.
 */
public final class JobProtocol {

    /** Exit code for anything unexpected: a crash worth a bug report. */
    public static final int EXIT_INTERNAL = 1;
    /** Exit code for bad configuration or arguments: fix the command line. */
    public static final int EXIT_BAD_CONFIG = 2;
    /** Exit code for Kafka being unreachable or the topic missing: fix the broker or the topic. */
    public static final int EXIT_KAFKA = 3;
    /** Exit code for the output location being unusable (locked by another run, not writable). */
    public static final int EXIT_OUTPUT = 4;
    /** Exit code for a range that holds nothing to analyse (empty topic, too few users). */
    public static final int EXIT_NO_DATA = 5;
    /** Exit code of a job whose parent (Maven) went away: its standard input closed. */
    public static final int EXIT_PARENT_GONE = 7;
    /** Not the job's own code: it was stopped at its deadline (streamguard.timeout), like timeout(1). */
    public static final int EXIT_TIMED_OUT = 124;

    /** Codes of problems the user can fix (configuration, broker, topic, output, data, deadline). */
    private static final Set<Integer> USER_ERRORS = Set.of(EXIT_BAD_CONFIG, EXIT_KAFKA, EXIT_OUTPUT, EXIT_NO_DATA,
            EXIT_TIMED_OUT);

    /** Starts the line on standard error that states a failure; the plugin turns such lines into the build's message. */
    public static final String ERROR_PREFIX = "STREAMGUARD ERROR: ";

    /** Ends the secrets block on standard input; {@link java.util.Properties#store} never writes such a line. */
    public static final String END_OF_SECRETS = "--end-of-secrets--";

    private JobProtocol() {
    }

    /** True when the configuration, the broker, the topic or the data is at fault rather than StreamGuard. */
    public static boolean isUserError(int exitCode) {
        return USER_ERRORS.contains(exitCode);
    }

    /** The line the job prints on standard error before it exits non-zero. */
    public static String errorLine(String message) {
        return ERROR_PREFIX + message;
    }

    /** The message of an {@link #errorLine} line, or null for any other line. */
    public static String errorMessage(String line) {
        return line.startsWith(ERROR_PREFIX) ? line.substring(ERROR_PREFIX.length()) : null;
    }
}
