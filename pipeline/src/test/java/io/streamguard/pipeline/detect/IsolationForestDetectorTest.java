package io.streamguard.pipeline.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamguard.pipeline.SparkTestSession;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Detection quality on the ODDS benchmark sets (copied into test resources with their attribution lines). The
 * published AUROC of the reference Spark Isolation Forest is 0.8636 (mammography) and 0.9974 (shuttle).
 */
class IsolationForestDetectorTest {

    private static final IsolationForestDetector.Params DEFAULTS =
            new IsolationForestDetector.Params(100, 256, 0.1, 42);

    record Labelled(Dataset<Row> rows, List<String> features, long count) {
    }

    static Labelled load(String name) throws IOException {
        List<Row> rows = new ArrayList<>();
        int width = -1;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                IsolationForestDetectorTest.class.getResourceAsStream("/odds/" + name + ".csv"),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split(",");
                width = parts.length;
                Object[] values = new Object[width];
                for (int i = 0; i < width; i++) {
                    values[i] = Double.parseDouble(parts[i]);
                }
                rows.add(RowFactory.create(values));
            }
        }
        StructType schema = new StructType();
        List<String> features = new ArrayList<>();
        for (int i = 0; i < width - 1; i++) {
            schema = schema.add("f" + i, DataTypes.DoubleType);
            features.add("f" + i);
        }
        schema = schema.add("label", DataTypes.DoubleType);
        Dataset<Row> df = SparkTestSession.get().createDataFrame(rows, schema).repartition(2).cache();
        return new Labelled(df, features, rows.size());
    }

    static double auroc(Dataset<Row> scored) {
        return new BinaryClassificationEvaluator()
                .setLabelCol("label").setRawPredictionCol(IsolationForestDetector.SCORE)
                .setMetricName("areaUnderROC").evaluate(scored);
    }

    @Test
    void mammographyReachesThePublishedBand() throws IOException {
        Labelled data = load("mammography");
        assertThat(data.count()).isEqualTo(11_183);
        IsolationForestDetector.Result result =
                IsolationForestDetector.fitAndScore(data.rows(), data.features(), DEFAULTS, data.count());
        double auroc = auroc(result.scored());
        System.out.printf("mammography AUROC %.4f (published 0.8636)%n", auroc);
        assertThat(auroc).isGreaterThanOrEqualTo(0.84);
    }

    @Test
    void shuttleReachesThePublishedBand() throws IOException {
        Labelled data = load("shuttle");
        assertThat(data.count()).isEqualTo(49_097);
        IsolationForestDetector.Result result =
                IsolationForestDetector.fitAndScore(data.rows(), data.features(), DEFAULTS, data.count());
        double auroc = auroc(result.scored());
        System.out.printf("shuttle AUROC %.4f (published 0.9974)%n", auroc);
        assertThat(auroc).isGreaterThanOrEqualTo(0.99);
    }

    @Test
    void scoresAreTheForestsOwnInTheUnitIntervalAndTheLabelFollowsTheThreshold() throws IOException {
        Labelled data = load("mammography");
        IsolationForestDetector.Result result =
                IsolationForestDetector.fitAndScore(data.rows(), data.features(), DEFAULTS, data.count());
        assertThat(result.samplesPerTree()).isEqualTo(256);
        assertThat(result.threshold()).isBetween(0.0, 1.0);
        List<Row> rows = result.scored().select(IsolationForestDetector.SCORE, IsolationForestDetector.LABEL)
                .collectAsList();
        long anomalous = 0;
        double min = 1;
        double max = 0;
        for (Row r : rows) {
            double score = r.getDouble(0);
            min = Math.min(min, score);
            max = Math.max(max, score);
            assertThat(r.getInt(1)).isEqualTo(score > result.threshold() ? 1 : 0);
            anomalous += r.getInt(1);
        }
        // Not min-max rescaled: the forest's scores sit strictly inside (0, 1).
        assertThat(min).isGreaterThan(0.0);
        assertThat(max).isLessThan(1.0);
        // The threshold marks the contamination share, computed exactly: floor(0.1 * 11,183) rows.
        assertThat(anomalous).isEqualTo(1_118);
    }

    @Test
    void sameInputAndSeedGiveIdenticalScoresAndAnotherSeedDoesNot() throws IOException {
        Labelled data = load("mammography");
        List<Row> first = IsolationForestDetector.fitAndScore(data.rows(), data.features(), DEFAULTS, data.count())
                .scored().select(IsolationForestDetector.SCORE).collectAsList();
        List<Row> second = IsolationForestDetector.fitAndScore(data.rows(), data.features(), DEFAULTS, data.count())
                .scored().select(IsolationForestDetector.SCORE).collectAsList();
        assertThat(second).isEqualTo(first);
        List<Row> otherSeed = IsolationForestDetector.fitAndScore(data.rows(), data.features(),
                new IsolationForestDetector.Params(100, 256, 0.1, 7), data.count())
                .scored().select(IsolationForestDetector.SCORE).collectAsList();
        assertThat(otherSeed).isNotEqualTo(first);
    }

    @Test
    void samplesPerTreeIsCappedAtTheNumberOfRows() throws IOException {
        Labelled data = load("mammography");
        Dataset<Row> few = data.rows().limit(40).repartition(1);
        IsolationForestDetector.Result result =
                IsolationForestDetector.fitAndScore(few, data.features(), DEFAULTS, 40);
        assertThat(result.samplesPerTree()).isEqualTo(40);
        assertThat(result.scored().count()).isEqualTo(40);
    }
}
