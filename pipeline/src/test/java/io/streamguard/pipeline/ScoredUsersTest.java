package io.streamguard.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamguard.pipeline.detect.IsolationForestDetector;
import io.streamguard.report.AnomalyReport;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ScoredUsersTest {

    private static final List<String> FEATURES = List.of("total_events", "avg_threat_score", "failed_events");
    private static final StructType SCHEMA = new StructType().add("user", DataTypes.StringType)
            .add("total_events", DataTypes.DoubleType).add("avg_threat_score", DataTypes.DoubleType)
            .add("failed_events", DataTypes.DoubleType)
            .add(IsolationForestDetector.SCORE, DataTypes.DoubleType)
            .add(IsolationForestDetector.LABEL, DataTypes.IntegerType);

    private static Row user(String id, double events, double failed, double score, int label) {
        return RowFactory.create(id, events, 0.25, failed, score, label);
    }

    /** Ten ordinary users (10 events, no failures) and three who tie at the top with many failures. */
    private static List<Row> users() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(user("u" + i, 10, 0, 0.30 + i / 100.0, 0));
        }
        // Java orders these by UTF-16 units ("\uD83D" < "\uFF21"); Spark by UTF-8 bytes (EF BC A1 < F0 9F 98 80).
        rows.add(user("\uD83D\uDE00", 12, 9, 0.75, 1));
        rows.add(user("\uFF21", 12, 9, 0.75, 1));
        rows.add(user("e", 40, 30, 1.0, 1));
        return rows;
    }

    @Test
    void countsHistogramAndTheTopInSparksOrderWithReasons() {
        ScoredUsers.Summary summary = ScoredUsers.summarize(users().iterator(), SCHEMA, 13, FEATURES, 3, 2);

        assertThat(summary.users()).isEqualTo(13);
        assertThat(summary.anomalous()).isEqualTo(3);
        long[] bins = summary.histogram().counts();
        assertThat(bins[6]).as("0.30 to 0.34").isEqualTo(5);
        assertThat(bins[7]).as("0.35 to 0.39").isEqualTo(5);
        assertThat(bins[15]).as("0.75").isEqualTo(2);
        assertThat(bins[19]).as("1.0 is in the last bin").isEqualTo(1);
        assertThat(summary.histogram().total()).isEqualTo(13);

        assertThat(summary.top()).extracting(AnomalyReport.TopAnomaly::user)
                .containsExactly("e", "\uFF21", "\uD83D\uDE00");
        AnomalyReport.TopAnomaly first = summary.top().get(0);
        assertThat(first.anomalyScore()).isEqualTo(1.0);
        assertThat(first.totalEvents()).isEqualTo(40);
        assertThat(first.avgThreatScore()).isEqualTo(0.25);
        assertThat(first.reasons()).extracting(AnomalyReport.Reason::feature)
                .containsExactly("total_events", "failed_events");
        // total_events: median 10, MAD 0, mean absolute deviation 34/13: z = 30 / (1.2533 * 34/13)
        assertThat(first.reasons().get(0).median()).isEqualTo(10);
        assertThat(first.reasons().get(0).robustZ()).isEqualTo(30 / (1.2533 * (34.0 / 13)));
    }

    @Test
    void noTopMeansNoReasonsAndNoFeatureValuesHeld() {
        ScoredUsers.Summary summary = ScoredUsers.summarize(users().iterator(), SCHEMA, 13, FEATURES, 0, 3);
        assertThat(summary.top()).isEmpty();
        assertThat(summary.anomalous()).isEqualTo(3);
        assertThat(ScoredUsers.summarize(users().iterator(), SCHEMA, 13, FEATURES, 50, 3).top()).hasSize(13);
        assertThat(ScoredUsers.summarize(users().iterator(), SCHEMA, 13, FEATURES, Integer.MAX_VALUE - 1, 3).top())
                .as("a huge reportTopN sizes nothing by itself").hasSize(13);
    }

    @Test
    void rowsThatDoNotMatchTheCountAreAnError() {
        assertThatThrownBy(() -> ScoredUsers.summarize(users().iterator(), SCHEMA, 12, FEATURES, 3, 3))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("more scored rows than the 12");
        assertThatThrownBy(() -> ScoredUsers.summarize(users().iterator(), SCHEMA, 14, FEATURES, 3, 3))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("13 scored rows for the 14");
    }
}
