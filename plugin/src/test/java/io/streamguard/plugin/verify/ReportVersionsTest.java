package io.streamguard.plugin.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamguard.report.AnomalyReport;
import io.streamguard.report.ReportInvariants;
import io.streamguard.report.ReportJson;
import io.streamguard.report.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify-report} reads reports of every version it knows, each against its own schema, and no other. */
class ReportVersionsTest {

    private static final ReportVerifier.Gates NO_GATES = new ReportVerifier.Gates(1, null, null);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    static AnomalyReport report(int version, List<AnomalyReport.Reason> reasons) {
        return new AnomalyReport(version,
                new AnomalyReport.Run("run-1", "2026-11-26T10:00:00Z", "2026-11-26T10:00:05Z", "dev", "3.5.7",
                        "local[*]", "127.0.0.1:9092", "security-events", "newest", "newest", null, 1000),
                5000, 1000, 1000, 0, Map.of(), List.of(new AnomalyReport.OffsetRangeEntry("security-events", 0, 0, 1000)),
                20, 2, 0.1,
                new AnomalyReport.Model("isolation_forest", 100, 256, 20, 0.1, 42, 0.61,
                        List.of("total_events", "failed_events")),
                new AnomalyReport.Timings(10, 200, 300, 400, 500, 3000),
                List.of(new AnomalyReport.TopAnomaly("mallory", 0.71, 80, 0.6, reasons)));
    }

    static List<AnomalyReport.Reason> reasons() {
        return List.of(new AnomalyReport.Reason("failed_events", 418, 11, 25.3, "418 failed events, 38x the median (11)"),
                new AnomalyReport.Reason("total_events", 80, 40, 2.1, "80 events, 2.0x the median (40)"));
    }

    private ReportVerifier.Verification verify(Object report) throws IOException {
        Path file = temp.resolve("anomaly_report.json");
        Files.write(file, report instanceof AnomalyReport r ? ReportJson.toBytes(r) : JSON.writeValueAsBytes(report));
        return ReportVerifier.check(file, NO_GATES);
    }

    private static ReportVerifier.Check named(ReportVerifier.Verification v, String name) {
        return v.checks().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aVersionOneReportWithoutReasonsPassesItsSchemaAndInvariants() throws IOException {
        ReportVerifier.Verification v = verify(report(1, null));
        assertThat(named(v, ReportVerifier.SCHEMA_CHECK).violations()).isEmpty();
        assertThat(v.checks()).filteredOn(c -> c.name().startsWith("invariants.")).allMatch(ReportVerifier.Check::passed)
                .hasSize(ReportInvariants.GROUPS.size());
        // No Parquet beside the fixture: the only violation.
        assertThat(v.violations()).extracting(Violation::field).containsExactly("training_data");
    }

    @Test
    void aVersionTwoReportWithReasonsPassesItsSchemaAndInvariants() throws IOException {
        ReportVerifier.Verification v = verify(report(2, reasons()));
        assertThat(v.violations()).extracting(Violation::field).containsExactly("training_data");
        assertThat(new String(ReportJson.toBytes(report(2, reasons()))))
                .contains("\"schema_version\" : 2", "\"robust_z\" : 25.3", "\"text\" : \"418 failed events, 38x");
    }

    @Test
    void versionTwoRequiresReasonsAndVersionOneAllowsNone() throws IOException {
        assertThat(verify(report(2, null)).violations()).extracting(Violation::toString).singleElement().asString()
                .startsWith("/top_anomalies/0: expected to satisfy the schema of version 2: ").contains("reasons");
        assertThat(verify(report(1, reasons())).violations()).extracting(Violation::toString).singleElement()
                .asString().startsWith("/top_anomalies/0: expected to satisfy the schema of version 1: ")
                .contains("reasons");
    }

    @Test
    void anUnknownOrMissingVersionIsAViolationNamingIt() throws IOException {
        ObjectNode v3 = JSON.valueToTree(report(2, reasons()));
        v3.put("schema_version", 3);
        ReportVerifier.Verification v = verify(v3);
        assertThat(v.violations()).extracting(Violation::toString).containsExactly("/schema_version: expected a "
                + "report version this plugin reads [1, 2] (a newer plugin may read newer reports), found 3");
        assertThat(v.checks()).filteredOn(c -> !c.name().equals(ReportVerifier.SCHEMA_CHECK))
                .allMatch(c -> c.skipped() != null);
        assertThat(v.checks()).as("the same test cases whether the report could be read or not")
                .extracting(ReportVerifier.Check::name)
                .containsExactlyElementsOf(verify(report(2, reasons())).checks().stream()
                        .map(ReportVerifier.Check::name).toList());
        v3.put("schema_version", "2");
        assertThat(verify(v3).violations()).extracting(Violation::toString).singleElement().asString()
                .endsWith("found \"2\"");
        v3.remove("schema_version");
        assertThat(verify(v3).violations()).extracting(Violation::toString).singleElement().asString()
                .endsWith("found nothing");
    }

    @Test
    void aPageOfAnotherRunBesideTheReportIsCaught() throws IOException {
        Files.writeString(temp.resolve("anomaly_report.html"),
                "<html><head><meta name=\"streamguard-run-id\" content=\"run-0\">");
        assertThat(ReportVerifier.checkCommit(temp, "run-1")).extracting(Violation::toString)
                .containsExactly("anomaly_report.html/run_id: expected the report's run id run-1, found run-0");
        Files.writeString(temp.resolve("anomaly_report.html"),
                "<html><head><meta name=\"streamguard-run-id\" content=\"run-1\">");
        assertThat(ReportVerifier.checkCommit(temp, "run-1")).isEmpty();
        // Edited by hand: attributes swapped, other quotes, or the marker taken out.
        Files.writeString(temp.resolve("anomaly_report.html"),
                "<html><head><META content='run-0' data-x=1 name=streamguard-run-id></head>");
        assertThat(ReportVerifier.checkCommit(temp, "run-1")).extracting(Violation::toString)
                .containsExactly("anomaly_report.html/run_id: expected the report's run id run-1, found run-0");
        Files.writeString(temp.resolve("anomaly_report.html"), "<html><head><meta charset=\"utf-8\"></head>");
        assertThat(ReportVerifier.checkCommit(temp, "run-1")).extracting(Violation::toString).containsExactly(
                "anomaly_report.html/run_id: expected a <meta name=\"streamguard-run-id\"> naming the report's run, "
                        + "found none");
    }

    @Test
    void reasonsMustNameModelFeaturesMostDeviatingFirst() throws IOException {
        List<AnomalyReport.Reason> wrong = List.of(reasons().get(1), reasons().get(0),
                new AnomalyReport.Reason("shoe_size", 44, 42, 1.0, "44 shoe size"));
        assertThat(verify(report(2, wrong)).violations()).extracting(Violation::toString).containsExactly(
                "/top_anomalies/0/reasons/1/robust_z: expected |robust_z| <= the previous reason's (2.1): most "
                        + "deviating first, found 25.3",
                "/top_anomalies/0/reasons/2/feature: expected one of model.features, found shoe_size",
                "training_data: expected a Parquet directory at " + temp.resolve("training_data").toAbsolutePath()
                        + ", found no such directory");
    }
}
