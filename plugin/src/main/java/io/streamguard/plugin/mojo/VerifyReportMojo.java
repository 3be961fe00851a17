package io.streamguard.plugin.mojo;

import io.streamguard.plugin.verify.JUnitReport;
import io.streamguard.plugin.verify.ReportVerifier;
import io.streamguard.report.ReportJson;
import io.streamguard.report.Violation;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Fails the build when {@code anomaly_report.json} is missing, malformed, off its JSON Schema, breaks an invariant
 * (counts, rate, score range and order), disagrees with the Parquet training data beside it, or misses a threshold.
 * Every violation is listed with the field, the expected and the actual value, and the result is also written as JUnit
 * XML ({@link #junitReport}) for CI to show, pass or fail. Runs in Maven's JVM without Spark.
 */
@Mojo(name = "verify-report", aggregator = true, threadSafe = true, defaultPhase = LifecyclePhase.VERIFY)
public class VerifyReportMojo extends AbstractStreamGuardMojo {

    /**
     * Skips the goal as Failsafe skips integration tests: {@code -DskipITs} builds and unit-tests a project without
     * gating a report that was not written.
     */
    @Parameter(property = "skipITs", defaultValue = "false")
    boolean skipITs;

    /** The report to check; default {@code anomaly_report.json} in {@link #outputDirectory}. */
    @Parameter(property = "streamguard.report")
    File report;

    /** Fewest users the report may hold. */
    @Parameter(property = "streamguard.minUsers", defaultValue = "1")
    long minUsers;

    /** Highest acceptable {@code anomaly_rate}; unchecked when unset. */
    @Parameter(property = "streamguard.maxAnomalyRate")
    Double maxAnomalyRate;

    /** Fewest acceptable {@code events_read}; unchecked when unset. */
    @Parameter(property = "streamguard.minEventsRead")
    Long minEventsRead;

    /** Lowest acceptable AUROC against ground truth ({@code evaluation.json}); unchecked when unset. */
    @Parameter(property = "streamguard.minAuroc")
    Double minAuroc;

    /** Lowest acceptable precision in the top k against ground truth; unchecked when unset. */
    @Parameter(property = "streamguard.minPrecisionAtK")
    Double minPrecisionAtK;

    /**
     * Where the result is written as JUnit XML (one test case per check, a failure per violation), also when the
     * build fails: CI systems that read Surefire's reports list the violations as failed tests.
     */
    @Parameter(property = "streamguard.junitReport",
            defaultValue = "${project.build.directory}/streamguard/verify-report.xml")
    File junitReport;

    /** Fail the build on a violation; {@code false} only warns. */
    @Parameter(property = "streamguard.failOnViolation", defaultValue = "true")
    boolean failOnViolation;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skipped("verify-report", skipITs)) {
            return;
        }
        requireShare("streamguard.maxAnomalyRate", maxAnomalyRate);
        requireShare("streamguard.minAuroc", minAuroc);
        requireShare("streamguard.minPrecisionAtK", minPrecisionAtK);
        requireCount("streamguard.minUsers", minUsers);
        requireCount("streamguard.minEventsRead", minEventsRead);
        Path reportFile = report != null ? report.toPath() : outputDirectory.toPath().resolve(ReportJson.REPORT_FILE);
        ReportVerifier.Verification verification;
        try {
            verification = ReportVerifier.check(reportFile,
                    new ReportVerifier.Gates(minUsers, maxAnomalyRate, minEventsRead, minAuroc, minPrecisionAtK));
        } catch (RuntimeException e) {
            throw new MojoExecutionException("Could not verify " + reportFile + ": " + e.getMessage(), e);
        }
        List<Violation> violations = verification.violations();
        try {
            JUnitReport.write(junitReport.toPath(), verification, Instant.now());
        } catch (IOException | RuntimeException e) {
            throw new MojoExecutionException("Could not write the JUnit report " + junitReport + ": " + e
                    + ". Point streamguard.junitReport at a writable file." + (violations.isEmpty() ? ""
                    : " The report had " + violations.size() + " violation(s): " + violations), e);
        }
        getLog().debug("Wrote the checks as JUnit XML to " + junitReport);
        if (violations.isEmpty()) {
            getLog().info("Report " + reportFile + " is valid: schema, invariants, training data and thresholds hold.");
            return;
        }
        String message = violations.size() + " violation(s) in " + reportFile + ":\n"
                + violations.stream().map(v -> "  - " + v).collect(Collectors.joining("\n"));
        if (failOnViolation) {
            throw new MojoFailureException(message);
        }
        getLog().warn(message);
        getLog().warn("streamguard.failOnViolation is false: not failing the build.");
    }

    /** A threshold that is a count: a negative one could never fail, so it is a mistake, not a gate. */
    private static void requireCount(String property, Long value) throws MojoFailureException {
        if (value != null && value < 0) {
            throw new MojoFailureException(property + " must be 0 or more; was " + value + ".");
        }
    }

    /** A threshold that is a share: NaN would turn its gate off (every comparison with NaN is false). */
    private static void requireShare(String property, Double value) throws MojoFailureException {
        if (value != null && !(value >= 0 && value <= 1)) {
            throw new MojoFailureException(property + " must be in [0, 1]; was " + value + ".");
        }
    }
}
