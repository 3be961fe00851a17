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
                "io.streamguard.benchmarks.KafkaReadBenchmark.consumerBoundedReadNewest [ss] maxEvents=1000,topicSize=10000");
    }

    @Test
    void slowerBeyondThresholdAndErrorBarsIsARegression() throws Exception {
        Entry e = compare().get("KafkaReadBenchmark.boundedReadNewest [ss] maxEvents=1000,topicSize=10000");
        assertThat(e.status()).isEqualTo(Status.REGRESSION);
        assertThat(e.changePercent()).isEqualTo(40.0);
        assertThat(e.describe()).contains("140.000 ± 5.000 ms/op against reference 100.000 ± 5.000 ms/op (+40.0 % worse)");
    }

    @Test
    void slowerButInsideTheErrorBarsIsNot() throws Exception {
        assertThat(compare().get("KafkaReadBenchmark.boundedReadNewest [ss] maxEvents=1000,topicSize=1000000").status())
                .isEqualTo(Status.UNCHANGED);
    }

    @Test
    void slowerBeyondErrorBarsButUnderTheThresholdIsNot() throws Exception {
        Entry e = compare().get("KafkaReadBenchmark.boundedReadOldest [ss] maxEvents=1000,topicSize=10000");
        assertThat(e.status()).isEqualTo(Status.UNCHANGED);
        assertThat(e.changePercent()).isEqualTo(10.0);
    }

    @Test
    void fasterIsAnImprovementForTimesAndHigherIsForThroughputs() throws Exception {
        Map<String, Entry> c = compare();
        assertThat(c.get("KafkaReadBenchmark.fullTopicReadThenLimit [ss] maxEvents=1000,topicSize=10000").status())
                .isEqualTo(Status.IMPROVEMENT);
        assertThat(c.get("PlannerBenchmark.planNewest1000 [thrpt] partitions=256").status()).isEqualTo(Status.IMPROVEMENT);
        Entry lower = c.get("PlannerBenchmark.planNewest1000 [thrpt] partitions=4");
        assertThat(lower.status()).as("fewer ops/us is worse").isEqualTo(Status.REGRESSION);
        assertThat(lower.changePercent()).isEqualTo(40.0);
    }

    @Test
    void aNaNErrorIsNoDataNotAPassOrAFail() throws Exception {
        Entry e = compare().get("KafkaReadBenchmark.consumerBoundedReadNewest [ss] maxEvents=1000,topicSize=10000");
        assertThat(e.status()).isEqualTo(Status.NO_DATA);
        assertThat(e.describe()).contains("no error estimate, cannot judge");
    }

    @Test
    void newAndMissingBenchmarksAreListed() throws Exception {
        Map<String, Entry> c = compare();
        assertThat(c.get("PlannerBenchmark.planOldestMillion [thrpt] partitions=4").status()).isEqualTo(Status.NEW);
        assertThat(c.get("FeatureStageBenchmark.parseAndFeatures [ss] events=10000").status()).isEqualTo(Status.MISSING);
        assertThat(c).hasSize(9);
    }

    @Test
    void unitsAreConvertedBeforeComparing() {
        JmhResult nowMs = new JmhResult("b.Read.bounded", "ss", Map.of("n", "1"), 1.4, 0.05, "ms/op");
        JmhResult beforeUs = new JmhResult("b.Read.bounded", "ss", Map.of("n", "1"), 1_000, 50, "us/op");
        Entry e = BaselineComparison.compare(List.of(nowMs), List.of(beforeUs), 25).get(0);
        assertThat(e.status()).isEqualTo(Status.REGRESSION);
        assertThat(e.changePercent()).isCloseTo(40.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(e.describe()).contains("1.400 ± 0.050 ms/op against reference 1.000 ± 0.050 ms/op (+40.0 % worse)");

        JmhResult opsPerSecond = new JmhResult("b.Plan.p", "thrpt", Map.of(), 1_000_000, 1_000, "ops/s");
        JmhResult opsPerMs = new JmhResult("b.Plan.p", "thrpt", Map.of(), 1_000, 1, "ops/ms");
        assertThat(BaselineComparison.compare(List.of(opsPerSecond), List.of(opsPerMs), 25).get(0).status())
                .as("1,000,000 ops/s is 1,000 ops/ms").isEqualTo(Status.UNCHANGED);
        assertThat(opsPerMs.in("ops/us").score()).isEqualTo(1.0);
        assertThat(new JmhResult("x", "ss", Map.of(), 2, 0.5, "s/op").in("ns/op").error()).isEqualTo(5e8);
    }

    @Test
    void timePerOperationIsNotComparedWithOperationsPerTime() {
        JmhResult time = new JmhResult("b.X.y", "avgt", Map.of(), 2, 0.1, "us/op");
        JmhResult rate = new JmhResult("b.X.y", "avgt", Map.of(), 0.5, 0.1, "ops/us");
        Entry e = BaselineComparison.compare(List.of(time), List.of(rate), 25).get(0);
        assertThat(e.status()).isEqualTo(Status.NO_DATA);
        assertThat(e.describe()).isEqualTo("b.X.y [avgt]: us/op cannot be compared with the reference's ops/us");
    }

    @Test
    void theModeIsPartOfTheKey() {
        JmhResult avg = new JmhResult("b.X.y", "avgt", Map.of("p", "1"), 2, 0.1, "us/op");
        JmhResult single = new JmhResult("b.X.y", "ss", Map.of("p", "1"), 2, 0.1, "us/op");
        assertThat(avg.key()).isEqualTo("b.X.y [avgt] p=1");
        assertThat(BaselineComparison.compare(List.of(avg), List.of(single), 25)).extracting(Entry::status)
                .containsExactly(Status.NEW, Status.MISSING);
    }
}
