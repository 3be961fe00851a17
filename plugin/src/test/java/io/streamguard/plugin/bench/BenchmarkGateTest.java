package io.streamguard.plugin.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamguard.plugin.Console;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verdict of a finished run, on recorded and planted JMH output: a failed benchmark, a missed gate and a
 * regression each fail the goal after every file is written; an unchanged rerun raises no alarm.
 */
class BenchmarkGateTest {

    private static final String READS = "io.streamguard.benchmarks.KafkaReadBenchmark.";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private final List<String> warnings = new ArrayList<>();
    private final BenchmarkRunner runner = new BenchmarkRunner(null, null, new Console() {
        @Override
        public void info(String message) {
        }

        @Override
        public void warn(String message) {
            warnings.add(message);
        }

        @Override
        public void debug(String message) {
        }
    });

    static JmhResult read(String method, long topicSize, double ms, double error) {
        return new JmhResult(READS + method, "ss", Map.of("maxEvents", "1000", "topicSize", Long.toString(topicSize)),
                ms, error, "ms/op");
    }

    /** Measured shapes from this machine: full read grows with the topic, bounded reads stay flat. */
    static List<JmhResult> healthy(double boundedAt1M) {
        return healthy(2_654, boundedAt1M);
    }

    static List<JmhResult> healthy(double fullAt10k, double boundedAt1M) {
        return List.of(read("fullTopicReadThenLimit", 10_000, fullAt10k, 300), read("boundedReadNewest", 10_000, 489, 40),
                read("boundedReadOldest", 10_000, 464, 40), read("fullTopicReadThenLimit", 1_000_000, 31_585, 900),
                read("boundedReadNewest", 1_000_000, boundedAt1M, 40),
                read("boundedReadOldest", 1_000_000, 460, 40));
    }

    BenchmarkRequest request(List<Long> sizes, Path baseline, Path saveBaseline, Path history) {
        return new BenchmarkRequest(null, false, sizes, List.of(1000L), 1, 1, 3, ".*", temp, temp.resolve("work"),
                List.of(), baseline, saveBaseline, history, 5, 25, true, 20, 1.5, temp);
    }

    Path out(List<JmhResult> results) throws Exception {
        Path out = Files.createDirectories(temp.resolve("benchmarks"));
        JSON.writeValue(out.resolve(BenchmarkRunner.RESULTS).toFile(), JmhResult.toJson(results));
        return out;
    }

    static List<JmhOutput.Expected> expectedOf(List<JmhResult> results) {
        return results.stream().map(r -> new JmhOutput.Expected(r.benchmark(), r.params())).toList();
    }

    @Test
    void aPlantedBenchmarkFailureFailsTheGoalAndThePartialResultsAreMarkedIncomplete() throws Exception {
        Path out = Files.createDirectories(temp.resolve("benchmarks"));
        Files.copy(BaselineComparisonTest.resource("failed-run/results.json"), out.resolve(BenchmarkRunner.RESULTS));
        JmhOutput output = new JmhOutput();
        JmhOutputTest.recorded("jmh-output.txt").forEach(output);
        Path history = temp.resolve("history.jsonl");
        Path baseline = temp.resolve("baseline.json");

        BenchmarkRunner.Outcome outcome = runner.evaluate(request(List.of(10_000L), null, baseline, history), out,
                JmhOutput.expected(JmhOutputTest.recorded("jmh-list.txt")),
                new BenchmarkRunner.JmhRun(0, output.failures(), "Benchmark result is saved to results.json"));

        assertThat(outcome.complete()).isFalse();
        assertThat(outcome.results()).hasSize(2);
        String summary = Files.readString(out.resolve("summary.md"), StandardCharsets.UTF_8);
        assertThat(summary).contains("**INCOMPLETE:** 1 of 3 expected benchmark runs failed or produced no result",
                "- **FAILED** KafkaReadBenchmark.boundedReadNewest (maxEvents=1000, topicSize=10000): "
                        + "org.apache.spark.SparkIllegalArgumentException: [INVALID_DRIVER_MEMORY]",
                "| planNewest1000 | avgt | partitions=4 |");
        JsonNode status = JSON.readTree(out.resolve(BenchmarkRunner.STATUS).toFile());
        assertThat(status.get("complete").asBoolean()).isFalse();
        assertThat(status.get("passed").asBoolean()).isFalse();
        assertThat(history).as("a partial run is no reference").doesNotExist();
        assertThat(baseline).doesNotExist();
        assertThat(warnings).anyMatch(w -> w.startsWith("Not appending an incomplete run"));

        assertThatThrownBy(() -> runner.failIfProblems(outcome, true)).isInstanceOf(BenchmarkFailedException.class)
                .hasMessageContaining("FAILED KafkaReadBenchmark.boundedReadNewest (maxEvents=1000, "
                        + "topicSize=10000): org.apache.spark.SparkIllegalArgumentException: [INVALID_DRIVER_MEMORY] "
                        + "System memory 268435456 must be at least 471859200.")
                .hasMessageContaining("Results (partial, marked INCOMPLETE): ");
    }

