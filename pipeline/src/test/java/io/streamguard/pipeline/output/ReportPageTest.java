package io.streamguard.pipeline.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamguard.report.AnomalyReport;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReportPageTest {

    static final String HOSTILE = "<script>alert(\"x\")</script>&'o";

    static AnomalyReport report(String user, String topic, String reasonText) {
        return new AnomalyReport(AnomalyReport.SCHEMA_VERSION,
                new AnomalyReport.Run("run-1", "2026-11-26T10:00:00Z", "2026-11-26T10:00:05Z", "dev", "3.5.7",
                        "local[*]", "127.0.0.1:9092", topic, "newest", "newest", null, 1000, "read_committed"),
                5000, 1000, 1000, 2, Map.of("not_json", 2L), new AnomalyReport.Quarantine(2, 300, -1, false),
                List.of(new AnomalyReport.OffsetRangeEntry(topic, 0, 100, 1100)),
                20, 2, 0.1,
                new AnomalyReport.Model("isolation_forest", 100, 256, 20, 0.1, 42, 0.61, List.of("failed_events")),
                new AnomalyReport.Timings(10, 200, 300, 400, 500, 3000),
                List.of(new AnomalyReport.TopAnomaly(user, 0.71, 80, 0.6, List.of(
                        new AnomalyReport.Reason("failed_events", 418, 11, 25.3, reasonText)))));
    }

    static ScoreHistogram histogram() {
        long[] counts = new long[ScoreHistogram.BINS];
        counts[6] = 10;
        counts[8] = 8;
        counts[14] = 2;
        return new ScoreHistogram(counts);
    }

    @Test
    void thePageShowsTheRunTheHistogramWithItsThresholdAndEachAnomalyWithItsReasons() {
        String page = ReportPage.render(report("mallory", "security-events",
                "418 failed events, 38x the median (11)"), histogram());
        assertThat(page).startsWith("<!DOCTYPE html>").endsWith("</html>\n")
                .contains("<title>StreamGuard anomaly report: security-events</title>")
                .contains("<meta name=\"streamguard-run-id\" content=\"run-1\">")
                .contains("<tr><td>security-events</td><td class=\"n\">0</td><td class=\"n\">100</td>"
                        + "<td class=\"n\">1100</td><td class=\"n\">1,000</td></tr>")
                .contains("<tr><td>not_json</td><td class=\"n\">2</td></tr>")
                .contains("<td class=\"n\">3,000 ms</td>")
                .contains("<h2>Scores of all 20 users</h2>")
                // 44 + 586 * 0.61
                .contains("<line id=\"threshold\" x1=\"401.5\"", "threshold 0.6100</text>")
                .contains("0.70 to 0.75: 2 users</title>")
                .contains("<code>mallory</code> score 0.7100 (anomalous)")
                .contains("<li>418 failed events, 38x the median (11) <span class=\"z\">(failed_events: 418, "
                        + "median 11, robust z 25.3)</span></li>");
        assertThat(Pattern.compile("<rect ").matcher(page).results().count()).isEqualTo(ScoreHistogram.BINS);
    }

    @Test
    void theRunsOwnValuesAreEscapedEverywhere() {
        String page = ReportPage.render(report(HOSTILE, "t<b>&\"", HOSTILE), histogram());
        String escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;o";
        assertThat(page).contains("<code>" + escaped + "</code>", "<li>" + escaped + " <span")
                .contains("Anomaly report: t&lt;b&gt;&amp;&quot;</h1>")
                .doesNotContain("<script", "<b>&", "alert(\"");
    }

    @Test
    void thePageIsSelfContainedWithoutAnyUrlScriptOrExternalResource() {
        String page = ReportPage.render(report("http://evil.example/x", "security-events",
                "see https://evil.example"), histogram());
        String withoutEscapedData = page.replace("http://evil.example/x", "").replace("https://evil.example", "");
        assertThat(withoutEscapedData).doesNotContainPattern("(?i)(https?:|ftp:|file:|data:|//[a-z0-9]|url\\s*\\()")
                .doesNotContainPattern("(?i)<(script|link|img|iframe|object|embed|base)\\b")
                .doesNotContainPattern("(?i)\\s(src|href|xmlns|xlink:href)\\s*=")
                .doesNotContain("@import");
    }

    @Test
    void aVersionOneReportRendersWithoutReasons() {
        AnomalyReport r = report("mallory", "security-events", "x");
        AnomalyReport v1 = new AnomalyReport(1, r.run(), r.eventsAvailable(), r.eventsPlanned(), r.eventsRead(),
                r.malformedEvents(), r.malformedByReason(), r.quarantine(), r.offsetRanges(), r.totalUsers(),
                r.anomalousUsers(), r.anomalyRate(), r.model(), r.timingsMs(),
                List.of(new AnomalyReport.TopAnomaly("mallory", 0.5, 80, 0.6)));
        assertThat(ReportPage.render(v1, histogram())).contains("No reasons: a version 1 report.")
                .contains("<code>mallory</code> score 0.5000</h3>");
    }
}
