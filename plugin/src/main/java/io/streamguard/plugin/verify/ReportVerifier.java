package io.streamguard.plugin.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.streamguard.report.AnomalyReport;
import io.streamguard.report.CommitFiles;
import io.streamguard.report.Evaluation;
import io.streamguard.report.GroundTruth;
import io.streamguard.report.ReportInvariants;
import io.streamguard.report.ReportJson;
import io.streamguard.report.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks a finished run: the report against the shipped JSON Schema of its {@code schema_version}, then the invariants
 * no schema can express, then the Parquet training data beside it (files, columns, one row per user), then the user's
 * thresholds. Every violation is collected, none stops the others, except that a report which is missing, not JSON,
 * of an unknown version or off-schema is not read further. The checks are named ({@link Check}) so that CI can list
 * each as a test case ({@link JUnitReport}).
 */
public final class ReportVerifier {

    /**
     * Thresholds a CI build sets; null means "not checked". The quality gates read {@code evaluation.json} beside the
     * report (written when the run had ground truth, or by {@code streamguard:evaluate}).
     */
    public record Gates(long minUsers, Double maxAnomalyRate, Long minEventsRead, Double minAuroc,
                        Double minPrecisionAtK) {

        public Gates(long minUsers, Double maxAnomalyRate, Long minEventsRead) {
            this(minUsers, maxAnomalyRate, minEventsRead, null, null);
        }
    }

    /**
     * One named check and what it found.
     *
     * @param skipped why the check did not run (its threshold is unset, or the report could not be read); null when
     *     it ran
     * @param nanos how long it took
     */
    public record Check(String name, List<Violation> violations, String skipped, long nanos) {

        public boolean passed() {
            return skipped == null && violations.isEmpty();
        }
    }

    /** Every check of one verification, in the order they ran. */
    public record Verification(Path report, List<Check> checks) {

        /** All violations, check by check. */
        public List<Violation> violations() {
            List<Violation> all = new ArrayList<>();
            checks.forEach(c -> all.addAll(c.violations()));
            return all;
        }
    }

    /** The check of the report file itself: present, JSON, a known version, and on that version's schema. */
    public static final String SCHEMA_CHECK = "schema";

    /** Strict: content after the report's object is malformed, not ignored. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Map<Integer, JsonSchema> SCHEMAS = loadSchemas();

    private ReportVerifier() {
    }

    private static Map<Integer, JsonSchema> loadSchemas() {
        Map<Integer, JsonSchema> schemas = new HashMap<>();
        for (int version : AnomalyReport.SUPPORTED_VERSIONS) {
            try (InputStream in = ReportJson.schema(version)) {
                schemas.put(version, JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in));
            } catch (IOException e) {
                throw new IllegalStateException("cannot load the JSON Schema of report version " + version, e);
            }
        }
        return Map.copyOf(schemas);
    }

    /** All violations of {@link #check}, check by check. */
    public static List<Violation> verify(Path reportFile, Gates gates) {
        return check(reportFile, gates).violations();
    }

    /** Runs every check; when the report cannot be read, the checks after {@value #SCHEMA_CHECK} are skipped. */
    public static Verification check(Path reportFile, Gates gates) {
        List<Check> checks = new ArrayList<>();
        long start = System.nanoTime();
        List<Violation> schemaViolations = new ArrayList<>();
        AnomalyReport report = readReport(reportFile, schemaViolations);
        checks.add(new Check(SCHEMA_CHECK, schemaViolations, null, System.nanoTime() - start));
        if (report == null) {
            String why = "not run: the report did not pass the schema check";
            for (String name : checkNamesAfterSchema()) {
                checks.add(new Check(name, List.of(), why, 0));
            }
            return new Verification(reportFile, checks);
        }
        // The invariants take microseconds together: no time of their own.
        for (Map.Entry<String, List<Violation>> group : ReportInvariants.checkGroups(report).entrySet()) {
            checks.add(new Check("invariants." + group.getKey(), group.getValue(), null, 0));
        }
        Path dir = reportFile.toAbsolutePath().getParent();
        checks.add(run("commit", () -> checkCommit(dir, report.run().runId())));
        checks.add(run("training_data", () -> checkTrainingData(dir.resolve("training_data"), report)));
        checks.add(run("threshold.minUsers", () -> report.totalUsers() < gates.minUsers()
                ? List.of(new Violation("/total_users", ">= minUsers (" + gates.minUsers() + ")",
                        Long.toString(report.totalUsers())))
                : List.of()));
        checks.add(gates.maxAnomalyRate() == null ? unset("threshold.maxAnomalyRate")
                : run("threshold.maxAnomalyRate", () -> report.anomalyRate() > gates.maxAnomalyRate()
                        ? List.of(new Violation("/anomaly_rate", "<= maxAnomalyRate (" + gates.maxAnomalyRate() + ")",
                                Double.toString(report.anomalyRate())))
                        : List.of()));
        checks.add(gates.minEventsRead() == null ? unset("threshold.minEventsRead")
                : run("threshold.minEventsRead", () -> report.eventsRead() < gates.minEventsRead()
                        ? List.of(new Violation("/events_read", ">= minEventsRead (" + gates.minEventsRead() + ")",
                                Long.toString(report.eventsRead())))
                        : List.of()));
        checks.add(gates.minAuroc() == null && gates.minPrecisionAtK() == null ? unset("quality")
                : run("quality", () -> checkQuality(reportFile.resolveSibling(Evaluation.FILE), gates,
                        report.run().runId())));
        return new Verification(reportFile, checks);
    }

