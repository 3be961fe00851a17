package io.streamguard.plugin.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares benchmark results with a reference (a baseline file or the recent history), pair by pair (benchmark + mode +
 * parameters). The reference is converted to the current result's unit (ms/op against us/op); the direction comes
 * from the unit. A change counts only when it exceeds both the threshold and the two results' error bars together; a
 * result without an error estimate (NaN) is "no data": neither a pass nor a regression.
 */
public final class BaselineComparison {

    public enum Status { REGRESSION, IMPROVEMENT, UNCHANGED, NO_DATA, NEW, MISSING }

    /** @param changePercent positive = slower / worse, negative = better; NaN where not comparable */
    public record Entry(String key, Status status, JmhResult current, JmhResult baseline, double changePercent) {

        public String describe() {
            return switch (status) {
                case NEW -> key + ": new (no baseline)";
                case MISSING -> key + ": in the baseline, not in this run";
                case NO_DATA -> baseline.unit().equals(current.unit())
                        ? String.format(Locale.ROOT, "%s: %s vs reference %s %s — no error estimate, cannot judge",
                                key, fmt(current.score()), fmt(baseline.score()), current.unit())
                        : key + ": " + current.unit() + " cannot be compared with the reference's " + baseline.unit();
                default -> String.format(Locale.ROOT, "%s: %s ± %s %s against reference %s ± %s %s (%+.1f %% %s)",
                        key, fmt(current.score()), fmt(current.error()), current.unit(), fmt(baseline.score()),
                        fmt(baseline.error()), current.unit(), changePercent, status == Status.REGRESSION ? "worse"
                                : status == Status.IMPROVEMENT ? "better" : "within noise or threshold");
            };
        }

        private static String fmt(double v) {
            return String.format(Locale.ROOT, "%.3f", v);
        }
    }

    private BaselineComparison() {
    }

    public static List<Entry> compare(List<JmhResult> current, List<JmhResult> baseline, double thresholdPercent) {
        Map<String, JmhResult> base = new LinkedHashMap<>();
        baseline.forEach(r -> base.put(r.key(), r));
        List<Entry> entries = new ArrayList<>();
        for (JmhResult now : current) {
            JmhResult reference = base.remove(now.key());
            if (reference == null) {
                entries.add(new Entry(now.key(), Status.NEW, now, null, Double.NaN));
                continue;
            }
            if (!JmhResult.convertible(reference.unit(), now.unit())) {
                // Time per operation against operations per time: say so rather than guess.
                entries.add(new Entry(now.key(), Status.NO_DATA, now, reference, Double.NaN));
                continue;
            }
            JmhResult before = reference.in(now.unit());
            double worse = now.lowerIsBetter() ? now.score() - before.score() : before.score() - now.score();
            double changePercent = before.score() == 0 ? Double.NaN : 100.0 * worse / Math.abs(before.score());
            if (Double.isNaN(now.error()) || Double.isNaN(before.error()) || Double.isNaN(changePercent)) {
                entries.add(new Entry(now.key(), Status.NO_DATA, now, before, changePercent));
                continue;
            }
            boolean beyondNoise = Math.abs(now.score() - before.score()) > now.error() + before.error();
            Status status;
            if (beyondNoise && changePercent > thresholdPercent) {
                status = Status.REGRESSION;
            } else if (beyondNoise && -changePercent > thresholdPercent) {
                status = Status.IMPROVEMENT;
            } else {
                status = Status.UNCHANGED;
            }
            entries.add(new Entry(now.key(), status, now, before, changePercent));
        }
        base.values().forEach(r -> entries.add(new Entry(r.key(), Status.MISSING, null, r, Double.NaN)));
        return entries;
    }
}
