package io.streamguard.plugin.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamguard.plugin.Console;
import io.streamguard.report.AnomalyReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunSummaryTest {

    private static final String FORGED = "mallory\n[INFO] BUILD SUCCESS\r\u001b[2J\u202Eevil\\n";

    private static AnomalyReport report(AnomalyReport.Quarantine quarantine) {
        return new AnomalyReport(1,
                new AnomalyReport.Run("run-1", "2026-11-26T10:00:00Z", "2026-11-26T10:00:05Z", "dev", "3.5.7",
                        "local[*]", "127.0.0.1:9092", "security-events", "newest", "newest", null, 1000,
                        "read_committed"),
                5000, 1000, 1000, 7, Map.of("wrong_type", 7L), quarantine,
                List.of(new AnomalyReport.OffsetRangeEntry("security-events", 0, 0, 1000)),
                20, 2, 0.1,
                new AnomalyReport.Model("isolation_forest", 100, 256, 20, 0.1, 42, 0.61, List.of("total_events")),
                new AnomalyReport.Timings(10, 200, 300, 400, 500, 3000),
                List.of(new AnomalyReport.TopAnomaly(FORGED, 0.71, 80, 0.6),
                        new AnomalyReport.TopAnomaly("trent", 0.65, 40, 0.2)));
    }

    private static List<String> lines(AnomalyReport report) {
        return RunSummary.lines(new StreamGuardRunner.Outcome(report, Path.of("out/anomaly_report.json"), null,
                "127.0.0.1:9092", 0));
    }

    @Test
    void userNamesFromTheDataCannotForgeLinesOrDriveTheTerminal() {
        List<String> lines = lines(report(null));
        for (String line : lines) {
            assertThat(line.chars()).as(line).noneMatch(c -> Character.isISOControl(c)
                    || Character.getType(c) == Character.FORMAT);
        }
        assertThat(lines).noneMatch(l -> l.startsWith("[INFO]"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(
                "  mallory\\n[INFO] BUILD SUCCESS\\r\\u001B[2J\\u202Eevil\\\\n score 0.7100"));
        assertThat(lines).noneMatch(l -> l.contains("Quarantine cut"));
    }

    @Test
    void aCutQuarantineIsSaid() {
        assertThat(lines(report(new AnomalyReport.Quarantine(3, 900, 1000, true))))
                .contains("Quarantine cut by streamguard.maxQuarantineBytes (1,000 bytes): 3 of 7 malformed records "
                        + "kept");
    }

    @Test
    void printableLeavesOrdinaryTextAloneAndEscapesUnambiguously() {
        assertThat(Console.printable("user-0383 Zoë 山田")).isEqualTo("user-0383 Zoë 山田");
        assertThat(Console.printable("a\\nb")).isEqualTo("a\\\\nb");
        assertThat(Console.printable("a\nb")).isEqualTo("a\\nb");
        assertThat(Console.printable("\u0000\u0085\u2028\u200B")).isEqualTo("\\u0000\\u0085\\u2028\\u200B");
    }

    @Test
    void syntheticDataIsTheSummarysFirstLineAndAWarning() {
        io.streamguard.report.GroundTruth truth = new io.streamguard.report.GroundTruth("synthetic", 42, 50_000, 4,
                "2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z", List.of());
        StreamGuardRunner.Outcome outcome = new StreamGuardRunner.Outcome(report(null),
                Path.of("out/anomaly_report.json"), truth, "127.0.0.1:9092", 50_000);
        io.streamguard.plugin.RecordingConsole console = new io.streamguard.plugin.RecordingConsole();
        RunSummary.print(outcome, console);
        List<String> warnings = console.at("WARN");
        List<String> infos = console.at("INFO");
        assertThat(warnings).containsExactly("SYNTHETIC DATA: these results score 50,000 synthetic events that "
                + "StreamGuard seeded into an embedded broker, not your topic (no streamguard.bootstrapServers "
                + "reached this execution)");
        assertThat(RunSummary.lines(outcome).get(0)).isEqualTo(warnings.get(0));
        assertThat(infos).doesNotContain(warnings.get(0)).hasSize(RunSummary.lines(outcome).size() - 1);
    }

    @Test
    void yourBrokersDataIsNotCalledSynthetic() {
        assertThat(lines(report(null))).noneMatch(l -> l.contains("SYNTHETIC"));
        assertThat(lines(report(null)).get(0)).startsWith("-----");
    }
}
