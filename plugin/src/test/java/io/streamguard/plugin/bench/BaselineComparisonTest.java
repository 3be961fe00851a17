package io.streamguard.plugin.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamguard.plugin.bench.BaselineComparison.Entry;
import io.streamguard.plugin.bench.BaselineComparison.Status;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The comparison rules on recorded JMH JSON (JMH 1.37's format, including its "NaN" error strings). */
class BaselineComparisonTest {

    static Path resource(String name) throws URISyntaxException {
        return Path.of(BaselineComparisonTest.class.getResource("/bench/" + name).toURI());
    }

    static Map<String, Entry> compare() throws Exception {
        List<JmhResult> current = JmhResult.read(resource("current.json"));
        List<JmhResult> baseline = JmhResult.read(resource("baseline.json"));
        return BaselineComparison.compare(current, baseline, 25).stream()
                .collect(Collectors.toMap(e -> e.key().replace("io.streamguard.benchmarks.", ""), e -> e));
    }

    @Test
    void jmhJsonIsReadWithParamsUnitsAndNaNErrors() throws Exception {
        List<JmhResult> results = JmhResult.read(resource("baseline.json"));
        assertThat(results).hasSize(8);
        JmhResult floor = results.get(4);
        assertThat(floor.method()).isEqualTo("consumerBoundedReadNewest");
        assertThat(floor.params()).containsEntry("topicSize", "10000").containsEntry("maxEvents", "1000");
        assertThat(floor.error()).isNaN();
        assertThat(floor.lowerIsBetter()).isTrue();
        assertThat(results.get(5).lowerIsBetter()).as("ops/us").isFalse();
        assertThat(floor.key()).isEqualTo(
                "io.streamguard.benchmarks.KafkaReadBenchmark.consumerBoundedReadNewest maxEvents=1000,topicSize=10000");
    }

    @Test
    void slowerBeyondThresholdAndErrorBarsIsARegression() throws Exception {
        Entry e = compare().get("KafkaReadBenchmark.boundedReadNewest maxEvents=1000,topicSize=10000");
        assertThat(e.status()).isEqualTo(Status.REGRESSION);
        assertThat(e.changePercent()).isEqualTo(40.0);
        assertThat(e.describe()).contains("140.000 ± 5.000 vs baseline 100.000 ± 5.000 ms/op (+40.0 % worse)");
    }

    @Test
    void slowerButInsideTheErrorBarsIsNot() throws Exception {
        assertThat(compare().get("KafkaReadBenchmark.boundedReadNewest maxEvents=1000,topicSize=1000000").status())
                .isEqualTo(Status.UNCHANGED);
    }

    @Test
    void slowerBeyondErrorBarsButUnderTheThresholdIsNot() throws Exception {
        Entry e = compare().get("KafkaReadBenchmark.boundedReadOldest maxEvents=1000,topicSize=10000");
        assertThat(e.status()).isEqualTo(Status.UNCHANGED);
        assertThat(e.changePercent()).isEqualTo(10.0);
    }

    @Test
    void fasterIsAnImprovementForTimesAndHigherIsForThroughputs() throws Exception {
        Map<String, Entry> c = compare();
        assertThat(c.get("KafkaReadBenchmark.fullTopicReadThenLimit maxEvents=1000,topicSize=10000").status())
                .isEqualTo(Status.IMPROVEMENT);
        assertThat(c.get("PlannerBenchmark.planNewest1000 partitions=256").status()).isEqualTo(Status.IMPROVEMENT);
        Entry lower = c.get("PlannerBenchmark.planNewest1000 partitions=4");
        assertThat(lower.status()).as("fewer ops/us is worse").isEqualTo(Status.REGRESSION);
        assertThat(lower.changePercent()).isEqualTo(40.0);
    }

    @Test
    void aNaNErrorIsNoDataNotAPassOrAFail() throws Exception {
        Entry e = compare().get("KafkaReadBenchmark.consumerBoundedReadNewest maxEvents=1000,topicSize=10000");
        assertThat(e.status()).isEqualTo(Status.NO_DATA);
        assertThat(e.describe()).contains("no error estimate, cannot judge");
    }

    @Test
    void newAndMissingBenchmarksAreListed() throws Exception {
        Map<String, Entry> c = compare();
        assertThat(c.get("PlannerBenchmark.planOldestMillion partitions=4").status()).isEqualTo(Status.NEW);
        assertThat(c.get("FeatureStageBenchmark.parseAndFeatures events=10000").status()).isEqualTo(Status.MISSING);
        assertThat(c).hasSize(9);
    }

    @Test
    void theSummaryTabulatesSpeedUpsPerTopicSize() throws Exception {
        List<JmhResult> baseline = JmhResult.read(resource("baseline.json"));
        String md = BenchmarkReport.markdown(baseline, null);
        assertThat(md).contains("| boundedReadNewest | maxEvents=1000, topicSize=10000 | 100 | ± 5.000 | ms/op |");
        assertThat(BenchmarkReport.speedups(baseline)).hasSize(2);
        assertThat(BenchmarkReport.speedups(baseline).get(0)).containsExactly("10000", "1000", "100 ms/op",
                "100 ms/op", "1.0×", "100 ms/op", "1.0×", "100 ms/op", "1.0×");
        String html = BenchmarkReport.html(baseline, md);
        assertThat(html).contains("<svg", "<polyline", "boundedReadNewest", "topic size (events)");
    }
}
