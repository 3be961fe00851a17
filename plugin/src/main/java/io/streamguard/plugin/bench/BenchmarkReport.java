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
import java.util.TreeSet;

/** {@code summary.md} and {@code index.html} (an SVG chart of read time against topic size) for people. */
public final class BenchmarkReport {

    static final String FULL = "fullTopicReadThenLimit";
    static final String NEWEST = "boundedReadNewest";
    static final String OLDEST = "boundedReadOldest";
    static final String FLOOR = "consumerBoundedReadNewest";
    static final List<String> READS = List.of(FULL, NEWEST, OLDEST, FLOOR);

    private BenchmarkReport() {
    }

    public static String markdown(List<JmhResult> results, List<BaselineComparison.Entry> comparison) {
        StringBuilder md = new StringBuilder("# StreamGuard benchmarks\n\n");
        md.append("| Benchmark | Params | Score | Error (99.9 %) | Unit |\n|---|---|---:|---:|---|\n");
        for (JmhResult r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", r.method(), params(r),
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
        if (comparison != null) {
            md.append("\n## Against the baseline\n\n");
            for (BaselineComparison.Entry e : comparison) {
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

    public static String html(List<JmhResult> results, String markdown) {
        StringBuilder svg = new StringBuilder();
        Map<String, TreeMap<Long, Double>> series = new TreeMap<>();
        for (JmhResult r : results) {
            if (READS.contains(r.method()) && r.params().containsKey("topicSize") && !Double.isNaN(r.score())
                    && r.score() > 0) {
                series.computeIfAbsent(r.method(), k -> new TreeMap<>())
                        .merge(Long.parseLong(r.params().get("topicSize")), r.score(), Math::min);
            }
        }
        int w = 720;
        int h = 420;
        int left = 70;
        int right = 200;
        int top = 20;
        int bottom = 50;
        TreeSet<Long> sizes = new TreeSet<>();
        series.values().forEach(s -> sizes.addAll(s.keySet()));
        double minY = series.values().stream().flatMap(s -> s.values().stream()).min(Double::compare).orElse(1.0);
        double maxY = series.values().stream().flatMap(s -> s.values().stream()).max(Double::compare).orElse(10.0);
        double x0 = Math.floor(Math.log10(sizes.isEmpty() ? 1_000 : sizes.first()));
        double x1 = Math.ceil(Math.log10(sizes.isEmpty() ? 1_000_000 : sizes.last()));
        if (x1 <= x0) {
            x1 = x0 + 1;
        }
        double y0 = Math.floor(Math.log10(minY));
        double y1 = Math.ceil(Math.log10(maxY));
        if (y1 <= y0) {
            y1 = y0 + 1;
        }
        double fx0 = x0;
        double fx1 = x1;
        double fy0 = y0;
        double fy1 = y1;
        java.util.function.DoubleUnaryOperator px = v -> left + (Math.log10(v) - fx0) / (fx1 - fx0) * (w - left - right);
        java.util.function.DoubleUnaryOperator py = v -> h - bottom - (Math.log10(v) - fy0) / (fy1 - fy0) * (h - top - bottom);
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", w, h));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#999\"/>%n", left, top, w - left - right, h - top - bottom));
        for (double e = x0; e <= x1; e++) {
            double x = px.applyAsDouble(Math.pow(10, e));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">1e%d</text>%n", x, top, x, h - bottom, x,
                    h - bottom + 16, (int) e));
        }
        for (double e = y0; e <= y1; e++) {
            double y = py.applyAsDouble(Math.pow(10, e));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">1e%d ms</text>%n", left, y, w - right, y,
                    left - 6, y + 4, (int) e));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">topic size (events)"
                + "</text>%n", (w - right + left) / 2, h - 10));
        String[] colours = {"#d62728", "#1f77b4", "#2ca02c", "#7f7f7f"};
        int i = 0;
        for (String method : READS) {
            TreeMap<Long, Double> s = series.get(method);
            if (s == null) {
                continue;
            }
            String colour = colours[READS.indexOf(method)];
            StringBuilder points = new StringBuilder();
            s.forEach((size, ms) -> points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px.applyAsDouble(size),
                    py.applyAsDouble(ms))));
            svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" "
                    + "stroke-width=\"2\"/>%n", points.toString().trim(), colour));
            s.forEach((size, ms) -> svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
                    + "fill=\"%s\"><title>%s, %d events: %.1f ms</title></circle>%n", px.applyAsDouble(size),
                    py.applyAsDouble(ms), colour, method, size, ms)));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", w - right + 12, top + 14 + 20 * i, colour,
                    w - right + 30, top + 19 + 20 * i, method));
            i++;
        }
        svg.append("</svg>\n");
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>StreamGuard benchmarks</title></head>"
                + "<body style=\"font-family:sans-serif;max-width:60em;margin:2em auto\">\n"
                + "<h1>StreamGuard benchmarks</h1>\n<p>Read time of " + "<code>maxEvents</code> events against the "
                + "size of the topic (log-log). Bounded reads should stay flat; the full read grows with the topic.</p>\n"
                + svg + "<pre>" + escape(markdown) + "</pre>\n</body></html>\n";
    }

    public static void write(Path directory, List<JmhResult> results, List<BaselineComparison.Entry> comparison)
            throws IOException {
        String md = markdown(results, comparison);
        Files.writeString(directory.resolve("summary.md"), md, StandardCharsets.UTF_8);
        Files.writeString(directory.resolve("index.html"), html(results, md), StandardCharsets.UTF_8);
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
        return String.format(Locale.ROOT, "%.1f×", slow.score() / fast.score());
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.3f", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
