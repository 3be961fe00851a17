package io.streamguard.plugin.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamguard.report.AnomalyReport;
import io.streamguard.report.ReportJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class JUnitReportTest {

    static final String HOSTILE = "<script>\"x\"</script>&'\u0000\u0007]]></failure>\uD800 end";

    @TempDir
    Path temp;

    private static Document parse(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    private static List<Element> elements(Element parent, String name) {
        NodeList nodes = parent.getElementsByTagName(name);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    @Test
    void oneTestCasePerCheckAndAFailurePerViolationEvenWithHostileValues() throws Exception {
        // A version 2 report whose first reason names a hostile feature: the violation quotes it.
        Path report = temp.resolve(ReportJson.REPORT_FILE);
        Files.write(report, ReportJson.toBytes(ReportVersionsTest.report(2, List.of(
                new AnomalyReport.Reason(HOSTILE, 418, 11, 25.3, HOSTILE)))));
        ReportVerifier.Verification v = ReportVerifier.check(report, new ReportVerifier.Gates(21, 0.05, null));
        Path xml = temp.resolve("out").resolve("verify-report.xml");
        JUnitReport.write(xml, v, Instant.parse("2026-11-27T18:00:00.123Z"));

        Element suite = parse(xml).getDocumentElement();
        assertThat(suite.getTagName()).isEqualTo("testsuite");
        assertThat(suite.getAttribute("name")).isEqualTo("streamguard.verify-report");
        assertThat(suite.getAttribute("timestamp")).isEqualTo("2026-11-27T18:00:00");
        assertThat(suite.getAttribute("errors")).isEqualTo("0");
        List<Element> cases = elements(suite, "testcase");
        assertThat(cases).extracting(c -> c.getAttribute("name"))
                .containsExactlyElementsOf(v.checks().stream().map(ReportVerifier.Check::name).toList());
        assertThat(suite.getAttribute("tests")).isEqualTo(Integer.toString(v.checks().size()));
        assertThat(cases).allMatch(c -> c.getAttribute("classname").equals("streamguard.verify-report")
                && c.getAttribute("time").matches("\\d+\\.\\d{3}"));
        long failing = v.checks().stream().filter(c -> !c.violations().isEmpty()).count();
        assertThat(suite.getAttribute("failures")).isEqualTo(Long.toString(failing));
        assertThat(suite.getAttribute("skipped")).isEqualTo(
                Long.toString(v.checks().stream().filter(c -> c.skipped() != null).count()));
        List<Element> failures = elements(suite, "failure");
        assertThat(failures).hasSize(v.violations().size());
        // The hostile user id is in a violation's message, whole but for what XML 1.0 cannot hold.
        String expected = "<script>\"x\"</script>&'\uFFFD\uFFFD]]></failure>\uFFFD end";
        assertThat(failures).anySatisfy(f -> {
            assertThat(f.getAttribute("message")).contains(expected);
            assertThat(f.getTextContent()).contains(expected);
            assertThat(f.getAttribute("type")).isEqualTo("/top_anomalies/0/reasons/0/feature");
        });
        try (Stream<Path> left = Files.list(xml.getParent())) {
            assertThat(left).as("no temporary file left").containsExactly(xml);
        }
    }

    @Test
    void aPassingVerificationIsAllPassedOrSkippedCases() throws Exception {
        ReportVerifier.Verification v = new ReportVerifier.Verification(temp.resolve(ReportJson.REPORT_FILE), List.of(
                new ReportVerifier.Check("schema", List.of(), null, 2_500_000),
                new ReportVerifier.Check("threshold.maxAnomalyRate", List.of(), "not run: no threshold set", 0)));
        Path xml = temp.resolve("verify-report.xml");
        Files.writeString(xml, "old content");
        JUnitReport.write(xml, v, Instant.parse("2026-11-27T18:00:00Z"));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(xml)))
                .as("readable by a CI agent running as another user").isEqualTo("rw-r--r--");
        assertThat(Files.readString(xml)).isEqualTo("""
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuite name="streamguard.verify-report" tests="2" failures="0" errors="0" skipped="1" \
                time="0.003" timestamp="2026-11-27T18:00:00">
                  <properties>
                    <property name="report" value="%s"/>
                  </properties>
                  <testcase classname="streamguard.verify-report" name="schema" time="0.003"/>
                  <testcase classname="streamguard.verify-report" name="threshold.maxAnomalyRate" time="0.000">
                    <skipped message="not run: no threshold set"/>
                  </testcase>
                </testsuite>
                """.formatted(temp.resolve(ReportJson.REPORT_FILE)));
        parse(xml);
    }

    @Test
    void escapingKeepsLineBreaksAndReplacesWhatXmlCannotHold() throws IOException {
        assertThat(JUnitReport.escape("a\nb\tc\u0001\uDC00\uD83D\uDE00<&>\"'"))
                .isEqualTo("a&#10;b&#9;c\uFFFD\uFFFD\uD83D\uDE00&lt;&amp;&gt;&quot;&apos;");
    }
}
