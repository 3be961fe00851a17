package io.streamguard.plugin.launch;

import io.streamguard.plugin.Console;
import io.streamguard.report.AnomalyReport;
import io.streamguard.report.GroundTruth;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The few lines a user reads after {@code streamguard:run}. */
public final class RunSummary {

    private RunSummary() {
    }

    /**
     * Prints the summary: a run that scored synthetic data says so first, as a warning, so that nobody takes a run
     * of the embedded broker (no brokers configured, or configured where this execution does not see them) for a
     * result about their own topic.
     */
    public static void print(StreamGuardRunner.Outcome outcome, Console console) {
        List<String> lines = lines(outcome);
        int from = 0;
        if (outcome.groundTruth() != null) {
            console.warn(lines.get(0));
            from = 1;
        }
        lines.subList(from, lines.size()).forEach(console::info);
    }

    public static List<String> lines(StreamGuardRunner.Outcome outcome) {
        AnomalyReport r = outcome.report();
        List<String> lines = new ArrayList<>();
        if (outcome.groundTruth() != null) {
            lines.add(String.format(Locale.ROOT, "SYNTHETIC DATA: these results score %,d synthetic events that "
                    + "StreamGuard seeded into an embedded broker, not your topic (no streamguard.bootstrapServers "
                    + "reached this execution)", outcome.seededEvents()));
        }
        lines.add("------------------------------------------------------------------------");
        lines.add(String.format(Locale.ROOT, "StreamGuard run %s: topic '%s' on %s (%s)", r.run().runId(),
                r.run().topic(), outcome.bootstrapServers(),
                outcome.groundTruth() == null ? "your brokers" : "embedded broker, " + outcome.seededEvents()
                        + " synthetic events"));
        lines.add(String.format(Locale.ROOT, "Events read: %,d of %,d planned (%,d available in range, mode %s, "
                        + "max %s); malformed: %,d%s", r.eventsRead(), r.eventsPlanned(), r.eventsAvailable(),
                r.run().mode(), r.run().maxEvents() < 0 ? "all" : String.format("%,d", r.run().maxEvents()),
                r.malformedEvents(), r.malformedEvents() == 0 ? "" : " " + r.malformedByReason()));
        if (r.quarantine() != null && r.quarantine().truncated()) {
            lines.add(String.format(Locale.ROOT, "Quarantine cut by streamguard.maxQuarantineBytes (%,d bytes): %,d of "
                    + "%,d malformed records kept", r.quarantine().maxBytes(), r.quarantine().records(),
                    r.malformedEvents()));
        }
        lines.add("Offset ranges: " + r.offsetRanges().stream()
                .map(o -> o.partition() + ":[" + o.from() + "," + o.until() + ")")
                .collect(Collectors.joining(" ")));
        lines.add(String.format(Locale.ROOT, "Users: %,d, anomalous: %,d (%.1f %%), threshold %.4f", r.totalUsers(),
                r.anomalousUsers(), 100 * r.anomalyRate(), r.model().threshold()));
        Set<String> planted = outcome.groundTruth() == null ? Set.of()
                : outcome.groundTruth().anomalousUsers().stream().map(GroundTruth.PlantedUser::user)
                        .collect(Collectors.toSet());
        lines.add("Top anomalies:");
        for (AnomalyReport.TopAnomaly t : r.topAnomalies()) {
            lines.add(String.format(Locale.ROOT, "  %-14s score %.4f  events %,6d  avg threat %.3f%s",
                    Console.printable(t.user()),
                    t.anomalyScore(), t.totalEvents(), t.avgThreatScore(),
                    planted.contains(t.user()) ? "  (planted)" : ""));
        }
        if (!planted.isEmpty()) {
            long plantedInTop = r.topAnomalies().stream().filter(t -> planted.contains(t.user())).count();
            lines.add(String.format(Locale.ROOT, "Planted anomalous users in the top %d: %d (of %d planted)",
                    r.topAnomalies().size(), plantedInTop, planted.size()));
        }
        AnomalyReport.Timings t = r.timingsMs();
        lines.add(String.format(Locale.ROOT, "Timings (ms): plan %d, read %d, features %d, train %d, write %d, "
                + "total %d", t.plan(), t.read(), t.features(), t.train(), t.write(), t.total()));
        lines.add("Report: " + outcome.reportFile());
        lines.add("Training data: " + outcome.reportFile().resolveSibling("training_data") + ", quarantine: "
                + outcome.reportFile().resolveSibling("quarantine")
                + (outcome.groundTruth() == null ? "" : ", ground truth: "
                        + outcome.reportFile().resolveSibling(GroundTruth.FILE)));
        lines.add("------------------------------------------------------------------------");
        return lines;
    }
}
