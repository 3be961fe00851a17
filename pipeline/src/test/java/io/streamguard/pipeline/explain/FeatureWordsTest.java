package io.streamguard.pipeline.explain;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamguard.pipeline.features.UserFeatures;
import org.junit.jupiter.api.Test;

class FeatureWordsTest {

    @Test
    void everyFeatureOfTheModelHasWordsOfItsOwn() {
        assertThat(UserFeatures.FEATURE_COLUMNS).allMatch(FeatureWords::knows);
    }

    @Test
    void countsReadAsCountsWithTheirRatioToTheMedian() {
        assertThat(FeatureWords.describe("failed_events", 418, 11)).isEqualTo("418 failed events, 38x the median (11)");
        assertThat(FeatureWords.describe("unique_locations", 7, 2))
                .isEqualTo("7 distinct locations, 3.5x the median (2)");
        assertThat(FeatureWords.describe("total_events", 12, 240)).isEqualTo("12 events, 1/20 of the median (240)");
        assertThat(FeatureWords.describe("failed_events", 40, 0)).isEqualTo("40 failed events, above the median (0)");
        assertThat(FeatureWords.describe("total_events", 1_250_000, 1_250_000))
                .isEqualTo("1,250,000 events, the same as the median");
    }

    @Test
    void sharesReadAsPercentagesBytesAsBytesSecondsAsSeconds() {
        assertThat(FeatureWords.describe("failed_auth_rate", 0.62, 0.05))
                .isEqualTo("62% of logins failed, above the median (5%)");
        assertThat(FeatureWords.describe("share_dns_query", 0.0, 0.2))
                .isEqualTo("0% of events are DNS queries, below the median (20%)");
        assertThat(FeatureWords.describe("log_total_bytes", Math.log1p(3.2e9), Math.log1p(8e7)))
                .isEqualTo("3.2 GB transferred in total, 40x the median (80.0 MB)");
        assertThat(FeatureWords.describe("mean_interval_s", 4, 400))
                .isEqualTo("4 s between events on average, 1/100 of the median (400 s)");
        assertThat(FeatureWords.describe("avg_threat_score", 0.91, 0.3))
                .isEqualTo("average threat score 0.91, 3.0x the median (0.30)");
        assertThat(FeatureWords.describe("share_process_execution", 0.5, 0.1))
                .isEqualTo("50% of events are process executions, above the median (10%)");
        assertThat(FeatureWords.describe("some_new_feature", 2, 1))
                .isEqualTo("some_new_feature 2.00, 2.0x the median (1.00)");
    }
}
