package io.streamguard.pipeline.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamguard.pipeline.SparkTestSession;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The driver's fit ({@link DriverIsolationForest}) must give exactly the Spark fit's scores and threshold: it is the
 * same model computed in one place instead of ten Spark jobs. Each case fits both ways on the same cached partitions
 * and compares every score to the last bit.
 */
class DriverIsolationForestTest {

    private static final IsolationForestDetector.Params DEFAULTS =
            new IsolationForestDetector.Params(100, 256, 0.1, 42);

    @Test
    void mammographyInTwoPartitionsSampledPerTree() throws IOException {
        IsolationForestDetectorTest.Labelled data = IsolationForestDetectorTest.load("mammography");
        assertSameAsSpark(data.rows(), data.features(), DEFAULTS, data.count());
    }

    @Test
    void otherSeedContaminationAndSamples() throws IOException {
        IsolationForestDetectorTest.Labelled data = IsolationForestDetectorTest.load("mammography");
        assertSameAsSpark(data.rows(), data.features(), new IsolationForestDetector.Params(37, 64, 0.03, 7),
                data.count());
    }

    @Test
    void fewRowsInPartitionsOfWhichOneIsEmptyWithConstantAndZeroFeatures() {
        // 3 rows in 4 slices: one partition is empty and still counts in the sampler's seeds; "flat" has no spread
        // (standard deviation 0, scaled to 0) and "sparse" is mostly zeros (the summarizer skips zeros).
        assertSameAsSpark(rows(3, 4), List.of("a", "b", "flat", "sparse"), DEFAULTS, 3);
        assertSameAsSpark(rows(500, 3), List.of("a", "b", "flat", "sparse"),
                new IsolationForestDetector.Params(100, 64, 0.1, 42), 500);
    }

    @Test
    void oneTreeOverEveryRowIsNotSampled() {
        assertSameAsSpark(rows(50, 2), List.of("a", "b", "flat", "sparse"),
                new IsolationForestDetector.Params(1, 256, 0.1, 3), 50);
    }

    @Test
    void parametersLinkedInRejectsAreRejectedBeforeEitherFit() {
        for (Runnable bad : List.<Runnable>of(() -> new IsolationForestDetector.Params(100, 256, 0.5, 42),
                () -> new IsolationForestDetector.Params(100, 256, 0.1, 0),
                () -> new IsolationForestDetector.Params(100, 256, 0.1, -5),
                () -> new IsolationForestDetector.Params(0, 256, 0.1, 42),
                () -> new IsolationForestDetector.Params(100, 0, 0.1, 42),
                () -> new IsolationForestDetector.Params(100, 256, Double.NaN, 42))) {
            assertThatThrownBy(bad::run).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Isolation Forest parameters out of range");
        }
        assertThat(new IsolationForestDetector.Params(1, 1, 0.0, 1).contamination()).isZero();
    }

    @Test
    void aNullFeatureIsNamed() {
        StructType schema = new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType);
        Dataset<Row> rows = SparkTestSession.get().createDataFrame(List.of(RowFactory.create(1.0, 2.0),
                RowFactory.create(3.0, null)), schema);
        assertThatThrownBy(() -> IsolationForestDetector.fitAndScore(rows, List.of("a", "b"), DEFAULTS, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Feature column 'b' is null");
    }

    private static Dataset<Row> rows(int n, int slices) {
        Random random = new Random(n);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(RowFactory.create("u" + i, random.nextGaussian(), random.nextDouble() * 100, 5.0,
                    i % 10 == 0 ? 1.5 : 0.0));
        }
        StructType schema = new StructType().add("user", DataTypes.StringType).add("a", DataTypes.DoubleType)
                .add("b", DataTypes.DoubleType).add("flat", DataTypes.DoubleType)
                .add("sparse", DataTypes.DoubleType);
        JavaSparkContext context = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
        Dataset<Row> df = SparkTestSession.get().createDataFrame(context.parallelize(rows, slices), schema).cache();
        assertThat(df.count()).isEqualTo(n);
        assertThat(df.rdd().getNumPartitions()).isEqualTo(slices);
        return df;
    }

    private static void assertSameAsSpark(Dataset<Row> rows, List<String> features,
                                          IsolationForestDetector.Params params, long count) {
        IsolationForestDetector.Result spark = IsolationForestDetector.fitAndScoreOnSpark(rows, features, params,
                count);
        IsolationForestDetector.Result driver = IsolationForestDetector.fitAndScore(rows, features, params, count);
        try {
            assertThat(driver.threshold()).isEqualTo(spark.threshold());
            assertThat(driver.samplesPerTree()).isEqualTo(spark.samplesPerTree());
            List<Row> expected = scoresAndLabels(spark.scored());
            assertSameRows(scoresAndLabels(driver.scored()), expected, count);
            // What the pipeline sums up: streamed from Spark's cache, or the driver's own rows.
            assertSameRows(rowsOf(spark), expected, count);
            assertSameRows(rowsOf(driver), expected, count);
        } finally {
            spark.scored().unpersist();
        }
    }

    private static List<Row> scoresAndLabels(Dataset<Row> scored) {
        return scored.select(IsolationForestDetector.SCORE, IsolationForestDetector.LABEL).collectAsList();
    }

    private static List<Row> rowsOf(IsolationForestDetector.Result result) {
        int score = result.scored().schema().fieldIndex(IsolationForestDetector.SCORE);
        int label = result.scored().schema().fieldIndex(IsolationForestDetector.LABEL);
        List<Row> out = new ArrayList<>();
        result.rows().forEach(r -> out.add(RowFactory.create(r.getDouble(score), r.getInt(label))));
        return out;
    }

    private static void assertSameRows(List<Row> actual, List<Row> expected, long count) {
        assertThat(actual).hasSize((int) count);
        for (int i = 0; i < count; i++) {
            assertThat(actual.get(i).getDouble(0)).as("score of row %d", i).isEqualTo(expected.get(i).getDouble(0));
            assertThat(actual.get(i).getInt(1)).as("label of row %d", i).isEqualTo(expected.get(i).getInt(1));
        }
    }
}