    /** The checks after the schema, by name, in order: what a report that cannot be read skips. */
    private static List<String> checkNamesAfterSchema() {
        List<String> names = new ArrayList<>();
        ReportInvariants.GROUPS.forEach(g -> names.add("invariants." + g));
        names.addAll(List.of("commit", "training_data", "threshold.minUsers", "threshold.maxAnomalyRate",
                "threshold.minEventsRead", "quality"));
        return names;
    }

    private static Check run(String name, Supplier<List<Violation>> check) {
        long start = System.nanoTime();
        List<Violation> violations = check.get();
        return new Check(name, violations, null, System.nanoTime() - start);
    }

    private static Check unset(String name) {
        return new Check(name, List.of(), "not run: no threshold set", 0);
    }

    /**
     * The report, or null with the reasons in {@code violations}: missing, not JSON, of an unknown version, off the
     * schema of its version.
     */
    private static AnomalyReport readReport(Path reportFile, List<Violation> violations) {
        if (!Files.isRegularFile(reportFile)) {
            violations.add(new Violation(reportFile.getFileName().toString(), "a report at " + reportFile,
                    "no such file (run 'mvn streamguard:run' first, or point streamguard.report at the report)"));
            return null;
        }
        byte[] bytes;
        JsonNode tree;
        try {
            bytes = Files.readAllBytes(reportFile);
            tree = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            // Jackson's own limits (nesting depth, number and string length) come without a location.
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            violations.add(new Violation("/", "well-formed JSON", "malformed JSON: " + e.getOriginalMessage() + where));
            return null;
        } catch (IOException e) {
            violations.add(new Violation("/", "a readable file", e.toString()));
            return null;
        }
        if (tree == null || tree.isMissingNode()) {
            violations.add(new Violation("/", "a JSON object", "an empty file"));
            return null;
        }
        JsonNode version = tree.path("schema_version");
        JsonSchema schema = version.isInt() ? SCHEMAS.get(version.intValue()) : null;
        if (schema == null) {
            violations.add(new Violation("/schema_version", "a report version this plugin reads "
                    + AnomalyReport.SUPPORTED_VERSIONS + " (a newer plugin may read newer reports)",
                    version.isMissingNode() ? "nothing" : abbreviate(version.toString())));
            return null;
        }
        List<ValidationMessage> schemaErrors = new ArrayList<>(schema.validate(tree));
        schemaErrors.sort(Comparator.comparing(m -> m.getInstanceLocation().toString()));
        for (ValidationMessage m : schemaErrors) {
            String location = m.getInstanceLocation().toString();
            JsonNode at = tree.at(pointer(location));
            violations.add(new Violation(pointer(location).isEmpty() ? "/" : pointer(location),
                    "to satisfy the schema of version " + version.intValue() + ": " + m.getMessage(),
                    at.isMissingNode() ? "nothing" : abbreviate(at.toString())));
        }
        if (!violations.isEmpty()) {
            return null;
        }
        try {
            return ReportJson.read(bytes);
        } catch (IOException e) {
            violations.add(new Violation("/", "a report the job wrote", e.getMessage()));
            return null;
        }
    }

