package io.streamguard.plugin.launch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.StandaloneResolver;
import io.streamguard.plugin.verify.ReportVerifier;
import io.streamguard.report.AnomalyReport;
import io.streamguard.report.Evaluation;
import io.streamguard.report.GroundTruth;
import io.streamguard.report.Violation;
import io.streamguard.spec.RunSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real job once (forked Spark JVM, embedded Kafka broker, synthetic events), then checks what
 * {@code verify-report} says about its outputs and about copies broken in each way a report can break.
 */
class RunAndVerifyTest {

    private static final ReportVerifier.Gates NO_GATES = new ReportVerifier.Gates(1, null, null);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path BASE = Path.of("target", "run-and-verify");
    private static StreamGuardRunner.Outcome outcome;
    private static Path output;

    @TempDir
    Path temp;

    @BeforeAll
    static void runTheJobOnce() {
        output = BASE.resolve("out").toAbsolutePath();
        RunRequest request = RunRequest.builder().set(RunSpec.MAX_EVENTS, 5_000L).outputDirectory(output)
                .set(RunSpec.MASTER, "local[2]").jvmArgs(List.of("-Xmx1g")).embeddedEvents(20_000)
                .workDirectory(BASE.resolve("work").toAbsolutePath()).build();
        outcome = new StreamGuardRunner(StandaloneResolver.create(), PluginVersions.load(),
                StandaloneResolver.console()).run(request);
    }

    @Test
    void theJobReadsExactlyTheBoundedSliceAndRanksPlantedUsersFirst() throws IOException {
        AnomalyReport r = outcome.report();
        assertThat(r.eventsAvailable()).isEqualTo(20_000);
        assertThat(r.eventsPlanned()).isEqualTo(5_000);
        assertThat(r.eventsRead()).isEqualTo(5_000);
        assertThat(r.malformedEvents()).isZero();
        assertThat(r.offsetRanges()).hasSize(4);
        assertThat(r.run().mode()).isEqualTo("newest");
        assertThat(r.totalUsers()).isEqualTo(50);
        assertThat(r.anomalousUsers()).isEqualTo(5);
        assertThat(Files.exists(output.resolve(GroundTruth.FILE))).isTrue();
        Set<String> planted = GroundTruth.read(output.resolve(GroundTruth.FILE)).anomalousUsers().stream()
                .map(GroundTruth.PlantedUser::user).collect(Collectors.toSet());
        assertThat(planted).hasSize(5);
        long plantedInTop5 = r.topAnomalies().stream().limit(5).filter(t -> planted.contains(t.user())).count();
        assertThat(plantedInTop5).as("planted users among the 5 highest scores").isGreaterThanOrEqualTo(4);
        assertThat(RunSummary.lines(outcome)).anyMatch(l -> l.startsWith("Planted anomalous users in the top 10"));
    }

    @Test
    void theTopUsersComeWithReasonsAndThePageIsCommittedWithTheReport() throws IOException {
        AnomalyReport r = outcome.report();
        assertThat(r.schemaVersion()).isEqualTo(2);
        for (AnomalyReport.TopAnomaly top : r.topAnomalies().subList(0, 5)) {
            assertThat(top.reasons()).as("reasons of %s", top.user()).isNotEmpty().hasSizeLessThanOrEqualTo(3)
                    .allSatisfy(reason -> {
                        assertThat(r.model().features()).contains(reason.feature());
                        assertThat(reason.robustZ()).isNotZero();
                        assertThat(reason.text()).contains("median");
                    });
        }
        String page = Files.readString(output.resolve(io.streamguard.report.CommitFiles.REPORT_PAGE));
        assertThat(page).contains("<meta name=\"streamguard-run-id\" content=\"" + r.run().runId() + "\">",
                "<code>" + r.topAnomalies().get(0).user() + "</code>", r.topAnomalies().get(0).reasons().get(0).text()
                        .replace("&", "&amp;"), "<h2>Scores of all 50 users</h2>");
        System.err.println("Reasons of the top 5:");
        r.topAnomalies().subList(0, 5).forEach(t -> System.err.println("  " + t.user() + ": " + t.reasons().stream()
                .map(AnomalyReport.Reason::text).collect(Collectors.joining("; "))));
    }