    @Test
    void aNonZeroJmhExitFailsEvenWhenEveryResultIsThere() throws Exception {
        List<JmhResult> results = healthy(450);
        BenchmarkRunner.Outcome outcome = runner.evaluate(request(List.of(10_000L, 1_000_000L), null, null, null),
                out(results), expectedOf(results), new BenchmarkRunner.JmhRun(1, List.of(), "Error parsing"));
        assertThat(outcome.problems(true)).containsExactly("FAILED jmh.Main: JMH exited with code 1: Error parsing");
    }

    @Test
    void aPlantedRegressionAgainstTheHistoryFailsTheGoalNamingBenchmarkParametersReferenceAndChange()
            throws Exception {
        Path history = temp.resolve("history.jsonl");
        for (int i = 0; i < 3; i++) {
            BenchmarkHistory.append(history, new BenchmarkHistory.Entry(Instant.parse("2026-11-2" + i + "T10:00:00Z"),
                    "abcdef0123456789abcdef0123456789abcdef0" + i, "OpenJDK 17", 2, healthy(440 + 10 * i)));
        }
        List<JmhResult> slower = healthy(5_400, 450);
        BenchmarkRunner.Outcome outcome = runner.evaluate(request(List.of(10_000L, 1_000_000L), null, null, history),
                out(slower), expectedOf(slower), new BenchmarkRunner.JmhRun(0, List.of(), null));

        assertThat(outcome.reference()).startsWith("the history " + history)
                .endsWith("(per benchmark, the median of its last 3 passing entries)");
        assertThat(outcome.problems(true)).containsExactly("REGRESSION " + READS + "fullTopicReadThenLimit [ss] "
                + "maxEvents=1000,topicSize=10000: 5400.000 ± 300.000 ms/op against reference 2654.000 ± 300.000 "
                + "ms/op (+103.5 % worse)");
        assertThat(outcome.problems(false)).as("failOnRegression=false only warns").isEmpty();
        assertThat(BenchmarkHistory.read(history, warnings::add)).as("a complete run is history, even a slow one")
                .hasSize(4);
        assertThatThrownBy(() -> runner.failIfProblems(outcome, true)).isInstanceOf(BenchmarkFailedException.class)
                .hasMessageStartingWith("streamguard:benchmark failed (1 problem):\n  REGRESSION ");
        String html = Files.readString(outcome.directory().resolve("index.html"), StandardCharsets.UTF_8);
        assertThat(html).contains("Trends over the history (4 entries; the last point is this run)",
                "this run: 5400", "fullTopicReadThenLimit, maxEvents=1000");

        // Retrying does not turn the regression into the reference: failed runs never enter it.
        for (int retry = 0; retry < 5; retry++) {
            BenchmarkRunner.Outcome again = runner.evaluate(request(List.of(10_000L, 1_000_000L), null, null,
                    history), out(slower), expectedOf(slower), new BenchmarkRunner.JmhRun(0, List.of(), null));
            assertThat(again.problems(true)).as("retry %d", retry).hasSize(1).first().asString()
                    .startsWith("REGRESSION ").contains("against reference 2654.000");
        }
        assertThat(BenchmarkHistory.read(history, warnings::add)).hasSize(9)
                .filteredOn(BenchmarkHistory.Entry::passed).hasSize(3);
    }

    @Test
    void anUnchangedRerunRaisesNoAlarm() throws Exception {
        Path history = temp.resolve("history.jsonl");
        BenchmarkHistory.append(history, BenchmarkHistory.Entry.now(null, healthy(450)));
        List<JmhResult> again = healthy(470);
        BenchmarkRunner.Outcome outcome = runner.evaluate(request(List.of(10_000L, 1_000_000L), null, null, history),
                out(again), expectedOf(again), new BenchmarkRunner.JmhRun(0, List.of(), null));
        assertThat(outcome.complete()).isTrue();
        assertThat(outcome.problems(true)).isEmpty();
        assertThat(outcome.comparison()).extracting(BaselineComparison.Entry::status)
                .containsOnly(BaselineComparison.Status.UNCHANGED);
        runner.failIfProblems(outcome, true);
        assertThat(Files.readString(outcome.directory().resolve("summary.md"))).contains(
                "**Complete:** all 6 expected benchmark runs produced a result.");
    }

