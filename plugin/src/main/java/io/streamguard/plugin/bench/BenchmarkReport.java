package io.streamguard.plugin.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@code summary.md} and {@code index.html} (SVG charts: read time against topic size, trends) for people. */
public final class BenchmarkReport {

    static final String FULL = "fullTopicReadThenLimit";
    static final String NEWEST = "boundedReadNewest";
    static final String OLDEST = "boundedReadOldest";
    static final String FLOOR = "consumerBoundedReadNewest";
    static final List<String> READS = List.of(FULL, NEWEST, OLDEST, FLOOR);
    public static final String SUMMARY = "summary.md";
    public static final String CHART = "index.html";

    private BenchmarkReport() {
    }

    public static String markdown(BenchmarkRunner.Outcome run) {
        List<JmhResult> results = run.results();
        StringBuilder md = new StringBuilder("# StreamGuard benchmarks\n\n");
        if (run.complete()) {
            md.append(String.format(Locale.ROOT, "**Complete:** all %d expected benchmark runs produced a result.%n%n",
                    run.expected()));
        } else {
            md.append(String.format(Locale.ROOT, "**INCOMPLETE:** %d of %d expected benchmark runs failed or produced "
                    + "no result; the results below are partial.%n%n", run.failures().size(), run.expected()));
            for (JmhOutput.Failure f : run.failures()) {
                md.append("- **FAILED** ").append(f.describe()).append('\n');
            }
            md.append('\n');
        }
        md.append("| Benchmark | Mode | Params | Score | Error (99.9 %) | Unit |\n|---|---|---|---:|---:|---|\n");
        for (JmhResult r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", r.method(), r.mode(), params(r),
                    num(r.score()), Double.isNaN(r.error()) ? "n/a" : "± " + num(r.error()), r.unit()));
        }
        List<String[]> rows = speedups(results);
        if (!rows.isEmpty()) {
            md.append("\n## Bounded vs full-topic read\n\n")
                    .append("| topicSize | maxEvents | full then limit | bounded newest | speed-up | bounded oldest "
                            + "| speed-up | consumer floor | bounded newest / floor |\n")
                    .append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (String[] row : rows) {
                md.append("| ").append(String.join(" | ", row)).append(" |\n");
            }
        }
        if (!run.gates().isEmpty()) {
            md.append("\n## Gates\n\n| gate | bounded read | maxEvents | ratio | measured | limit | result |\n")
                    .append("|---|---|---:|---|---:|---:|---|\n");
            for (BenchmarkGates.Gate g : run.gates()) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s %s | %s |%n", g.name(),
                        g.benchmark(), g.maxEvents(), g.ratio(),
                        Double.isNaN(g.measured()) ? "not measured" : String.format(Locale.ROOT, "%.2f×", g.measured()),
                        g.name().equals(BenchmarkGates.MIN_SPEEDUP) ? "≥" : "≤", BenchmarkGates.Gate.limit(g.limit()),
                        switch (g.status()) {
                            case PASS -> "pass";
                            case FAIL -> "**FAIL**";
                            case NOT_MEASURED -> "not measured: " + g.why();
                        }));
            }
        }
        if (run.comparison() != null) {
            md.append("\n## Against ").append(run.reference()).append("\n\n");
            for (BaselineComparison.Entry e : run.comparison()) {
                md.append("- **").append(e.status()).append("** ").append(e.describe()).append('\n');
            }
        }
        return md.toString();
    }

    /** One row per (topicSize, maxEvents) with the read benchmarks and their ratios. */
    static List<String[]> speedups(List<JmhResult> results) {
        Map<String, Map<String, JmhResult>> byParams = new TreeMap<>((a, b) -> {
            String[] x = a.split("/");
            String[] y = b.split("/");
            int c = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
            return c != 0 ? c : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
        });
        for (JmhResult r : results) {
            if (READS.contains(r.method()) && r.params().containsKey("topicSize") && r.params().containsKey("maxEvents")) {
                byParams.computeIfAbsent(r.params().get("topicSize") + "/" + r.params().get("maxEvents"),
                        k -> new TreeMap<>()).put(r.method(), r);
            }
        }
        List<String[]> rows = new ArrayList<>();
        byParams.forEach((k, m) -> {
            String[] p = k.split("/");
            rows.add(new String[] {p[0], p[1], score(m.get(FULL)), score(m.get(NEWEST)), ratio(m.get(FULL), m.get(NEWEST)),
                score(m.get(OLDEST)), ratio(m.get(FULL), m.get(OLDEST)), score(m.get(FLOOR)),
                ratio(m.get(NEWEST), m.get(FLOOR))});
        });
        return rows;
    }

    /** The read chart (one series per benchmark and maxEvents), the trends over the history, and the summary. */
    public static String html(BenchmarkRunner.Outcome run, String markdown) {
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>StreamGuard benchmarks</title></head>"
                + "<body style=\"font-family:sans-serif;max-width:64em;margin:2em auto\">\n"
                + "<h1>StreamGuard benchmarks</h1>\n<p>Read time of <code>maxEvents</code> events against the size of "
                + "the topic (log-log, error bars: JMH's 99.9 % interval). Bounded reads should stay flat; the full "
                + "read grows with the topic.</p>\n" + Charts.readChart(run.results())
                + Charts.trends(run.history(), run.results())
                + "<pre>" + escape(markdown) + "</pre>\n</body></html>\n";
    }

    public static void write(Path directory, BenchmarkRunner.Outcome run) throws IOException {
        String md = markdown(run);
        Files.writeString(directory.resolve(SUMMARY), md, StandardCharsets.UTF_8);
        Files.writeString(directory.resolve(CHART), html(run, md), StandardCharsets.UTF_8);
    }

    private static String params(JmhResult r) {
        return r.params().isEmpty() ? "" : String.join(", ",
                r.params().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    private static String score(JmhResult r) {
        return Optional.ofNullable(r).map(x -> num(x.score()) + " " + x.unit()).orElse("–");
    }

    private static String ratio(JmhResult slow, JmhResult fast) {
        if (slow == null || fast == null || fast.score() <= 0) {
            return "–";
        }
        if (!JmhResult.convertible(slow.unit(), fast.unit())) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.1f×", slow.in(fast.unit()).score() / fast.score());
    }

    static String num(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.3f", v);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
