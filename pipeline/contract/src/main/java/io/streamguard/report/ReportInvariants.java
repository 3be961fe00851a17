package io.streamguard.report;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of a report that no JSON Schema can express: counts that must add up, a rate that must equal its
 * ratio, scores inside [0, 1] and in descending order. Run it after schema validation (it assumes the fields are
 * present and typed). The rules come in named groups ({@link #checkGroups}) so that CI can list each as a check.
 */
public final class ReportInvariants {

    /** Doubles written and read back as JSON compare with this tolerance. */
    static final double EPSILON = 1e-9;

    private ReportInvariants() {
    }

    /** The names of the groups of {@link #checkGroups}, in order. */
    public static final List<String> GROUPS = List.of("schema_version", "counts", "quarantine", "offset_ranges",
            "model", "top_anomalies", "reasons", "timings");

    /** Every rule's violations, in the order of {@link #checkGroups}. */
    public static List<Violation> check(AnomalyReport r) {
        List<Violation> v = new ArrayList<>();
        checkGroups(r).values().forEach(v::addAll);
        return v;
    }

    /** The rules by group, in the order of {@link #GROUPS}; every group is present, empty when it holds. */
    public static Map<String, List<Violation>> checkGroups(AnomalyReport r) {
        Map<String, List<Violation>> groups = new LinkedHashMap<>();
        groups.put("schema_version", schemaVersion(r));
        groups.put("counts", counts(r));
        groups.put("quarantine", quarantine(r));
        groups.put("offset_ranges", offsetRanges(r));
        groups.put("model", model(r));
        groups.put("top_anomalies", topAnomalies(r));
        groups.put("reasons", reasons(r));
        groups.put("timings", timings(r));
        return groups;
    }

    private static List<Violation> schemaVersion(AnomalyReport r) {
        List<Violation> v = new ArrayList<>();
        if (!AnomalyReport.SUPPORTED_VERSIONS.contains(r.schemaVersion())) {
            v.add(new Violation("/schema_version", "a supported version " + AnomalyReport.SUPPORTED_VERSIONS,
                    Integer.toString(r.schemaVersion())));
        }
        return v;
    }

    private static List<Violation> counts(AnomalyReport r) {
        List<Violation> v = new ArrayList<>();
        if (r.anomalousUsers() > r.totalUsers()) {
            v.add(new Violation("/anomalous_users", "<= total_users (" + r.totalUsers() + ")",
                    Long.toString(r.anomalousUsers())));
        }
        double expectedRate = r.totalUsers() == 0 ? 0.0 : (double) r.anomalousUsers() / r.totalUsers();
        if (Math.abs(r.anomalyRate() - expectedRate) > EPSILON) {
            v.add(new Violation("/anomaly_rate",
                    "anomalous_users / total_users = " + r.anomalousUsers() + "/" + r.totalUsers() + " = "
                            + expectedRate,
                    Double.toString(r.anomalyRate())));
        }
        if (r.malformedEvents() > r.eventsRead()) {
            v.add(new Violation("/malformed_events", "<= events_read (" + r.eventsRead() + ")",
                    Long.toString(r.malformedEvents())));
        }
        if (r.eventsRead() > r.eventsPlanned()) {
            v.add(new Violation("/events_read", "<= events_planned (" + r.eventsPlanned() + ")",
                    Long.toString(r.eventsRead())));
        }
        if (r.eventsPlanned() > r.eventsAvailable()) {
            v.add(new Violation("/events_planned", "<= events_available (" + r.eventsAvailable() + ")",
                    Long.toString(r.eventsPlanned())));
        }
        if (r.malformedByReason() != null) {
            // Summed exactly: counts that wrap past 2^63 must not add up to anything.
            BigInteger sum = r.malformedByReason().values().stream().map(BigInteger::valueOf)
                    .reduce(BigInteger.ZERO, BigInteger::add);
            if (!sum.equals(BigInteger.valueOf(r.malformedEvents()))) {
                v.add(new Violation("/malformed_by_reason", "counts adding up to malformed_events ("
                        + r.malformedEvents() + ")", "a sum of " + sum));
            }
        }
        return v;
    }

    private static List<Violation> quarantine(AnomalyReport r) {
        List<Violation> v = new ArrayList<>();
        AnomalyReport.Quarantine q = r.quarantine();
        if (q != null) {
            if (q.records() > r.malformedEvents()) {
                v.add(new Violation("/quarantine/records", "<= malformed_events (" + r.malformedEvents() + ")",
                        Long.toString(q.records())));
            }
            if (q.truncated() != (q.records() < r.malformedEvents())) {
                v.add(new Violation("/quarantine/truncated", "true exactly when records (" + q.records()
                        + ") < malformed_events (" + r.malformedEvents() + ")", Boolean.toString(q.truncated())));
            }
            if (q.maxBytes() >= 0 && q.bytes() > q.maxBytes()) {
                v.add(new Violation("/quarantine/bytes", "<= max_bytes (" + q.maxBytes() + ")",
                        Long.toString(q.bytes())));
            }
        }
        return v;
    }

    private static List<Violation> offsetRanges(AnomalyReport r) {
        List<Violation> v = new ArrayList<>();
        if (r.offsetRanges() != null) {
            BigInteger planned = BigInteger.ZERO; // exactly: offsets near 2^63 must not wrap into a match
            for (int i = 0; i < r.offsetRanges().size(); i++) {
                AnomalyReport.OffsetRangeEntry range = r.offsetRanges().get(i);
                if (range.until() < range.from()) {
                    v.add(new Violation("/offset_ranges/" + i, "from <= until",
                            "from " + range.from() + ", until " + range.until()));
                }
                planned = planned.add(BigInteger.valueOf(range.until()).subtract(BigInteger.valueOf(range.from())));
            }
            if (!planned.equals(BigInteger.valueOf(r.eventsPlanned()))) {
                v.add(new Violation("/offset_ranges", "ranges covering events_planned (" + r.eventsPlanned()
                        + ") offsets", planned + " offsets"));
            }
        }
        return v;
    }

    private static List<Violation> model(AnomalyReport r) {
        List<Violation> v = new ArrayList<>();
        if (r.model() != null && !inUnitInterval(r.model().threshold())) {
            v.add(new Violation("/model/threshold", "a score in [0, 1]", Double.toString(r.model().threshold())));
        }
        return v;
    }

    private static List<Violation> topAnomalies(AnomalyReport r) {
        List<Violation> v = new ArrayList<>();
        List<AnomalyReport.TopAnomaly> top = r.topAnomalies();
        if (top != null) {
            if (top.size() > r.totalUsers()) {
                v.add(new Violation("/top_anomalies", "at most total_users (" + r.totalUsers() + ") entries",
                        top.size() + " entries"));
            }
            for (int i = 0; i < top.size(); i++) {
                double score = top.get(i).anomalyScore();
                if (!inUnitInterval(score)) {
                    v.add(new Violation("/top_anomalies/" + i + "/anomaly_score", "a score in [0, 1]",
                            Double.toString(score)));
                }
                if (i > 0 && score > top.get(i - 1).anomalyScore()) {
                    v.add(new Violation("/top_anomalies/" + i + "/anomaly_score",
                            "<= the previous entry's score (" + top.get(i - 1).anomalyScore()
                                    + "): top_anomalies sorted by score, descending",
                            Double.toString(score)));
                }
                if (!inUnitInterval(top.get(i).avgThreatScore())) {
                    v.add(new Violation("/top_anomalies/" + i + "/avg_threat_score", "a value in [0, 1]",
                            Double.toString(top.get(i).avgThreatScore())));
                }
            }
        }
        return v;
    }

    /**
     * From version 2 every top entry explains itself: its reasons name features of the model, most deviating first.
     * Version 1 entries have none.
     */
    private static List<Violation> reasons(AnomalyReport r) {
        List<Violation> v = new ArrayList<>();
        List<AnomalyReport.TopAnomaly> top = r.topAnomalies();
        if (top == null || !AnomalyReport.SUPPORTED_VERSIONS.contains(r.schemaVersion())) {
            return v; // an unknown version is the schema_version group's violation
        }
        for (int i = 0; i < top.size(); i++) {
            List<AnomalyReport.Reason> reasons = top.get(i).reasons();
            String at = "/top_anomalies/" + i + "/reasons";
            if (r.schemaVersion() == 1) {
                if (reasons != null) {
                    v.add(new Violation(at, "no reasons in a version 1 report", reasons.size() + " reasons"));
                }
                continue;
            }
            if (reasons == null) {
                v.add(new Violation(at, "the reasons of the entry (schema_version " + r.schemaVersion() + ")",
                        "nothing"));
                continue;
            }
            for (int j = 0; j < reasons.size(); j++) {
                AnomalyReport.Reason reason = reasons.get(j);
                // JSON has no infinities, but 1e400 reads as one: no feature value, median or z-score is infinite.
                double[] numbers = {reason.value(), reason.median(), reason.robustZ()};
                String[] names = {"value", "median", "robust_z"};
                for (int k = 0; k < numbers.length; k++) {
                    if (!Double.isFinite(numbers[k])) {
                        v.add(new Violation(at + "/" + j + "/" + names[k], "a finite number",
                                Double.toString(numbers[k])));
                    }
                }
                if (r.model() != null && r.model().features() != null
                        && !r.model().features().contains(reason.feature())) {
                    v.add(new Violation(at + "/" + j + "/feature", "one of model.features", reason.feature()));
                }
                if (j > 0 && Math.abs(reason.robustZ()) > Math.abs(reasons.get(j - 1).robustZ()) + EPSILON) {
                    v.add(new Violation(at + "/" + j + "/robust_z", "|robust_z| <= the previous reason's ("
                            + Math.abs(reasons.get(j - 1).robustZ()) + "): most deviating first",
                            Double.toString(reason.robustZ())));
                }
            }
        }
        return v;
    }

    private static List<Violation> timings(AnomalyReport r) {
        List<Violation> v = new ArrayList<>();
        if (r.timingsMs() != null) {
            AnomalyReport.Timings t = r.timingsMs();
            BigInteger stages = BigInteger.ZERO; // exactly: stage times that wrap must not look short
            for (long stage : new long[] {t.plan(), t.read(), t.features(), t.train(), t.write()}) {
                stages = stages.add(BigInteger.valueOf(stage));
            }
            if (BigInteger.valueOf(t.total()).compareTo(stages) < 0) {
                v.add(new Violation("/timings_ms/total", ">= the sum of the stages (" + stages + ")",
                        Long.toString(t.total())));
            }
        }
        return v;
    }

    /** Rows expected in {@code training_data/}: one per user. */
    public static List<Violation> checkTrainingRows(AnomalyReport r, long parquetRows, Map<String, Long> byLabel) {
        List<Violation> v = new ArrayList<>();
        if (parquetRows != r.totalUsers()) {
            v.add(new Violation("training_data", "total_users (" + r.totalUsers() + ") rows",
                    parquetRows + " rows"));
        }
        long anomalous = byLabel.getOrDefault("1", 0L);
        if (anomalous != r.anomalousUsers()) {
            v.add(new Violation("training_data/is_anomaly=1", "anomalous_users (" + r.anomalousUsers() + ") rows",
                    anomalous + " rows"));
        }
        return v;
    }

    private static boolean inUnitInterval(double x) {
        return x >= 0.0 && x <= 1.0;
    }
}
