package io.streamguard.plugin.launch;

import io.streamguard.spec.JobProtocol;

/** The forked job exited with a non-zero code. */
public final class JobFailedException extends RuntimeException {

    /** Not an exit code of the job: it was stopped at its deadline (streamguard.timeout), like timeout(1). */
    public static final int TIMED_OUT = JobProtocol.EXIT_TIMED_OUT;

    private final int exitCode;

    public JobFailedException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** True when the configuration, the broker, the topic or the data is at fault rather than StreamGuard. */
    public boolean isUserError() {
        return JobProtocol.isUserError(exitCode);
    }
}
