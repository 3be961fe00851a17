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

    /**
     * What to tell the user of an unexpected failure of {@code what} ("the job"): running out of memory is named,
     * with the heap it had and what to change, since Spark reports it as a failed task ("No enough memory for
     * aggregation") wrapped in a stage failure; anything else as a crash.
     */
    public static String crashMessage(String what, Throwable e, long maxHeapBytes) {
        // Quoted: the error itself when it is in the cause chain; else the line of a task's failure, as Spark
        // reports it in text, that names it. A task that ran out of memory while handling another failure reports
        // that other failure first ("Self-suppression not permitted"), with the memory error only as its cause.
        String quoted = null;
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) { // a cause chain can be a cycle
            if (t instanceof OutOfMemoryError) {
                quoted = memoryLine(t.toString());
                break;
            }
            if (quoted == null) {
                quoted = memoryLine(t.toString());
            }
        }
        if (quoted != null) {
            return what + " ran out of memory with a heap of " + (maxHeapBytes >> 20) + " MB (" + quoted
                    + "). Give its JVM more, e.g. -Dstreamguard.jvmArgs=-Xmx4g (spark-submit: --driver-memory, "
                    + "--executor-memory), or read fewer events (streamguard.maxEvents / --max-events).";
        }
        return what + " crashed: " + e;
    }

    /** The first line of {@code text} that names running out of memory, stripped; null if none does. */
    private static String memoryLine(String text) {
        for (String line : text.split("\n")) {
            if (line.contains("OutOfMemoryError") || line.contains("No enough memory for aggregation")) {
                return line.strip().replaceFirst("^Caused by: ", "");
            }
        }
        return null;
    }
}