    @Test
    void theGroundTruthIsEvaluatedAndCommittedWithTheRun() throws IOException {
        io.streamguard.report.Evaluation e;
        try (var in = Files.newInputStream(output.resolve(io.streamguard.report.Evaluation.FILE))) {
            e = io.streamguard.report.Evaluation.read(in);
        }
        assertThat(e.source()).isEqualTo("ground_truth");
        assertThat(e.rows()).isEqualTo(50);
        assertThat(e.anomalies()).isEqualTo(5);
        assertThat(e.auroc()).isGreaterThan(0.9);
        assertThat(e.byBehaviour()).containsOnlyKeys("brute_force", "exfiltration", "new_countries", "off_hours",
                "suspicious_process");
        assertThat(ReportVerifier.verify(output.resolve("anomaly_report.json"),
                new ReportVerifier.Gates(1, null, null, 0.9, 0.6))).isEmpty();
        Path copy = copyOutput();
        Path evaluation = copy.resolve("evaluation.json");
        Files.writeString(evaluation, Files.readString(evaluation).replaceFirst("\"auroc\" : [0-9.]+", "\"auroc\" : 0.7"));
        assertThat(ReportVerifier.verify(copy.resolve("anomaly_report.json"),
                new ReportVerifier.Gates(1, null, null, 0.9, null))).extracting(Violation::toString)
                .containsExactly("evaluation.json/auroc: expected >= minAuroc (0.9), found 0.7");
    }

    @Test
    void qualityGatesWithoutAnEvaluationSayHowToGetOne() throws IOException {
        Path copy = copyOutput();
        Files.delete(copy.resolve("evaluation.json"));
        assertThat(ReportVerifier.verify(copy.resolve("anomaly_report.json"),
                new ReportVerifier.Gates(1, null, null, 0.8, null))).singleElement().asString()
                .contains("otherwise run streamguard:evaluate");
    }

    @Test
    void aFreshRunPassesVerification() {
        assertThat(ReportVerifier.verify(output.resolve("anomaly_report.json"), NO_GATES)).isEmpty();
    }

    @Test
    void aMissingReportSaysWhereItLookedAndWhatToDo() {
        List<Violation> v = ReportVerifier.verify(temp.resolve("anomaly_report.json"), NO_GATES);
        assertThat(v).singleElement().asString().contains("no such file", "run 'mvn streamguard:run' first");
    }

    @Test
    void contentAfterTheReportAndJsonBeyondJacksonsLimitsAreMalformedNotIgnoredOrACrash() throws IOException {
        Path copy = copyOutput();
        Path report = copy.resolve("anomaly_report.json");
        String whole = Files.readString(report);
        Files.writeString(report, whole + "\n{\"schema_version\": 3}");
        assertThat(ReportVerifier.verify(report, NO_GATES)).singleElement().asString()
                .startsWith("/: expected well-formed JSON, found malformed JSON:");
        Files.writeString(report, "[".repeat(1_001) + "]".repeat(1_001));
        assertThat(ReportVerifier.verify(report, NO_GATES)).singleElement().asString()
                .startsWith("/: expected well-formed JSON, found malformed JSON:");
    }

