package io.streamguard.plugin.run;

import java.util.List;

/** The forked job exited with a non-zero code. */
public final class JobFailedException extends RuntimeException {

    /** Exit codes the job uses for problems the user can fix (see StreamGuardException in the pipeline). */
    private static final List<Integer> USER_ERRORS = List.of(2, 3, 4, 5, JobFailedException.TIMED_OUT);

    /** Not an exit code of the job: it was stopped at its deadline (streamguard.timeout), like timeout(1). */
    public static final int TIMED_OUT = 124;

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
        return USER_ERRORS.contains(exitCode);
    }
}
