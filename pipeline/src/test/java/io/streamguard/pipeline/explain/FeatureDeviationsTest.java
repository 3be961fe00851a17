package io.streamguard.pipeline.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.apache.spark.sql.functions.expr;

import io.streamguard.pipeline.SparkTestSession;
import io.streamguard.report.AnomalyReport;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class FeatureDeviationsTest {

    private static final List<String> FEATURES = List.of("failed_events", "total_events", "unique_locations");

    /**
     * Nine users. failed_events: eight with none, one with 40 (MAD 0: the mean absolute deviation stands in).
     * total_events: 10, 20, ..., 90 (median 50, MAD 20). unique_locations: all 1 (no deviation at all).
     */
    private static double[][] users() {
        double[][] values = new double[FEATURES.size()][9];
        for (int i = 1; i <= 9; i++) {
            values[0][i - 1] = i == 9 ? 40.0 : 0.0;
            values[1][i - 1] = 10.0 * i;
            values[2][i - 1] = 1.0;
        }
        return values;
    }

    private static FeatureDeviations.Population population(double[][] users) {
        return FeatureDeviations.of(FEATURES, users);
    }

    @Test
    void theMedianIsSparkSqlsExactPercentile() {
        double[][] cases = {{5}, {1, 2}, {3, 1, 2}, {4, 1, 3, 2}, {0.1, 0.2, 0.7, 1e-9, 3.3, 3.3}, {2, 2, 7, 7},
                {-1.5, 1e300, 7, 0, 0.30000000000000004, 2.2}};
        for (double[] values : cases) {
            List<Row> rows = new ArrayList<>();
            for (double v : values) {
                rows.add(RowFactory.create(v));
            }
            double spark = SparkTestSession.get()
                    .createDataFrame(rows, new StructType().add("x", DataTypes.DoubleType))
                    .agg(expr("percentile(x, 0.5)")).first().getDouble(0);
            double[] sorted = values.clone();
            java.util.Arrays.sort(sorted);
            assertThat(FeatureDeviations.median(sorted)).as(java.util.Arrays.toString(values)).isEqualTo(spark);
        }
    }

    @Test
    void mediansAndMadsAreExactAndTheMeanDeviationStandsInForAZeroMad() {
        FeatureDeviations.Population p = population(users());
        assertThat(p.medians()).containsExactly(0.0, 50.0, 1.0);
        assertThat(p.mads()).containsExactly(0.0, 20.0, 0.0);
        assertThat(p.meanAbsDeviations()[0]).isCloseTo(40.0 / 9, within(1e-12));
        // (90 - 50) / (1.4826 * 20)
        assertThat(p.robustZ(1, 90)).isCloseTo(40 / (1.4826 * 20), within(1e-12));
        // MAD 0: (40 - 0) / (1.2533 * 40/9)
        assertThat(p.robustZ(0, 40)).isCloseTo(40 / (1.2533 * 40 / 9), within(1e-12));
        assertThat(p.robustZ(0, 0)).isZero();
        assertThat(p.robustZ(2, 1)).isZero();
        assertThat(p.robustZ(2, 5)).as("no spread at all and a value off the median: no number to give").isZero();
    }

    @Test
    void theReasonsAreTheMostDeviatingFeaturesInWordsAndTheSameEveryTime() {
        FeatureDeviations.Population p = population(users());
        List<AnomalyReport.Reason> reasons = p.reasons(new double[] {40, 90, 1}, 3);
        assertThat(reasons).extracting(AnomalyReport.Reason::feature).containsExactly("failed_events", "total_events");
        assertThat(reasons.get(0).text()).isEqualTo("40 failed events, above the median (0)");
        assertThat(reasons.get(1).text()).isEqualTo("90 events, 1.8x the median (50)");
        assertThat(reasons.get(1).value()).isEqualTo(90);
        assertThat(reasons.get(1).median()).isEqualTo(50);
        assertThat(p.reasons(new double[] {40, 90, 1}, 1)).containsExactly(reasons.get(0));
        assertThat(p.reasons(new double[] {0, 50, 1}, 3)).as("a typical user has no reasons").isEmpty();
        double[][] reversed = users();
        for (double[] feature : reversed) {
            for (int i = 0; i < feature.length / 2; i++) {
                double t = feature[i];
                feature[i] = feature[feature.length - 1 - i];
                feature[feature.length - 1 - i] = t;
            }
        }
        assertThat(population(reversed).reasons(new double[] {40, 90, 1}, 3)).as("whatever the users' order")
                .isEqualTo(reasons);
    }
}
