package io.streamguard.plugin.launch;

import io.streamguard.spec.JobProtocol;

/** The forked job exited with a non-zero code. */
public final class JobFailedException extends RuntimeException {

    /** Not an exit code of the job: it was stopped at its deadline (streamguard.timeout), like timeout(1). */
    public static final int TIMED_OUT = JobProtocol.EXIT_TIMED_OUT;

    private final int exitCode;
    private final boolean reportedByJob;

    public JobFailedException(int exitCode, String message) {
        this(exitCode, message, false);
    }

    /** @param reportedByJob whether the job itself said why ({@link JobProtocol#errorLine}), so it ran */
    public JobFailedException(int exitCode, String message, boolean reportedByJob) {
        super(message);
        this.exitCode = exitCode;
        this.reportedByJob = reportedByJob;
    }

    /**
     * True when the job ran and crashed: it reported a failure that is not the user's to fix. Not a JVM that never
     * started (an option it refused), not a deadline, not a setting, the brokers, the data or the output.
     */
    public boolean jobCrashed() {
        return reportedByJob && exitCode == JobProtocol.EXIT_INTERNAL;
    }

    public int exitCode() {
        return exitCode;
    }

    /** True when the configuration, the broker, the topic or the data is at fault rather than StreamGuard. */
    public boolean isUserError() {
        return JobProtocol.isUserError(exitCode);
    }
}
