package io.streamguard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

class StreamGuardExceptionTest {

    private static final long GIB = 1L << 30;

    @Test
    void runningOutOfMemoryInATaskIsNamedWithTheHeapAndWhatToChange() {
        // As Spark reports it: the task's error as text in a stage failure, and as the cause in local mode.
        SparkException stageFailure = new SparkException("Job aborted due to stage failure: Task 2 in stage 2.0 "
                + "failed 1 times, most recent failure: Lost task 2.0 in stage 2.0 (TID 46) (192.0.2.2 executor "
                + "driver): org.apache.spark.memory.SparkOutOfMemoryError: No enough memory for aggregation\n\n"
                + "Driver stacktrace:", new RuntimeException("wrapped"));
        String message = StreamGuardException.crashMessage("the job", stageFailure, GIB);
        assertThat(message).startsWith("the job ran out of memory with a heap of 1024 MB (")
                .contains("No enough memory for aggregation")
                .contains("-Dstreamguard.jvmArgs=-Xmx4g").contains("--driver-memory").contains("streamguard.maxEvents")
                .doesNotContain("Driver stacktrace");

        String heap = StreamGuardException.crashMessage("the evaluation",
                new IllegalStateException("collect failed", new OutOfMemoryError("Java heap space")), 2 * GIB);
        assertThat(heap).startsWith("the evaluation ran out of memory with a heap of 2048 MB (")
                .contains("java.lang.OutOfMemoryError: Java heap space");
    }

    @Test
    void theMemoryErrorIsQuotedEvenWhenTheTaskReportedAnotherFailureFirst() {
        // As measured with a 600 MB heap: the task failed closing a resource after its OutOfMemoryError.
        IllegalArgumentException suppression = new IllegalArgumentException("Self-suppression not permitted",
                new OutOfMemoryError("Java heap space"));
        SparkException stageFailure = new SparkException("Job aborted due to stage failure: Task 0 in stage 1.0 failed "
                + "1 times, most recent failure: Lost task 0.0 in stage 1.0 (TID 2) (192.0.2.2 executor driver): "
                + "java.lang.IllegalArgumentException: Self-suppression not permitted\n\tat java.base/java.lang."
                + "Throwable.addSuppressed(Throwable.java:1072)\nCaused by: java.lang.OutOfMemoryError: Java heap "
                + "space\n\nDriver stacktrace:", suppression);
        IllegalStateException top = new IllegalStateException(stageFailure.getMessage(), stageFailure);
        assertThat(StreamGuardException.crashMessage("the job", top, GIB))
                .startsWith("the job ran out of memory with a heap of 1024 MB (java.lang.OutOfMemoryError: Java heap "
                        + "space). Give its JVM more")
                .doesNotContain("Self-suppression");

        // Only in the text, as a task's failure on a cluster arrives.
        assertThat(StreamGuardException.crashMessage("the job", new IllegalStateException(stageFailure.getMessage()),
                GIB)).startsWith("the job ran out of memory with a heap of 1024 MB (java.lang.OutOfMemoryError: Java "
                        + "heap space). ");
    }

    @Test
    void aCauseChainThatIsACycleEnds() {
        IllegalStateException a = new IllegalStateException("a");
        IllegalStateException b = new IllegalStateException("b", a);
        a.initCause(b);
        assertThat(StreamGuardException.crashMessage("the job", a, GIB))
                .isEqualTo("the job crashed: java.lang.IllegalStateException: a");
    }

    @Test
    void anythingElseIsACrash() {
        assertThat(StreamGuardException.crashMessage("the job", new IllegalStateException("boom"), GIB))
                .isEqualTo("the job crashed: java.lang.IllegalStateException: boom");
    }
}