    /**
     * The outputs beside the report belong to its run: no commit is pending, and every directory item that carries
     * a run id marker carries the report's.
     */
    static List<Violation> checkCommit(Path outputDirectory, String runId) {
        List<Violation> violations = new ArrayList<>();
        if (Files.exists(outputDirectory.resolve(CommitFiles.JOURNAL))) {
            violations.add(new Violation(CommitFiles.JOURNAL, "no commit in progress", "the journal of a commit that "
                    + "was cut short (or is running): the next 'mvn streamguard:run' on this directory completes it"));
        }
        for (String item : List.of("training_data", "quarantine")) {
            Path marker = outputDirectory.resolve(item).resolve(CommitFiles.RUN_ID_MARKER);
            if (Files.isRegularFile(marker)) {
                try {
                    String written = Files.readString(marker).trim();
                    if (!written.equals(runId)) {
                        violations.add(new Violation(item + "/" + CommitFiles.RUN_ID_MARKER,
                                "the report's run id " + runId, written));
                    }
                } catch (IOException e) {
                    violations.add(new Violation(item + "/" + CommitFiles.RUN_ID_MARKER, "a readable file",
                            e.toString()));
                }
            }
        }
        violations.addAll(checkRunId(outputDirectory.resolve(Evaluation.FILE), runId,
                in -> Evaluation.read(in).runId()));
        violations.addAll(checkRunId(outputDirectory.resolve(CommitFiles.REPORT_PAGE), runId,
                ReportVerifier::pageRunId));
        violations.addAll(checkPageNamesARun(outputDirectory.resolve(CommitFiles.REPORT_PAGE)));
        violations.addAll(checkRunId(outputDirectory.resolve(GroundTruth.FILE), runId,
                in -> GroundTruth.read(in).runId()));
        return violations;
    }

    private static final Pattern META_TAG = Pattern.compile("<meta\\b[^>]*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTRIBUTE = Pattern.compile(
            "([a-zA-Z_:][-a-zA-Z0-9_:.]*)\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'>]+))");

    /**
     * The run id in the page's {@code <meta name="streamguard-run-id" content="…">}, whatever the order and quoting
     * of its attributes; null when the page has none.
     */
    private static String pageRunId(InputStream in) throws IOException {
        Matcher tag = META_TAG.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        while (tag.find()) {
            Map<String, String> attributes = new HashMap<>();
            Matcher a = ATTRIBUTE.matcher(tag.group());
            while (a.find()) {
                String value = a.group(2) != null ? a.group(2) : a.group(3) != null ? a.group(3) : a.group(4);
                attributes.putIfAbsent(a.group(1).toLowerCase(java.util.Locale.ROOT), value);
            }
            if ("streamguard-run-id".equals(attributes.get("name"))) {
                return attributes.getOrDefault("content", "");
            }
        }
        return null;
    }

    /** Every page StreamGuard writes names its run: one that names none was not written with this report. */
    private static List<Violation> checkPageNamesARun(Path page) {
        if (!Files.isRegularFile(page)) {
            return List.of();
        }
        try (InputStream in = Files.newInputStream(page)) {
            return pageRunId(in) == null
                    ? List.of(new Violation(page.getFileName() + "/run_id",
                            "a <meta name=\"streamguard-run-id\"> naming the report's run", "none"))
                    : List.of();
        } catch (IOException e) {
            return List.of(); // checkRunId has named it
        }
    }

    /** How a file beside the report names the run it was committed with. */
    private interface RunIdReader {
        String read(InputStream in) throws IOException;
    }

