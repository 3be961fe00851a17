package io.streamguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.StandaloneResolver;
import io.streamguard.plugin.embedded.SyntheticEvents;
import io.streamguard.plugin.launch.RunRequest;
import io.streamguard.plugin.launch.StreamGuardRunner;
import io.streamguard.report.AnomalyReport;
import io.streamguard.report.CommitFiles;
import io.streamguard.spec.RunSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code anomaly_report.html} of a real run, opened in a real headless browser: it renders offline, logs nothing to
 * the console, asks the network for nothing, and a user id made to attack the page (a script, quotes, an ampersand)
 * is shown as text. Screenshots go to {@code it/target/report-page/}.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ReportPageIT {

    static final String TOPIC = "report-page";
    /** Would log to the console if the page let it run. */
    static final String HOSTILE_USER = "<script>console.error(\"xss\")</script>\"'&amp;";
    static final Path DIR = Path.of("target", "report-page").toAbsolutePath();

    static Optional<HeadlessChromium> chromium;
    static AnomalyReport report;
    static Path page;

    @BeforeAll
    static void runTheJobOnEventsOfAHostileUser(TestBroker broker) throws IOException {
        chromium = HeadlessChromium.find();
        if (chromium.isEmpty()) {
            System.err.println("ReportPageIT: " + HeadlessChromium.missingReason());
        }
        SyntheticEvents synthetic = new SyntheticEvents(new SyntheticEvents.Config(3_000, 11,
                SyntheticEvents.Config.DEFAULT_END, java.time.Duration.ofDays(7), 0.05));
        String planted = synthetic.users().stream().filter(u -> u.behaviour() != null).findFirst().orElseThrow()
                .name();
        String from = "\"user\":\"" + planted + "\"";
        String to = "\"user\":" + new ObjectMapper().writeValueAsString(HOSTILE_USER);
        List<SyntheticEvents.Event> events = new ArrayList<>();
        synthetic.forEach(e -> events.add(e.json().contains(from)
                ? new SyntheticEvents.Event(HOSTILE_USER, e.timestamp(), e.json().replace(from, to)) : e));
        events.sort(Comparator.comparingLong(SyntheticEvents.Event::timestamp));
        assertThat(events).as("events of the renamed user").anyMatch(e -> e.user().equals(HOSTILE_USER));
        broker.createTopic(TOPIC, 2, Map.of());
        Events.produce(broker.bootstrapServers(), Map.of(), p -> events.forEach(e -> p.send(Events.record(TOPIC,
                Math.floorMod(e.user().hashCode(), 2), e))));

        Path output = DIR.resolve("out");
        RunRequest request = RunRequest.builder().set(RunSpec.BOOTSTRAP_SERVERS, broker.bootstrapServers())
                .set(RunSpec.TOPIC, TOPIC).set(RunSpec.MAX_EVENTS, 3_000L).set(RunSpec.START_FROM, "oldest")
                .set(RunSpec.REPORT_TOP_N, 1_000).outputDirectory(output).set(RunSpec.MASTER, "local[2]")
                .set(RunSpec.NUM_TREES, 50).jvmArgs(List.of("-Xmx768m")).embeddedEvents(0)
                .workDirectory(DIR.resolve("work")).buildUnchecked();
        report = new StreamGuardRunner(StandaloneResolver.create(), PluginVersions.load(),
                StandaloneResolver.console()).run(request).report();
        page = output.resolve(CommitFiles.REPORT_PAGE);
    }

    @Test
    void theHostileUserIsInTheReportAndOnlyEscapedOnThePage() throws IOException {
        assertThat(report.schemaVersion()).isEqualTo(2);
        assertThat(report.topAnomalies()).as("every user is listed").hasSize((int) report.totalUsers());
        AnomalyReport.TopAnomaly hostile = report.topAnomalies().stream()
                .filter(t -> t.user().equals(HOSTILE_USER)).findFirst().orElseThrow();
        assertThat(hostile.reasons()).isNotEmpty();
        String html = Files.readString(page);
        assertThat(html).contains("<code>&lt;script&gt;console.error(&quot;xss&quot;)&lt;/script&gt;&quot;&#39;"
                + "&amp;amp;</code>").doesNotContain(HOSTILE_USER, "<script");
    }

    @Test
    void thePageRendersOfflineWithoutConsoleMessagesOrRequests() throws Exception {
        assumeTrue(chromium.isPresent(), HeadlessChromium::missingReason);
        HeadlessChromium.Page shown = chromium.get().open(page, DIR.resolve("anomaly_report.png"));
        assertThat(shown.consoleMessages()).as("console messages").isEmpty();
        assertThat(shown.requests()).as("network requests of the page").isEmpty();
        assertThat(shown.dom()).contains("<svg", "id=\"threshold\"", "Anomaly report: " + TOPIC,
                "&lt;script&gt;console.error(\"xss\")&lt;/script&gt;\"'&amp;amp;",
                report.topAnomalies().get(0).reasons().get(0).text().replace("&", "&amp;"));
        byte[] png = Files.readAllBytes(shown.screenshot());
        assertThat(png).as("a PNG screenshot at %s", shown.screenshot()).startsWith(0x89, 'P', 'N', 'G');
        assertThat(png.length).as("bytes of the screenshot").isGreaterThan(20_000);
    }

    /** The checks above could pass by seeing nothing: this page has a console error and a request, and both show. */
    @Test
    void theBrowserCheckSeesConsoleErrorsAndRequestsWhereThereAreSome() throws Exception {
        assumeTrue(chromium.isPresent(), HeadlessChromium::missingReason);
        Path broken = DIR.resolve("broken.html");
        Files.createDirectories(DIR);
        Files.writeString(broken, "<!DOCTYPE html><html><head><title>broken</title></head><body>"
                + "<img src=\"http://example.invalid/a.png\"><script>console.error(\"boom\")</script></body></html>");
        HeadlessChromium.Page shown = chromium.get().open(broken, DIR.resolve("broken.png"));
        assertThat(shown.consoleMessages()).singleElement().asString().contains("\"boom\"");
        assertThat(shown.requests()).containsExactly("http://example.invalid/a.png");
    }
}
