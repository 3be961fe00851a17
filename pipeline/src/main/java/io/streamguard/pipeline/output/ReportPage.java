package io.streamguard.pipeline.output;

import io.streamguard.report.AnomalyReport;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code anomaly_report.html}: the report for a person. One self-contained file (inline CSS and SVG, no script, no
 * link, no URL of any kind) that opens offline: the run, a histogram of the scores with the threshold, and the top
 * users with the reasons they stand out. Every value that comes from the data or the configuration (topic, user ids,
 * reasons, servers) is HTML-escaped.
 */
public final class ReportPage {

    private static final int CHART_WIDTH = 640;
    private static final int CHART_HEIGHT = 200;
    private static final int MARGIN_LEFT = 44;
    private static final int MARGIN_BOTTOM = 30;
    private static final int MARGIN_TOP = 20;

    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;background:#f6f7f9;\
            color:#1d2330}
            header{background:#1d2330;color:#fff;padding:18px 28px}
            header h1{margin:0;font-size:22px}
            header p{margin:4px 0 0;color:#c9d1e0;font-size:13px}
            main{padding:20px 28px;max-width:1100px}
            section{background:#fff;border:1px solid #dde2ea;border-radius:6px;padding:14px 18px;margin-bottom:18px}
            h2{font-size:17px;margin:0 0 10px}
            .cards{display:flex;flex-wrap:wrap;gap:12px}
            .card{flex:1 1 150px;background:#fff;border:1px solid #dde2ea;border-radius:6px;padding:10px 14px}
            .card b{display:block;font-size:22px}
            .card span{font-size:12px;color:#5b6475}
            table{border-collapse:collapse;font-size:13px}
            th,td{text-align:left;padding:4px 10px 4px 0;vertical-align:top}
            th{color:#5b6475;font-weight:600}
            td.n{text-align:right;font-variant-numeric:tabular-nums}
            .anomaly{border-top:1px solid #eef0f4;padding:10px 0}
            .anomaly h3{margin:0 0 4px;font-size:15px}
            .anomaly h3 code{background:#fdecea;color:#8a1c12;padding:1px 5px;border-radius:3px}
            .meta{font-size:12px;color:#5b6475}
            ul.reasons{margin:6px 0 0 18px;padding:0}
            ul.reasons li{margin:2px 0}
            .z{font-size:12px;color:#5b6475}
            svg text{font-size:11px;fill:#5b6475}
            """;

    private ReportPage() {
    }

    /** The page for {@code report}, with the score distribution of all its users. */
    public static String render(AnomalyReport report, ScoreHistogram histogram) {
        AnomalyReport.Run run = report.run();
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"streamguard-run-id\" content=\"").append(escape(run.runId())).append("\">\n")
                .append("<title>StreamGuard anomaly report: ").append(escape(run.topic())).append("</title>\n")
                .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        h.append("<header><h1>Anomaly report: ").append(escape(run.topic())).append("</h1>")
                .append("<p>Run ").append(escape(run.runId())).append(" &middot; ").append(escape(run.startedAt()))
                .append(" to ").append(escape(run.finishedAt())).append(" &middot; StreamGuard ")
                .append(escape(run.streamguardVersion())).append(", Spark ").append(escape(run.sparkVersion()))
                .append("</p></header>\n<main>\n");
        cards(h, report);
        runSection(h, report);
        histogram(h, report, histogram);
        topAnomalies(h, report);
        h.append("</main>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void cards(StringBuilder h, AnomalyReport r) {
        h.append("<section class=\"cards\" aria-label=\"summary\">\n");
        card(h, count(r.totalUsers()), "users scored");
        card(h, count(r.anomalousUsers()), "anomalous users (" + percent(r.anomalyRate()) + ")");
        card(h, count(r.eventsRead()), "events read");
        card(h, count(r.malformedEvents()), "malformed events");
        card(h, count(r.timingsMs().total()) + " ms", "total time");
        h.append("</section>\n");
    }

    private static void card(StringBuilder h, String value, String label) {
        h.append("<div class=\"card\"><b>").append(escape(value)).append("</b><span>").append(escape(label))
                .append("</span></div>\n");
    }

    private static void runSection(StringBuilder h, AnomalyReport r) {
        AnomalyReport.Run run = r.run();
        h.append("<section id=\"run\"><h2>The run</h2>\n<table>\n");
        row(h, "Topic", run.topic());
        row(h, "Bootstrap servers", run.bootstrapServers());
        row(h, "Mode", run.mode());
        row(h, "From", run.startFrom() == null ? "(none)" : run.startFrom());
        row(h, "Until", run.until() == null ? "(none)" : run.until());
        row(h, "Max events", run.maxEvents() < 0 ? "all" : count(run.maxEvents()));
        if (run.isolationLevel() != null) {
            row(h, "Isolation level", run.isolationLevel());
        }
        row(h, "Spark master", run.master());
        row(h, "Events available / planned / read", count(r.eventsAvailable()) + " / " + count(r.eventsPlanned())
                + " / " + count(r.eventsRead()));
        AnomalyReport.Model m = r.model();
        row(h, "Model", String.format(Locale.ROOT, "%s, %d trees, %d samples per tree, contamination %s, seed %d, "
                        + "threshold %.4f", m.algorithm(), m.numTrees(), m.samplesPerTree(), m.contamination(),
                m.seed(), m.threshold()));
        h.append("</table>\n");

        h.append("<h2>Offset ranges</h2>\n<table><tr><th>Topic</th><th>Partition</th><th>From</th><th>Until</th>"
                + "<th>Offsets</th></tr>\n");
        for (AnomalyReport.OffsetRangeEntry e : r.offsetRanges()) {
            h.append("<tr><td>").append(escape(e.topic())).append("</td><td class=\"n\">").append(e.partition())
                    .append("</td><td class=\"n\">").append(e.from()).append("</td><td class=\"n\">").append(e.until())
                    .append("</td><td class=\"n\">").append(count(e.until() - e.from())).append("</td></tr>\n");
        }
        h.append("</table>\n");

        h.append("<h2>Malformed events by reason</h2>\n");
        if (r.malformedByReason() == null || r.malformedByReason().isEmpty()) {
            h.append("<p>None.</p>\n");
        } else {
            h.append("<table><tr><th>Reason</th><th>Events</th></tr>\n");
            for (Map.Entry<String, Long> e : r.malformedByReason().entrySet()) {
                h.append("<tr><td>").append(escape(e.getKey())).append("</td><td class=\"n\">")
                        .append(count(e.getValue())).append("</td></tr>\n");
            }
            h.append("</table>\n");
            if (r.quarantine() != null) {
                h.append("<p class=\"meta\">").append(count(r.quarantine().records()))
                        .append(" records quarantined in quarantine/").append(r.quarantine().truncated()
                                ? " (cut short by the size cap; the counts above are exact)" : "").append(".</p>\n");
            }
        }

        AnomalyReport.Timings t = r.timingsMs();
        h.append("<h2>Timings</h2>\n<table><tr><th>Plan</th><th>Read</th><th>Features</th><th>Train</th>"
                + "<th>Write</th><th>Total</th></tr>\n<tr>");
        for (long ms : new long[] {t.plan(), t.read(), t.features(), t.train(), t.write(), t.total()}) {
            h.append("<td class=\"n\">").append(count(ms)).append(" ms</td>");
        }
        h.append("</tr></table>\n</section>\n");
    }

    private static void row(StringBuilder h, String name, String value) {
        h.append("<tr><th>").append(escape(name)).append("</th><td>").append(escape(value)).append("</td></tr>\n");
    }

    /** Bars per score bin, and a red line at the threshold: the users right of it are the anomalous ones. */
    private static void histogram(StringBuilder h, AnomalyReport r, ScoreHistogram histogram) {
        long[] counts = histogram.counts();
        long max = 1;
        for (long c : counts) {
            max = Math.max(max, c);
        }
        int plotWidth = CHART_WIDTH - MARGIN_LEFT - 10;
        int plotHeight = CHART_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM;
        double barWidth = (double) plotWidth / counts.length;
        double threshold = r.model().threshold();
        h.append("<section id=\"scores\"><h2>Scores of all ").append(count(histogram.total()))
                .append(" users</h2>\n");
        h.append("<svg role=\"img\" width=\"").append(CHART_WIDTH).append("\" height=\"").append(CHART_HEIGHT)
                .append("\" viewBox=\"0 0 ").append(CHART_WIDTH).append(' ').append(CHART_HEIGHT).append("\">\n")
                .append("<title>Histogram of anomaly scores; threshold ").append(fixed(threshold, 4))
                .append("</title>\n");
        int baseline = MARGIN_TOP + plotHeight;
        for (int i = 0; i < counts.length; i++) {
            double height = (double) counts[i] * plotHeight / max;
            double x = MARGIN_LEFT + i * barWidth;
            boolean above = (i + 1.0) / counts.length > threshold;
            h.append("<rect x=\"").append(fixed(x + 1, 1)).append("\" y=\"").append(fixed(baseline - height, 1))
                    .append("\" width=\"").append(fixed(barWidth - 2, 1)).append("\" height=\"")
                    .append(fixed(height, 1)).append("\" fill=\"").append(above ? "#e07a6b" : "#7a9cc6")
                    .append("\"><title>").append(fixed((double) i / counts.length, 2)).append(" to ")
                    .append(fixed((i + 1.0) / counts.length, 2)).append(": ").append(count(counts[i]))
                    .append(" users</title></rect>\n");
        }
        h.append("<line x1=\"").append(MARGIN_LEFT).append("\" y1=\"").append(baseline).append("\" x2=\"")
                .append(MARGIN_LEFT + plotWidth).append("\" y2=\"").append(baseline)
                .append("\" stroke=\"#5b6475\"/>\n");
        for (int tick = 0; tick <= 10; tick += 2) {
            double x = MARGIN_LEFT + plotWidth * tick / 10.0;
            h.append("<text x=\"").append(fixed(x, 1)).append("\" y=\"").append(baseline + 16)
                    .append("\" text-anchor=\"middle\">").append(fixed(tick / 10.0, 1)).append("</text>\n");
        }
        h.append("<text x=\"").append(MARGIN_LEFT - 6).append("\" y=\"").append(MARGIN_TOP + 4)
                .append("\" text-anchor=\"end\">").append(count(max)).append("</text>\n")
                .append("<text x=\"").append(MARGIN_LEFT - 6).append("\" y=\"").append(baseline)
                .append("\" text-anchor=\"end\">0</text>\n");
        double tx = MARGIN_LEFT + plotWidth * threshold;
        h.append("<line id=\"threshold\" x1=\"").append(fixed(tx, 1)).append("\" y1=\"").append(MARGIN_TOP - 6)
                .append("\" x2=\"").append(fixed(tx, 1)).append("\" y2=\"").append(baseline)
                .append("\" stroke=\"#c0392b\" stroke-width=\"2\" stroke-dasharray=\"5,3\"/>\n")
                .append("<text x=\"").append(fixed(tx + 4, 1)).append("\" y=\"").append(MARGIN_TOP - 8)
                .append("\" style=\"fill:#c0392b\">threshold ").append(fixed(threshold, 4)).append("</text>\n");
        h.append("</svg>\n<p class=\"meta\">").append(count(r.anomalousUsers()))
                .append(" users above the threshold are labelled anomalous (contamination ")
                .append(r.model().contamination()).append(").</p>\n</section>\n");
    }

    private static void topAnomalies(StringBuilder h, AnomalyReport r) {
        List<AnomalyReport.TopAnomaly> top = r.topAnomalies();
        h.append("<section id=\"top\"><h2>Top ").append(top.size()).append(" users by anomaly score</h2>\n");
        if (top.isEmpty()) {
            h.append("<p>The report lists no users (streamguard.reportTopN is 0).</p>\n");
        }
        for (int i = 0; i < top.size(); i++) {
            AnomalyReport.TopAnomaly a = top.get(i);
            h.append("<div class=\"anomaly\"><h3>").append(i + 1).append(". <code>").append(escape(a.user()))
                    .append("</code> score ").append(fixed(a.anomalyScore(), 4))
                    .append(a.anomalyScore() > r.model().threshold() ? " (anomalous)" : "").append("</h3>")
                    .append("<div class=\"meta\">").append(count(a.totalEvents())).append(" events, average threat "
                            + "score ").append(fixed(a.avgThreatScore(), 2)).append("</div>\n");
            if (a.reasons() == null) {
                h.append("<p class=\"meta\">No reasons: a version 1 report.</p>\n");
            } else if (a.reasons().isEmpty()) {
                h.append("<p class=\"meta\">No feature is off the population's median.</p>\n");
            } else {
                h.append("<ul class=\"reasons\">\n");
                for (AnomalyReport.Reason reason : a.reasons()) {
                    h.append("<li>").append(escape(reason.text())).append(" <span class=\"z\">(")
                            .append(escape(reason.feature())).append(": ").append(number(reason.value()))
                            .append(", median ").append(number(reason.median())).append(", robust z ")
                            .append(fixed(reason.robustZ(), 1)).append(")</span></li>\n");
                }
                h.append("</ul>\n");
            }
            h.append("</div>\n");
        }
        h.append("<p class=\"meta\">Robust z-score = (value &minus; median) / (1.4826 &times; MAD) over all users of "
                + "the run; where most users share one value (MAD 0), the mean absolute deviation &times; 1.2533 "
                + "stands in for 1.4826 &times; MAD.</p>\n</section>\n");
    }

    /** Text and attribute values: the five characters HTML gives a meaning. */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    private static String fixed(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.4g", v);
    }
}
