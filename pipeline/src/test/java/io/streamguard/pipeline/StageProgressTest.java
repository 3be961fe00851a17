package io.streamguard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.function.ForeachFunction;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class StageProgressTest {

    @Test
    void aStageLongerThanTheIntervalReportsItsTasksAndShortStagesStaySilent() {
        SparkSession spark = SparkTestSession.get();
        spark.range(0, 100, 1, 3).count(); // warm: the first job of a session compiles code for seconds
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        try (StageProgress progress = new StageProgress(500, lines::add)) {
            spark.sparkContext().addSparkListener(progress);
            try {
                spark.range(0, 100, 1, 3).count(); // a short stage of 3 tasks: no line
                // 4 tasks of 1.5 s on local[2]: about 3 s, so several intervals
                spark.range(0, 4, 1, 4).foreach((ForeachFunction<Long>) x -> Thread.sleep(1_500));
            } finally {
                spark.sparkContext().removeSparkListener(progress);
            }
        }
        List<String> copy = List.copyOf(lines);
        assertThat(copy).hasSizeGreaterThanOrEqualTo(2)
                .allMatch(l -> l.matches("Stage \\d+ \\(foreach at StageProgressTest\\.java:\\d+\\): [0-4] of 4 tasks "
                        + "done, \\d+\\.\\d s"), "the format, and only the long stage");
        assertThat(copy.get(copy.size() - 1)).matches(".*: [2-4] of 4 tasks done, \\d+\\.\\d s");
    }

    @Test
    void theLineSaysStageNameTasksAndSeconds() {
        assertThat(StageProgress.line("7", "parquet at StreamGuardPipeline.java:180", 12, 40, 15_400))
                .isEqualTo("Stage 7 (parquet at StreamGuardPipeline.java:180): 12 of 40 tasks done, 15.4 s");
    }

    @Test
    void theIntervalIsASparkSettingAndZeroTurnsProgressOff() {
        SparkSession spark = SparkTestSession.get();
        spark.conf().set(StageProgress.INTERVAL_CONF, "0");
        try {
            assertThat(StageProgress.attach(spark)).isNull();
        } finally {
            spark.conf().unset(StageProgress.INTERVAL_CONF);
        }
        StageProgress progress = StageProgress.attach(spark);
        try {
            assertThat(progress).isNotNull();
        } finally {
            spark.sparkContext().removeSparkListener(progress);
            progress.close();
        }
    }
}
