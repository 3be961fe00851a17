package io.streamguard.plugin.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The ratios StreamGuard promises, as gates: the full-topic read must be at least {@code minSpeedup} times slower
 * than a bounded read at the largest topic size, and a bounded read at the largest topic size at most
 * {@code maxFlatness} times the one at the smallest. Checked for each bounded read and {@code maxEvents} the run
 * measured; a ratio the run could not measure is reported as not measured, never as passed.
 */
public final class BenchmarkGates {

    public enum Status { PASS, FAIL, NOT_MEASURED }

    /** One gate on one bounded read. {@code measured} is NaN when not measured; {@code why} says why then. */
    public record Gate(String name, String benchmark, String maxEvents, String ratio, double measured, double limit,
                       Status status, String why) {

        public String describe() {
            String bound = name.equals(MIN_SPEEDUP) ? "≥ " : "≤ ";
            String subject = benchmark + (maxEvents == null ? "" : " (maxEvents=" + maxEvents + ")") + ", " + ratio;
            return status == Status.NOT_MEASURED
                    ? String.format(Locale.ROOT, "%s %s%s: not measured (%s)", name, bound, limit(limit), subject
                            + "; " + why)
                    : String.format(Locale.ROOT, "%s %s%s: %s measured %.2f× — %s", name, bound, limit(limit),
                            subject, measured, status == Status.PASS ? "pass" : "FAIL");
        }

        static String limit(double v) {
            return String.format(Locale.ROOT, "%s×", v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v));
        }
    }

    public static final String MIN_SPEEDUP = "minSpeedup";
    public static final String MAX_FLATNESS = "maxFlatness";
    static final List<String> BOUNDED = List.of(BenchmarkReport.NEWEST, BenchmarkReport.OLDEST);

    private BenchmarkGates() {
    }

    public static List<Gate> evaluate(List<JmhResult> results, List<Long> topicSizes, List<Long> maxEvents,
                                      double minSpeedup, double maxFlatness) {
        long largest = topicSizes.stream().mapToLong(Long::longValue).max().orElse(0);
        long smallest = topicSizes.stream().mapToLong(Long::longValue).min().orElse(0);
        List<Gate> gates = new ArrayList<>();
        for (String bounded : BOUNDED) {
            for (long n : maxEvents) {
                String events = Long.toString(n);
                Optional<JmhResult> atLargest = find(results, bounded, largest, n);
                Optional<JmhResult> full = find(results, BenchmarkReport.FULL, largest, n);
                String speedup = "full-topic read / bounded read at " + String.format(Locale.ROOT, "%,d", largest)
                        + " events";
                if (atLargest.isEmpty() || full.isEmpty()) {
                    gates.add(new Gate(MIN_SPEEDUP, bounded, events, speedup, Double.NaN, minSpeedup,
                            Status.NOT_MEASURED, "this run has no " + (full.isEmpty() ? BenchmarkReport.FULL : bounded)
                                    + " result at that size"));
                } else {
                    double ratio = ratio(full.get(), atLargest.get());
                    gates.add(new Gate(MIN_SPEEDUP, bounded, events, speedup, ratio, minSpeedup,
                            ratio >= minSpeedup ? Status.PASS : Status.FAIL, null));
                }
                String flatness = String.format(Locale.ROOT, "bounded read at %,d / at %,d events", largest, smallest);
                Optional<JmhResult> atSmallest = find(results, bounded, smallest, n);
                if (largest == smallest) {
                    gates.add(new Gate(MAX_FLATNESS, bounded, events, flatness, Double.NaN, maxFlatness,
                            Status.NOT_MEASURED, "one topic size only; give streamguard.topicSizes two or more"));
                } else if (atLargest.isEmpty() || atSmallest.isEmpty()) {
                    gates.add(new Gate(MAX_FLATNESS, bounded, events, flatness, Double.NaN, maxFlatness,
                            Status.NOT_MEASURED, "this run has no " + bounded + " result at both sizes"));
                } else {
                    double ratio = ratio(atLargest.get(), atSmallest.get());
                    gates.add(new Gate(MAX_FLATNESS, bounded, events, flatness, ratio, maxFlatness,
                            ratio <= maxFlatness ? Status.PASS : Status.FAIL, null));
                }
            }
        }
        return gates;
    }

    /** {@code a / b} in the same unit. */
    private static double ratio(JmhResult a, JmhResult b) {
        return a.in(b.unit()).score() / b.score();
    }

    private static Optional<JmhResult> find(List<JmhResult> results, String method, long topicSize, long maxEvents) {
        return results.stream().filter(r -> r.method().equals(method)
                        && Long.toString(topicSize).equals(r.params().get("topicSize"))
                        && Long.toString(maxEvents).equals(r.params().get("maxEvents"))
                        && r.score() > 0)
                .findFirst();
    }
}
