package io.streamguard.plugin.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamguard.plugin.bench.JmhOutput.Expected;
import io.streamguard.plugin.bench.JmhOutput.Failure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * JMH's console output of a real failed run (recorded from {@code streamguard:benchmark} before the fork heap was
 * set: Spark refused its 256 MB heap, JMH exited 0 and left the benchmark out of results.json), and JMH's
 * {@code -lp} listing of the same selection.
 */
class JmhOutputTest {

    static List<String> recorded(String name) throws Exception {
        return Files.readAllLines(BaselineComparisonTest.resource("failed-run/" + name), StandardCharsets.UTF_8);
    }

    @Test
    void aFailureInSetupIsFoundWithItsBenchmarkParametersAndCause() throws Exception {
        JmhOutput output = new JmhOutput();
        recorded("jmh-output.txt").forEach(output);
        assertThat(output.failures()).containsExactly(new Failure(
                "io.streamguard.benchmarks.KafkaReadBenchmark.boundedReadNewest",
                Map.of("maxEvents", "1000", "topicSize", "10000"),
                "org.apache.spark.SparkIllegalArgumentException: [INVALID_DRIVER_MEMORY] System memory 268435456 must "
                        + "be at least 471859200. Please increase heap size using the --driver-memory option or "
                        + "\"spark.driver.memory\" in Spark configuration."));
        assertThat(output.failures().get(0).describe()).startsWith("KafkaReadBenchmark.boundedReadNewest "
                + "(maxEvents=1000, topicSize=10000): org.apache.spark.SparkIllegalArgumentException: "
                + "[INVALID_DRIVER_MEMORY]");
    }

    @Test
    void theListingExpandsEveryParameterCombination() throws Exception {
        assertThat(JmhOutput.expected(recorded("jmh-list.txt"))).containsExactly(
                new Expected("io.streamguard.benchmarks.PlannerBenchmark.planNewest1000", Map.of("partitions", "4")),
                new Expected("io.streamguard.benchmarks.PlannerBenchmark.planNewest1000", Map.of("partitions", "256")),
                new Expected("io.streamguard.benchmarks.KafkaReadBenchmark.boundedReadNewest",
                        Map.of("maxEvents", "1000", "topicSize", "10000")));
        assertThat(JmhOutput.expected(List.of("Benchmarks: ", "a.B.c", "  param \"x\" = {1, 2}",
                "  param \"y\" = {u, v, w}", "a.B.d"))).hasSize(7);
    }

    @Test
    void whatTheJvmPrintsBesideTheListingIsNoBenchmark() {
        assertThat(JmhOutput.expected(List.of("Picked up JAVA_TOOL_OPTIONS: -Dfile.encoding=UTF-8", "Benchmarks: ",
                "a.B.c", "  param \"x\" = {1, 2}", "WARNING: A terminally deprecated method was called")))
                .containsExactly(new Expected("a.B.c", Map.of("x", "1")), new Expected("a.B.c", Map.of("x", "2")));
    }

    @Test
    void anExpectedRunWithoutAResultIsAFailureEvenWhenJmhPrintedNothing() throws Exception {
        List<JmhResult> results = JmhResult.read(BaselineComparisonTest.resource("failed-run/results.json"));
        assertThat(results).extracting(JmhResult::method).containsExactly("planNewest1000", "planNewest1000");
        List<Expected> expected = JmhOutput.expected(recorded("jmh-list.txt"));

        List<Failure> silent = JmhOutput.missing(expected, results, List.of());
        assertThat(silent).singleElement().satisfies(f -> {
            assertThat(f.benchmark()).endsWith("KafkaReadBenchmark.boundedReadNewest");
            assertThat(f.params()).isEqualTo(Map.of("maxEvents", "1000", "topicSize", "10000"));
            assertThat(f.cause()).startsWith("no result in results.json");
        });

        JmhOutput output = new JmhOutput();
        recorded("jmh-output.txt").forEach(output);
        assertThat(JmhOutput.missing(expected, results, output.failures())).as("reported once, with its cause")
                .singleElement().extracting(Failure::cause).asString().contains("INVALID_DRIVER_MEMORY");
        assertThat(JmhOutput.missing(expected.subList(0, 2), results, List.of())).isEmpty();
    }

    @Test
    void aCrashedForkIsAFailureWithTheFirstLineOfItsStandardError() {
        JmhOutput output = new JmhOutput();
        List.of("# Benchmark: io.streamguard.benchmarks.KafkaReadBenchmark.fullTopicReadThenLimit",
                "# Parameters: (maxEvents = 1000, topicSize = 1000000)",
                "# Fork: 1 of 1",
                "<forked VM failed with exit code 1>",
                "<stdout last='20 lines'>",
                "</stdout>",
                "<stderr last='20 lines'>",
                "Error: Could not find or load main class run",
                "Caused by: java.lang.ClassNotFoundException: run",
                "</stderr>",
                "",
                "# Benchmark: io.streamguard.benchmarks.KafkaReadBenchmark.boundedReadNewest",
                "# Parameters: (maxEvents = 1000, topicSize = 1000000)",
                "Iteration   1: 450.1 ms/op").forEach(output);
        assertThat(output.failures()).singleElement().extracting(Failure::describe).isEqualTo(
                "KafkaReadBenchmark.fullTopicReadThenLimit (maxEvents=1000, topicSize=1000000): forked VM failed "
                        + "with exit code 1: Error: Could not find or load main class run");
    }

    @Test
    void aFailureInATrialAfterAnIterationIsFound() {
        JmhOutput output = new JmhOutput();
        List.of("# Benchmark: io.streamguard.benchmarks.KafkaReadBenchmark.boundedReadNewest",
                "# Parameters: (maxEvents = 1000, topicSize = 10000)",
                "# Warmup Iteration   1: <failure>",
                "",
                "java.lang.IllegalStateException: bounded read (NEWEST) on topic bench-10000 returned 0 records, "
                        + "expected 1000: the benchmark did not measure the read it names",
                "\tat io.streamguard.benchmarks.ReadCheck.expect(ReadCheck.java:19)").forEach(output);
        assertThat(output.failures()).singleElement().extracting(Failure::cause).isEqualTo(
                "java.lang.IllegalStateException: bounded read (NEWEST) on topic bench-10000 returned 0 records, "
                        + "expected 1000: the benchmark did not measure the read it names");
    }
}