    @Test
    void truncatedJsonIsReportedWithItsPosition() throws IOException {
        Path copy = copyOutput();
        Path report = copy.resolve("anomaly_report.json");
        byte[] bytes = Files.readAllBytes(report);
        Files.write(report, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThat(ReportVerifier.verify(report, NO_GATES)).singleElement().asString()
                .startsWith("/: expected well-formed JSON, found malformed JSON:").contains("line");
    }

    @Test
    void aMissingFieldIsNamed() throws IOException {
        List<Violation> v = verifyEdited(r -> r.remove("total_users"));
        assertThat(v).singleElement().asString().contains("total_users").contains("required");
    }

    @Test
    void aFieldOfTheWrongTypeIsNamedWithItsValue() throws IOException {
        List<Violation> v = verifyEdited(r -> r.put("total_users", "fifty"));
        assertThat(v).singleElement().satisfies(x -> {
            assertThat(x.field()).isEqualTo("/total_users");
            assertThat(x.expected()).contains("integer");
            assertThat(x.actual()).isEqualTo("\"fifty\"");
        });
    }

    @Test
    void anInconsistentRateIsShownWithTheRatioItShouldBe() throws IOException {
        List<Violation> v = verifyEdited(r -> r.put("anomaly_rate", 0.5));
        assertThat(v).extracting(Violation::toString)
                .containsExactly("/anomaly_rate: expected anomalous_users / total_users = 5/50 = 0.1, found 0.5");
    }

    @Test
    void anUnsortedTopListIsCaught() throws IOException {
        List<Violation> v = verifyEdited(r -> {
            ArrayNode top = (ArrayNode) r.get("top_anomalies");
            ObjectNode first = (ObjectNode) top.get(0).deepCopy();
            top.set(0, top.get(1));
            top.set(1, first);
        });
        assertThat(v).singleElement().asString().startsWith("/top_anomalies/1/anomaly_score: expected <= the "
                + "previous entry's score");
    }

    @Test
    void aScoreOutsideTheUnitIntervalIsCaughtBySchema() throws IOException {
        List<Violation> v = verifyEdited(r -> ((ObjectNode) r.get("top_anomalies").get(0)).put("anomaly_score", 1.5));
        assertThat(v).singleElement().satisfies(x -> {
            assertThat(x.field()).isEqualTo("/top_anomalies/0/anomaly_score");
            assertThat(x.expected()).contains("maximum");
            assertThat(x.actual()).isEqualTo("1.5");
        });
    }

    @Test
    void outputsOfAnotherRunAndAPendingCommitAreCaught() throws IOException {
        Path copy = copyOutput();
        String runId = outcome.report().run().runId();
        assertThat(copy.resolve("training_data/_RUN_ID")).hasContent(runId);
        assertThat(copy.resolve("quarantine/_RUN_ID")).hasContent(runId);
        Files.writeString(copy.resolve("quarantine/_RUN_ID"), "another-run");
        Files.writeString(copy.resolve(".streamguard-commit"), "run_id=another-run");
        assertThat(ReportVerifier.verify(copy.resolve("anomaly_report.json"), NO_GATES)).extracting(Violation::toString)
                .containsExactly(".streamguard-commit: expected no commit in progress, found the journal of a commit "
                                + "that was cut short (or is running): the next 'mvn streamguard:run' on this directory "
                                + "completes it",
                        "quarantine/_RUN_ID: expected the report's run id " + runId + ", found another-run");
    }

    @Test
    void anEvaluationOrGroundTruthOfAnotherRunIsCaught() throws IOException {
        Path copy = copyOutput();
        String runId = outcome.report().run().runId();
        Path evaluation = copy.resolve("evaluation.json");
        Path truth = copy.resolve("ground_truth.json");
        assertThat(Evaluation.read(Files.newInputStream(evaluation)).runId()).isEqualTo(runId);
        assertThat(GroundTruth.read(truth).runId()).isEqualTo(runId);
        Files.writeString(evaluation, Files.readString(evaluation).replace(runId, "another-run"));
        Files.writeString(truth, Files.readString(truth).replace(runId, "a-third-run"));
        assertThat(ReportVerifier.verify(copy.resolve("anomaly_report.json"), NO_GATES)).extracting(Violation::toString)
                .containsExactly("evaluation.json/run_id: expected the report's run id " + runId + ", found another-run",
                        "ground_truth.json/run_id: expected the report's run id " + runId + ", found a-third-run");
    }

    @Test
    void aDatasetEvaluationBesideTheReportDoesNotPassTheQualityGates() throws IOException {
        Path copy = copyOutput();
        String runId = outcome.report().run().runId();
        Path evaluation = copy.resolve("evaluation.json");
        // What 'streamguard:evaluate -Dstreamguard.dataset=…' leaves: an evaluation of a CSV, with no run id.
        Files.writeString(evaluation, Files.readString(evaluation)
                .replace("\"ground_truth\"", "\"dataset\"").replace("\"" + runId + "\"", "null"));
        assertThat(ReportVerifier.verify(copy.resolve("anomaly_report.json"), new ReportVerifier.Gates(1, null, null,
                0.5, null))).extracting(Violation::toString).containsExactly("evaluation.json: expected this run's "
                        + "evaluation against its ground truth (source ground_truth, run_id " + runId + ") for the "
                        + "quality gates, found source dataset, run_id null");
    }

    @Test
    void anEvaluationOutsideZeroToOnePassesNoGate() throws IOException {
        Path copy = copyOutput();
        Path evaluation = copy.resolve("evaluation.json");
        Files.writeString(evaluation, Files.readString(evaluation)
                .replaceFirst("\"auroc\"\\s*:\\s*[0-9.eE+-]+", "\"auroc\": 7.5"));
        assertThat(ReportVerifier.verify(copy.resolve("anomaly_report.json"), new ReportVerifier.Gates(1, null, null,
                0.5, null))).extracting(Violation::toString)
                .containsExactly("evaluation.json/auroc: expected a value in [0, 1], found 7.5");
    }

    @Test
    void missingParquetIsCaught() throws IOException {
        Path copy = copyOutput();
        deleteRecursively(copy.resolve("training_data"));
        assertThat(ReportVerifier.verify(copy.resolve("anomaly_report.json"), NO_GATES)).singleElement().asString()
                .startsWith("training_data: expected a Parquet directory at").endsWith("found no such directory");
    }

    @Test
    void aTruncatedParquetFileAndTheRowsItHeldAreCaught() throws IOException {
        Path copy = copyOutput();
        Path file;
        try (Stream<Path> walk = Files.walk(copy.resolve("training_data/is_anomaly=1"))) {
            file = walk.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        assertThat(ReportVerifier.verify(copy.resolve("anomaly_report.json"), NO_GATES)).extracting(Violation::toString)
                .anySatisfy(s -> assertThat(s).contains("expected a readable Parquet file", "magic bytes"))
                .anySatisfy(s -> assertThat(s).startsWith("training_data: expected total_users (50) rows, found"));
    }

    @Test
    void reportAndParquetMustAgreeOnUsers() throws IOException {
        List<Violation> v = verifyEdited(r -> {
            r.put("total_users", 60);
            r.put("anomaly_rate", 5.0 / 60);
        });
        assertThat(v).extracting(Violation::toString)
                .containsExactly("training_data: expected total_users (60) rows, found 50 rows");
    }

    @Test
    void thresholdsAreGates() {
        List<Violation> v = ReportVerifier.verify(output.resolve("anomaly_report.json"),
                new ReportVerifier.Gates(51, 0.05, 6_000L));
        assertThat(v).extracting(Violation::toString).containsExactly(
                "/total_users: expected >= minUsers (51), found 50",
                "/anomaly_rate: expected <= maxAnomalyRate (0.05), found 0.1",
                "/events_read: expected >= minEventsRead (6000), found 5000");
    }

    private List<Violation> verifyEdited(Consumer<ObjectNode> edit) throws IOException {
        Path copy = copyOutput();
        Path report = copy.resolve("anomaly_report.json");
        ObjectNode tree = (ObjectNode) JSON.readTree(report.toFile());
        edit.accept(tree);
        JSON.writeValue(report.toFile(), tree);
        return ReportVerifier.verify(report, NO_GATES);
    }

    private Path copyOutput() throws IOException {
        Path target = temp.resolve("copy");
        try (Stream<Path> walk = Files.walk(output)) {
            for (Path p : walk.toList()) {
                Path dest = target.resolve(output.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return target;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