    /**
     * A JSON file beside the report that names a run (files of older versions name none) must name the report's:
     * a stale or foreign one would gate this run on another run's numbers.
     */
    private static List<Violation> checkRunId(Path file, String runId, RunIdReader reader) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        String name = file.getFileName().toString();
        try (InputStream in = Files.newInputStream(file)) {
            String written = reader.read(in);
            if (written != null && !written.equals(runId)) {
                return List.of(new Violation(name + "/run_id", "the report's run id " + runId, written));
            }
            return List.of();
        } catch (IOException e) {
            return List.of(new Violation(name, "a readable " + name, e.getMessage()));
        }
    }

    /**
     * The quality gates hold for this run's own evaluation against its ground truth: an evaluation of a labelled
     * CSV ({@code streamguard:evaluate -Dstreamguard.dataset=…}), or of another run, says nothing about this one.
     */
    static List<Violation> checkQuality(Path evaluationFile, Gates gates, String runId) {
        List<Violation> violations = new ArrayList<>();
        if (!Files.isRegularFile(evaluationFile)) {
            violations.add(new Violation(Evaluation.FILE, "an evaluation beside the report for the quality gates "
                    + "(runs on the embedded broker write one; otherwise run streamguard:evaluate)", "no such file"));
            return violations;
        }
        Evaluation e;
        try (InputStream in = Files.newInputStream(evaluationFile)) {
            e = Evaluation.read(in);
        } catch (IOException ex) {
            violations.add(new Violation(Evaluation.FILE, "a readable evaluation", ex.getMessage()));
            return violations;
        }
        if (!"ground_truth".equals(e.source()) || !runId.equals(e.runId())) {
            violations.add(new Violation(Evaluation.FILE, "this run's evaluation against its ground truth (source "
                    + "ground_truth, run_id " + runId + ") for the quality gates", "source " + e.source()
                    + (e.dataset() == null ? "" : " (" + e.dataset() + ")") + ", run_id " + e.runId()));
            return violations;
        }
        // A metric outside [0, 1] is no measurement (a hand-edited or broken file): it must not pass a gate.
        requireShare(violations, "auroc", e.auroc());
        requireShare(violations, "precision_at_k", e.precisionAtK());
        if (!violations.isEmpty()) {
            return violations;
        }
        if (gates.minAuroc() != null && (e.auroc() == null || e.auroc() < gates.minAuroc())) {
            violations.add(new Violation(Evaluation.FILE + "/auroc", ">= minAuroc (" + gates.minAuroc() + ")",
                    String.valueOf(e.auroc())));
        }
        if (gates.minPrecisionAtK() != null && (e.precisionAtK() == null || e.precisionAtK() < gates.minPrecisionAtK())) {
            violations.add(new Violation(Evaluation.FILE + "/precision_at_k",
                    ">= minPrecisionAtK (" + gates.minPrecisionAtK() + ")", String.valueOf(e.precisionAtK())));
        }
        return violations;
    }

    private static void requireShare(List<Violation> violations, String field, Double value) {
        if (value != null && !(value >= 0 && value <= 1)) {
            violations.add(new Violation(Evaluation.FILE + "/" + field, "a value in [0, 1]", String.valueOf(value)));
        }
    }

    static List<Violation> checkTrainingData(Path dir, AnomalyReport report) {
        List<Violation> violations = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            violations.add(new Violation("training_data", "a Parquet directory at " + dir, "no such directory"));
            return violations;
        }
        List<String> expectedColumns = new ArrayList<>();
        expectedColumns.add("user");
        expectedColumns.addAll(report.model().features());
        expectedColumns.add("anomaly_score");
        long rows = 0;
        Map<String, Long> byLabel = new HashMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            violations.add(new Violation("training_data", "a readable directory", e.toString()));
            return violations;
        }
        if (files.isEmpty()) {
            violations.add(new Violation("training_data", "Parquet files (*.parquet)", "none in " + dir));
            return violations;
        }
        for (Path file : files) {
            String relative = dir.relativize(file).toString();
            String partition = dir.relativize(file).getNameCount() > 1 ? dir.relativize(file).getName(0).toString() : "";
            if (!partition.matches("is_anomaly=[01]")) {
                violations.add(new Violation("training_data/" + relative, "a file under is_anomaly=0 or is_anomaly=1",
                        "a file under '" + partition + "'"));
                continue;
            }
            try {
                ParquetFooter footer = ParquetFooter.read(file);
                rows += footer.rows();
                byLabel.merge(partition.substring("is_anomaly=".length()), footer.rows(), Long::sum);
                List<String> missing = expectedColumns.stream().filter(c -> !footer.columns().contains(c)).toList();
                if (!missing.isEmpty()) {
                    violations.add(new Violation("training_data/" + relative, "columns " + missing,
                            "columns " + footer.columns()));
                }
            } catch (IOException | RuntimeException e) {
                violations.add(new Violation("training_data/" + relative, "a readable Parquet file", e.getMessage()));
            }
        }
        violations.addAll(ReportInvariants.checkTrainingRows(report, rows, byLabel));
        return violations;
    }

    /** networknt reports locations as {@code $.a.b[0]}; JSON pointers read {@code /a/b/0}. */
    static String pointer(String location) {
        String p = location.startsWith("$") ? location.substring(1) : location;
        return p.replaceAll("\\[(\\d+)]", ".$1").replace('.', '/');
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
