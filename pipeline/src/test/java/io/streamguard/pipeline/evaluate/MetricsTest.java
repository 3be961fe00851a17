package io.streamguard.pipeline.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void aPerfectRankingScoresOne() {
        Metrics.Result r = Metrics.compute(new double[] {0.9, 0.8, 0.3, 0.2, 0.1}, new int[] {1, 1, 0, 0, 0}, 0.5, 0);
        assertThat(r.auroc()).isEqualTo(1.0);
        assertThat(r.auprc()).isEqualTo(1.0);
        assertThat(r.precisionAtThreshold()).isEqualTo(1.0);
        assertThat(r.recallAtThreshold()).isEqualTo(1.0);
        assertThat(r.k()).isEqualTo(2);
        assertThat(r.precisionAtK()).isEqualTo(1.0);
    }

    @Test
    void valuesComputedByHand() {
        // ranking: 1(0.9) 0(0.8) 1(0.7) 0(0.6) 0(0.5) 1(0.4)
        double[] s = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4};
        int[] l = {1, 0, 1, 0, 0, 1};
        Metrics.Result r = Metrics.compute(s, l, 0.65, 3);
        // pairs (pos, neg) ordered correctly: 0.9>all 3; 0.7>0.6,0.5; 0.4>none => 5 of 9
        assertThat(r.auroc()).isCloseTo(5.0 / 9, within(1e-12));
        // precision at each anomaly: 1/1, 2/3, 3/6
        assertThat(r.auprc()).isCloseTo((1 + 2.0 / 3 + 0.5) / 3, within(1e-12));
        // above 0.65: 0.9, 0.8, 0.7 -> 2 anomalies of 3 flagged, 2 of 3 anomalies found
        assertThat(r.precisionAtThreshold()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(r.recallAtThreshold()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(r.precisionAtK()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(r.recallAtK()).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void tiesCountHalf() {
        Metrics.Result r = Metrics.compute(new double[] {0.5, 0.5}, new int[] {1, 0}, 0.9, 0);
        assertThat(r.auroc()).isEqualTo(0.5);
        assertThat(r.precisionAtThreshold()).isNaN();
        assertThat(r.recallAtThreshold()).isZero();
    }

    @Test
    void withoutAnomaliesRankingMetricsAreUndefined() {
        Metrics.Result r = Metrics.compute(new double[] {0.2, 0.1}, new int[] {0, 0}, 0.5, 0);
        assertThat(r.auroc()).isNaN();
        assertThat(r.auprc()).isNaN();
    }
}