    @Test
    void theSpeedUpAndFlatnessGatesFailWhenTheirRatiosAreMissed() throws Exception {
        List<JmhResult> slowBounded = List.of(read("fullTopicReadThenLimit", 10_000, 2_654, 300),
                read("boundedReadNewest", 10_000, 489, 40), read("fullTopicReadThenLimit", 1_000_000, 31_585, 900),
                read("boundedReadNewest", 1_000_000, 2_000, 40));
        BenchmarkRunner.Outcome outcome = runner.evaluate(request(List.of(10_000L, 1_000_000L), null, null, null),
                out(slowBounded), expectedOf(slowBounded), new BenchmarkRunner.JmhRun(0, List.of(), null));
        assertThat(outcome.problems(true)).containsExactly(
                "GATE minSpeedup ≥ 20×: boundedReadNewest (maxEvents=1000), full-topic read / bounded read at "
                        + "1,000,000 events measured 15.79× — FAIL",
                "GATE maxFlatness ≤ 1.5×: boundedReadNewest (maxEvents=1000), bounded read at 1,000,000 / at 10,000 "
                        + "events measured 4.09× — FAIL");
        String summary = Files.readString(outcome.directory().resolve("summary.md"));
        assertThat(summary).contains("| minSpeedup | boundedReadNewest | 1000 | full-topic read / bounded read at "
                + "1,000,000 events | 15.79× | ≥ 20× | **FAIL** |");
        assertThat(summary).as("boundedReadOldest was not in this run").contains(
                "| minSpeedup | boundedReadOldest | 1000 | full-topic read / bounded read at 1,000,000 events | "
                        + "not measured | ≥ 20× | not measured: this run has no boundedReadOldest result at "
                        + "that size |");

        List<JmhResult> healthy = healthy(450);
        BenchmarkRunner.Outcome fine = runner.evaluate(request(List.of(10_000L, 1_000_000L), null, null, null),
                out(healthy), expectedOf(healthy), new BenchmarkRunner.JmhRun(0, List.of(), null));
        assertThat(fine.gates()).extracting(BenchmarkGates.Gate::status)
                .containsOnly(BenchmarkGates.Status.PASS).hasSize(4);
        assertThat(fine.gates().get(0).measured()).isCloseTo(70.19, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void aRatioTheRunDoesNotMeasureIsReportedAsNotMeasuredNeverAsPassed() {
        List<BenchmarkGates.Gate> gates = BenchmarkGates.evaluate(List.of(read("fullTopicReadThenLimit", 20_000, 900,
                50), read("boundedReadNewest", 20_000, 450, 30)), List.of(20_000L), List.of(1000L), 20, 1.5);
        assertThat(gates).extracting(BenchmarkGates.Gate::status).containsExactly(BenchmarkGates.Status.FAIL,
                BenchmarkGates.Status.NOT_MEASURED, BenchmarkGates.Status.NOT_MEASURED,
                BenchmarkGates.Status.NOT_MEASURED);
        assertThat(gates.get(1).describe()).isEqualTo("maxFlatness ≤ 1.5×: not measured (boundedReadNewest "
                + "(maxEvents=1000), bounded read at 20,000 / at 20,000 events; one topic size only; give "
                + "streamguard.topicSizes two or more)");
        assertThat(BenchmarkGates.evaluate(List.of(), List.of(10_000L, 1_000_000L), List.of(1000L), 20, 1.5))
                .as("an include filter without the reads").extracting(BenchmarkGates.Gate::status)
                .containsOnly(BenchmarkGates.Status.NOT_MEASURED);
    }

    @Test
    void forkOptionsPutTheHeapFirstAndTheUsersOptionsLastEachAsOneJmhValue() {
        assertThat(BenchmarkRunner.forkHeap(List.of(10_000L, 20_000L))).isEqualTo("-Xmx1024m");
        assertThat(BenchmarkRunner.forkHeap(List.of(10_000L, 1_000_000L))).isEqualTo("-Xmx1536m");
        assertThat(BenchmarkRunner.forkHeap(List.of(10_000_000L))).isEqualTo("-Xmx6144m");
        List<String> args = BenchmarkRunner.jmhArguments(request(List.of(10_000L), null, null, null),
                List.of("-Xmx1024m", "--add-opens=java.base/java.lang=ALL-UNNAMED", "-Xmx3g", "-Dnote=a b c"),
                temp.resolve("results.json"));
        assertThat(args).containsSubsequence("-jvmArgs", "-Xmx1024m", "-jvmArgs",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "-jvmArgs", "-Xmx3g", "-jvmArgs", "-Dnote=a b c");
        assertThat(args).doesNotContain("-jvmArgsAppend").endsWith("-jvmArgs", "-Dnote=a b c");
        assertThat(args.subList(0, 5)).containsExactly(".*", "-p", "topicSize=10000", "-p", "maxEvents=1000");
    }
}
