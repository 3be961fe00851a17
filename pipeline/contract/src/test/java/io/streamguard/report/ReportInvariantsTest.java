package io.streamguard.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportInvariantsTest {

    static AnomalyReport valid() {
        return new AnomalyReport(1,
                new AnomalyReport.Run("run-1", "2026-11-26T10:00:00Z", "2026-11-26T10:00:05Z", "dev", "3.5.7",
                        "local[*]", "127.0.0.1:9092", "security-events", "newest", "newest", null, 1000),
                5000, 1000, 1000, 2, Map.of("not_json", 2L),
                List.of(new AnomalyReport.OffsetRangeEntry("security-events", 0, 100, 600),
                        new AnomalyReport.OffsetRangeEntry("security-events", 1, 0, 500)),
                20, 2, 0.1,
                new AnomalyReport.Model("isolation_forest", 100, 256, 20, 0.1, 42, 0.61, List.of("total_events")),
                new AnomalyReport.Timings(10, 200, 300, 400, 500, 3000),
                List.of(new AnomalyReport.TopAnomaly("mallory", 0.71, 80, 0.6),
                        new AnomalyReport.TopAnomaly("trent", 0.65, 40, 0.2)));
    }

    @Test
    void aConsistentReportHasNoViolationsAndSurvivesAJsonRoundTrip() throws IOException {
        AnomalyReport report = valid();
        assertThat(ReportInvariants.check(report)).isEmpty();
        byte[] json = ReportJson.toBytes(report);
        assertThat(new String(json)).contains("\"anomaly_rate\" : 0.1", "\"top_anomalies\"", "\"until\" : null");
        assertThat(ReportJson.read(json)).isEqualTo(report);
    }

    @Test
    void eachBrokenInvariantIsNamedWithExpectedAndActual() {
        AnomalyReport r = valid();
        AnomalyReport broken = new AnomalyReport(3, r.run(), 500, 1000, 1200, 1300, Map.of("not_json", 5L),
                r.offsetRanges(), 20, 25, 0.5, r.model(), new AnomalyReport.Timings(10, 20, 30, 40, 50, 60),
                List.of(new AnomalyReport.TopAnomaly("a", 0.5, 1, 0.1), new AnomalyReport.TopAnomaly("b", 0.9, 1, 1.5),
                        new AnomalyReport.TopAnomaly("c", -0.1, 1, 0.1)));
        assertThat(ReportInvariants.check(broken)).extracting(Violation::toString).containsExactly(
                "/schema_version: expected a supported version [1, 2], found 3",
                "/anomalous_users: expected <= total_users (20), found 25",
                "/anomaly_rate: expected anomalous_users / total_users = 25/20 = 1.25, found 0.5",
                "/malformed_events: expected <= events_read (1200), found 1300",
                "/events_read: expected <= events_planned (1000), found 1200",
                "/events_planned: expected <= events_available (500), found 1000",
                "/malformed_by_reason: expected counts adding up to malformed_events (1300), found a sum of 5",
                "/top_anomalies/1/anomaly_score: expected <= the previous entry's score (0.5): top_anomalies sorted "
                        + "by score, descending, found 0.9",
                "/top_anomalies/1/avg_threat_score: expected a value in [0, 1], found 1.5",
                "/top_anomalies/2/anomaly_score: expected a score in [0, 1], found -0.1",
                "/timings_ms/total: expected >= the sum of the stages (150), found 60");
    }

    @Test
    void aCappedQuarantineAndTheIsolationLevelAreRecordedAndChecked() throws IOException {
        AnomalyReport r = valid();
        AnomalyReport.Run run = new AnomalyReport.Run("run-1", "2026-11-26T10:00:00Z", "2026-11-26T10:00:05Z", "dev",
                "3.5.7", "local[*]", "127.0.0.1:9092", "security-events", "newest", "newest", null, 1000,
                "read_committed");
        AnomalyReport capped = new AnomalyReport(1, run, 5000, 1000, 1000, 2, r.malformedByReason(),
                new AnomalyReport.Quarantine(1, 900, 1000, true), r.offsetRanges(), 20, 2, 0.1, r.model(),
                r.timingsMs(), r.topAnomalies());
        assertThat(ReportInvariants.check(capped)).isEmpty();
        byte[] json = ReportJson.toBytes(capped);
        assertThat(new String(json)).contains("\"isolation_level\" : \"read_committed\"", "\"truncated\" : true");
        assertThat(ReportJson.read(json)).isEqualTo(capped);
        assertThat(new String(ReportJson.toBytes(r))).doesNotContain("quarantine", "isolation_level");

        AnomalyReport lying = new AnomalyReport(1, run, 5000, 1000, 1000, 2, r.malformedByReason(),
                new AnomalyReport.Quarantine(3, 1200, 1000, false), r.offsetRanges(), 20, 2, 0.1, r.model(),
                r.timingsMs(), r.topAnomalies());
        assertThat(ReportInvariants.check(lying)).extracting(Violation::toString).containsExactly(
                "/quarantine/records: expected <= malformed_events (2), found 3",
                "/quarantine/bytes: expected <= max_bytes (1000), found 1200");
        AnomalyReport silentCut = new AnomalyReport(1, run, 5000, 1000, 1000, 2, r.malformedByReason(),
                new AnomalyReport.Quarantine(1, 900, 1000, false), r.offsetRanges(), 20, 2, 0.1, r.model(),
                r.timingsMs(), r.topAnomalies());
        assertThat(ReportInvariants.check(silentCut)).extracting(Violation::toString).containsExactly(
                "/quarantine/truncated: expected true exactly when records (1) < malformed_events (2), found false");
    }

    @Test
    void offsetRangesMustCoverThePlannedEvents() {
        AnomalyReport r = valid();
        AnomalyReport broken = new AnomalyReport(1, r.run(), 5000, 1000, 1000, 2, r.malformedByReason(),
                List.of(new AnomalyReport.OffsetRangeEntry("security-events", 0, 600, 100)), 20, 2, 0.1, r.model(),
                r.timingsMs(), r.topAnomalies());
        assertThat(ReportInvariants.check(broken)).extracting(Violation::toString).containsExactly(
                "/offset_ranges/0: expected from <= until, found from 600, until 100",
                "/offset_ranges: expected ranges covering events_planned (1000) offsets, found -500 offsets");
    }

    @Test
    void numbersCraftedToWrapPast2To63OrToReadAsInfinityAreViolations() throws IOException {
        AnomalyReport r = valid();
        long max = Long.MAX_VALUE;
        // In longs each of these wrapped around into a match: 2 (2^63 - 1) + 1002 = 1000, 2 (2^63 - 1) + 4 = 2,
        // and stages summing to 8 under a total of 3000.
        AnomalyReport wrapped = new AnomalyReport(1, r.run(), 5000, 1000, 1000, 2,
                Map.of("not_json", max, "oversized", max, "null_value", 4L),
                List.of(new AnomalyReport.OffsetRangeEntry("security-events", 0, 0, max),
                        new AnomalyReport.OffsetRangeEntry("security-events", 1, 0, max),
                        new AnomalyReport.OffsetRangeEntry("security-events", 2, 0, 1002)),
                20, 2, 0.1, r.model(), new AnomalyReport.Timings(max, max, 10, 0, 0, 3000), r.topAnomalies());
        assertThat(ReportInvariants.check(wrapped)).extracting(Violation::toString).containsExactly(
                "/malformed_by_reason: expected counts adding up to malformed_events (2), found a sum of "
                        + "18446744073709551618",
                "/offset_ranges: expected ranges covering events_planned (1000) offsets, found 18446744073709552616 "
                        + "offsets",
                "/timings_ms/total: expected >= the sum of the stages (18446744073709551624), found 3000");

        String json = new String(ReportJson.toBytes(new AnomalyReport(2, r.run(), 5000, 1000, 1000, 2,
                r.malformedByReason(), r.offsetRanges(), 20, 2, 0.1, r.model(), r.timingsMs(),
                List.of(new AnomalyReport.TopAnomaly("mallory", 0.71, 80, 0.6, List.of(
                        new AnomalyReport.Reason("total_events", 80, 20, 4.5, "80 events")))))))
                .replace("\"robust_z\" : 4.5", "\"robust_z\" : 1e400").replace("\"median\" : 20.0", "\"median\" : -1e999");
        assertThat(json).contains("1e400", "-1e999");
        assertThat(ReportInvariants.check(ReportJson.read(json.getBytes()))).extracting(Violation::toString)
                .containsExactly("/top_anomalies/0/reasons/0/median: expected a finite number, found -Infinity",
                        "/top_anomalies/0/reasons/0/robust_z: expected a finite number, found Infinity");
    }

    @Test
    void versionTwoEntriesGiveTheirReasonsAndVersionOneEntriesNone() throws IOException {
        AnomalyReport r = valid();
        List<AnomalyReport.Reason> reasons = List.of(
                new AnomalyReport.Reason("total_events", 80, 20, 4.5, "80 events, 4.0x the median (20)"));
        AnomalyReport v2 = new AnomalyReport(2, r.run(), 5000, 1000, 1000, 2, r.malformedByReason(),
                r.offsetRanges(), 20, 2, 0.1, r.model(), r.timingsMs(),
                List.of(new AnomalyReport.TopAnomaly("mallory", 0.71, 80, 0.6, reasons),
                        new AnomalyReport.TopAnomaly("trent", 0.65, 40, 0.2, List.of())));
        assertThat(ReportInvariants.check(v2)).isEmpty();
        assertThat(new String(ReportJson.toBytes(v2))).contains("\"reasons\" : [ {", "\"robust_z\" : 4.5",
                "\"reasons\" : [ ]");
        assertThat(ReportJson.read(ReportJson.toBytes(v2))).isEqualTo(v2);
        assertThat(new String(ReportJson.toBytes(r))).as("version 1 entries have no reasons field")
                .doesNotContain("reasons");

        AnomalyReport v2WithoutReasons = new AnomalyReport(2, r.run(), 5000, 1000, 1000, 2, r.malformedByReason(),
                r.offsetRanges(), 20, 2, 0.1, r.model(), r.timingsMs(), r.topAnomalies());
        assertThat(ReportInvariants.checkGroups(v2WithoutReasons).get("reasons")).extracting(Violation::toString)
                .containsExactly("/top_anomalies/0/reasons: expected the reasons of the entry (schema_version 2), "
                        + "found nothing", "/top_anomalies/1/reasons: expected the reasons of the entry "
                        + "(schema_version 2), found nothing");
        AnomalyReport v1WithReasons = new AnomalyReport(1, r.run(), 5000, 1000, 1000, 2, r.malformedByReason(),
                r.offsetRanges(), 20, 2, 0.1, r.model(), r.timingsMs(), v2.topAnomalies());
        assertThat(ReportInvariants.check(v1WithReasons)).extracting(Violation::toString).containsExactly(
                "/top_anomalies/0/reasons: expected no reasons in a version 1 report, found 1 reasons",
                "/top_anomalies/1/reasons: expected no reasons in a version 1 report, found 0 reasons");
        assertThat(ReportInvariants.checkGroups(v2).keySet()).containsExactlyElementsOf(ReportInvariants.GROUPS);
    }

    @Test
    void trainingDataMustHoldOneRowPerUser() {
        assertThat(ReportInvariants.checkTrainingRows(valid(), 20, Map.of("0", 18L, "1", 2L))).isEmpty();
        assertThat(ReportInvariants.checkTrainingRows(valid(), 19, Map.of("0", 18L, "1", 1L)))
                .extracting(Violation::toString).containsExactly(
                        "training_data: expected total_users (20) rows, found 19 rows",
                        "training_data/is_anomaly=1: expected anomalous_users (2) rows, found 1 rows");
    }

    @Test
    void theSchemaOfEachVersionShipsWithTheReportClasses() throws IOException {
        for (int version : AnomalyReport.SUPPORTED_VERSIONS) {
            try (InputStream in = ReportJson.schema(version)) {
                String schema = new String(in.readAllBytes());
                assertThat(schema).contains("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"",
                        "\"schema_version\": {\"const\": " + version + "}");
                for (String field : List.of("total_users", "anomalous_users", "anomaly_rate", "top_anomalies",
                        "offset_ranges", "malformed_events", "events_read", "timings_ms")) {
                    assertThat(schema).contains("\"" + field + "\"");
                }
                assertThat(schema.contains("\"robust_z\"")).as("version %d has reasons", version)
                        .isEqualTo(version >= 2);
            }
        }
        try (InputStream in = ReportJson.schema()) {
            assertThat(new String(in.readAllBytes())).contains("\"const\": " + AnomalyReport.SCHEMA_VERSION + "}");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReportJson.schema(3))
                .hasMessage("no JSON Schema for report version 3; versions: [1, 2]");
    }
}
