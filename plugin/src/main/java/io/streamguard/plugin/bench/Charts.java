package io.streamguard.plugin.bench;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.DoubleUnaryOperator;

/** Self-contained inline SVG for {@code index.html}: no scripts, no external resources. */
final class Charts {

    private static final String[] COLOURS = {"#d62728", "#1f77b4", "#2ca02c", "#7f7f7f", "#9467bd", "#8c564b",
        "#e377c2", "#bcbd22", "#17becf", "#ff7f0e"};
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private Charts() {
    }

    /** Read time (ms) against topic size, log-log, one series per (read benchmark, maxEvents), with error bars. */
    static String readChart(List<JmhResult> results) {
        Map<String, TreeMap<Long, JmhResult>> series = new TreeMap<>();
        for (JmhResult r : results) {
            if (BenchmarkReport.READS.contains(r.method()) && r.params().containsKey("topicSize") && r.score() > 0
                    && JmhResult.convertible(r.unit(), "ms/op")) {
                series.computeIfAbsent(r.method() + ", maxEvents=" + r.params().getOrDefault("maxEvents", "?"),
                        k -> new TreeMap<>()).put(Long.parseLong(r.params().get("topicSize")), r.in("ms/op"));
            }
        }
        if (series.isEmpty()) {
            return "<p>No read benchmark in this run: no chart.</p>\n";
        }
        int w = 760;
        int h = 420;
        int left = 70;
        int right = 260;
        int top = 20;
        int bottom = 50;
        TreeSet<Long> sizes = new TreeSet<>();
        series.values().forEach(s -> sizes.addAll(s.keySet()));
        double minY = series.values().stream().flatMap(s -> s.values().stream())
                .mapToDouble(r -> Math.max(r.score() - err(r), r.score() / 10)).min().orElse(1);
        double maxY = series.values().stream().flatMap(s -> s.values().stream())
                .mapToDouble(r -> r.score() + err(r)).max().orElse(10);
        double x0 = Math.floor(Math.log10(sizes.first()));
        double x1 = Math.max(Math.ceil(Math.log10(sizes.last())), x0 + 1);
        double y0 = Math.floor(Math.log10(minY));
        double y1 = Math.max(Math.ceil(Math.log10(maxY)), y0 + 1);
        DoubleUnaryOperator px = v -> left + (Math.log10(v) - x0) / (x1 - x0) * (w - left - right);
        DoubleUnaryOperator py = v -> h - bottom - (Math.log10(v) - y0) / (y1 - y0) * (h - top - bottom);
        StringBuilder svg = frame(w, h, left, right, top, bottom, 12);
        for (double e = x0; e <= x1; e++) {
            double x = px.applyAsDouble(Math.pow(10, e));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, top, x, h - bottom, x,
                    h - bottom + 16, events(Math.pow(10, e))));
        }
        for (double e = y0; e <= y1; e++) {
            double y = py.applyAsDouble(Math.pow(10, e));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", left, y, w - right, y, left - 6,
                    y + 4, millis(Math.pow(10, e))));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">topic size (events)"
                + "</text>%n", (w - right + left) / 2, h - 10));
        svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 "
                + "14 %d)\">time per read</text>%n", (h - bottom + top) / 2, (h - bottom + top) / 2));
        int i = 0;
        for (Map.Entry<String, TreeMap<Long, JmhResult>> s : series.entrySet()) {
            String colour = COLOURS[i % COLOURS.length];
            StringBuilder points = new StringBuilder();
            for (Map.Entry<Long, JmhResult> p : s.getValue().entrySet()) {
                double x = px.applyAsDouble(p.getKey());
                JmhResult r = p.getValue();
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, py.applyAsDouble(r.score())));
                if (err(r) > 0) {
                    double lo = py.applyAsDouble(Math.max(r.score() - err(r), Math.pow(10, y0)));
                    double hi = py.applyAsDouble(r.score() + err(r));
                    svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                            + "stroke=\"%s\"/>%n", x, lo, x, hi, colour));
                }
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s, "
                        + "%,d events: %s ± %s ms</title></circle>%n", x, py.applyAsDouble(r.score()), colour,
                        s.getKey(), p.getKey(), BenchmarkReport.num(r.score()), BenchmarkReport.num(r.error())));
            }
            svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" "
                    + "stroke-width=\"2\"/>%n", points.toString().trim(), colour));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", w - right + 12, top + 14 + 20 * i, colour,
                    w - right + 30, top + 19 + 20 * i, BenchmarkReport.escape(s.getKey())));
            i++;
        }
        return svg.append("</svg>\n").toString();
    }

    /**
     * One small chart per benchmark (key) across the history's entries, with error bars; the last point, this run,
     * is drawn larger and labelled. Empty without a history.
     */
    static String trends(List<BenchmarkHistory.Entry> history, List<JmhResult> current) {
        if (history == null || history.isEmpty()) {
            return "";
        }
        StringBuilder html = new StringBuilder("<h2>Trends over the history (" + history.size()
                + " entries; the last point is this run)</h2>\n");
        for (JmhResult now : current) {
            List<double[]> points = new ArrayList<>();
            Map<Integer, String> labels = new LinkedHashMap<>();
            for (int i = 0; i < history.size(); i++) {
                BenchmarkHistory.Entry entry = history.get(i);
                for (JmhResult r : entry.results()) {
                    if (r.key().equals(now.key()) && JmhResult.convertible(r.unit(), now.unit())) {
                        JmhResult c = r.in(now.unit());
                        points.add(new double[] {i, c.score(), err(c)});
                        labels.put(i, DAY.format(entry.time()) + (entry.commit() == null ? ""
                                : " " + entry.commit().substring(0, 7)));
                    }
                }
            }
            html.append("<h3 style=\"font-size:1em\">").append(BenchmarkReport.escape(now.key())).append("</h3>\n")
                    .append(trend(points, labels, history.size(), now.unit()));
        }
        return html.toString();
    }

    private static String trend(List<double[]> points, Map<Integer, String> labels, int entries, String unit) {
        int w = 640;
        int h = 150;
        int left = 80;
        int right = 20;
        int top = 10;
        int bottom = 30;
        double max = points.stream().mapToDouble(p -> p[1] + p[2]).max().orElse(1);
        double yMax = max <= 0 ? 1 : max * 1.1;
        DoubleUnaryOperator px = i -> entries <= 1 ? left + (w - left - right) / 2.0
                : left + i / (entries - 1) * (w - left - right);
        DoubleUnaryOperator py = v -> h - bottom - v / yMax * (h - top - bottom);
        StringBuilder svg = frame(w, h, left, right, top, bottom, 11);
        for (double v : new double[] {0, yMax / 2, yMax}) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s %s</text>%n",
                    left - 6, py.applyAsDouble(v) + 4, BenchmarkReport.num(v), BenchmarkReport.escape(unit)));
        }
        StringBuilder line = new StringBuilder();
        for (int k = 0; k < points.size(); k++) {
            double[] p = points.get(k);
            double x = px.applyAsDouble(p[0]);
            double y = py.applyAsDouble(p[1]);
            boolean last = k == points.size() - 1 && p[0] == entries - 1;
            line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            if (p[2] > 0) {
                svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                        + "stroke=\"#1f77b4\"/>%n", x, py.applyAsDouble(Math.max(0, p[1] - p[2])), x,
                        py.applyAsDouble(p[1] + p[2])));
            }
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\"><title>%s: "
                    + "%s ± %s %s</title></circle>%n", x, y, last ? 5 : 3, last ? "#d62728" : "#1f77b4",
                    BenchmarkReport.escape(labels.getOrDefault((int) p[0], "")), BenchmarkReport.num(p[1]),
                    BenchmarkReport.num(p[2]), BenchmarkReport.escape(unit)));
            if (last) {
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">this run: %s"
                        + "</text>%n", x - 8, y - 6, BenchmarkReport.num(p[1])));
            }
        }
        if (points.size() > 1) {
            svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"#1f77b4\"/>%n",
                    line.toString().trim()));
        }
        if (!labels.isEmpty()) {
            int first = labels.keySet().iterator().next();
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", left, h - 8,
                    BenchmarkReport.escape(labels.get(first))));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d entries</text>%n",
                    w - right, h - 8, entries));
        }
        return svg.append("</svg>\n").toString();
    }

    /** An SVG of {@code w} x {@code h} with the plot area's frame drawn inside the margins. */
    private static StringBuilder frame(int w, int h, int left, int right, int top, int bottom, int fontSize) {
        return new StringBuilder(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                + "height=\"%d\" font-family=\"sans-serif\" font-size=\"%d\">%n<rect x=\"%d\" y=\"%d\" width=\"%d\" "
                + "height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n", w, h, fontSize, left, top, w - left - right,
                h - top - bottom));
    }

    private static double err(JmhResult r) {
        return Double.isNaN(r.error()) ? 0 : r.error();
    }

    /** 10k, 1M, 10M. */
    static String events(double v) {
        if (v >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        return v >= 1e3 ? trim(v / 1e3) + "k" : trim(v);
    }

    /** 10 ms, 1 s, 100 s. */
    static String millis(double ms) {
        if (ms >= 1000) {
            return trim(ms / 1000) + " s";
        }
        return ms >= 1 ? trim(ms) + " ms" : trim(ms * 1000) + " µs";
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
