package io.streamguard.benchmarks;

import static org.apache.spark.sql.functions.col;

import io.streamguard.pipeline.LocalSpark;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The cheapest Spark job, as a main for {@link WholeJobBenchmark}'s floor: a local session configured like the
 * job's, one group-by of {@value #ROWS} rows collected, stop. What a run of StreamGuard cannot go below.
 */
public final class SparkFloor {

    static final int ROWS = 1000;
    static final int GROUPS = 50;

    private SparkFloor() {
    }

    public static void main(String[] args) {
        SparkSession spark = LocalSpark.builder("streamguard-spark-floor", "local[*]",
                Map.of("spark.sql.shuffle.partitions", "1")).getOrCreate();
        try {
            int groups = spark.range(ROWS).groupBy(col("id").mod(GROUPS)).count().collectAsList().size();
            if (groups != GROUPS) {
                throw new IllegalStateException("the floor job found " + groups + " groups, expected " + GROUPS);
            }
        } finally {
            spark.stop();
        }
    }
}
