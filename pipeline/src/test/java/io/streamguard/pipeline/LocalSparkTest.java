package io.streamguard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LocalSparkTest {

    /** A sort of a few hundred rows must not take a 64 MB page per task (what Spark gives a heap of a few GB). */
    @Test
    void sortsAndHashTablesTakeMemoryInPagesOfOneMegabyte() {
        assertThat(SparkTestSession.get().sparkContext().env().memoryManager().pageSizeBytes()).isEqualTo(1L << 20);
    }
}
