package io.streamguard.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JvmPolicyTest {

    @Test
    void smallRunsGetTheQuickStartingJitAndGcLargeAndUnboundedOnesThroughput() {
        assertThat(JvmPolicy.jitAndGcOptions(1_000)).containsExactly("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
        assertThat(JvmPolicy.jitAndGcOptions(200_000)).containsExactly("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
        assertThat(JvmPolicy.jitAndGcOptions(200_001))
                .containsExactly("-XX:TieredStopAtLevel=1", "-XX:+UseParallelGC");
        assertThat(JvmPolicy.jitAndGcOptions(1_000_000))
                .containsExactly("-XX:TieredStopAtLevel=1", "-XX:+UseParallelGC");
        assertThat(JvmPolicy.jitAndGcOptions(1_000_001)).containsExactly("-XX:+UseParallelGC");
        assertThat(JvmPolicy.jitAndGcOptions(RunSpec.ALL_EVENTS)).containsExactly("-XX:+UseParallelGC");
    }

    @Test
    void aCollectorTheUserChoosesReplacesThePolicysOtherOptionsStay() {
        assertThat(JvmPolicy.jitAndGcOptions(1_000, List.of("-Xmx4g", "-XX:+UseG1GC")))
                .containsExactly("-XX:TieredStopAtLevel=1");
        assertThat(JvmPolicy.jitAndGcOptions(500_000, List.of("-XX:+UseZGC")))
                .containsExactly("-XX:TieredStopAtLevel=1");
        assertThat(JvmPolicy.jitAndGcOptions(5_000_000, List.of("-XX:+UseSerialGC"))).isEmpty();
        // Options that only look like collectors, or override the JIT (later options win), leave the collector.
        assertThat(JvmPolicy.jitAndGcOptions(1_000, List.of("-XX:+UseGCOverheadLimit", "-XX:TieredStopAtLevel=4")))
                .containsExactly("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    }

    @Test
    void theLogConfigurationShipsWithTheJob() throws IOException {
        try (InputStream in = JvmPolicy.logConfig().openStream()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .contains("rootLogger.level = warn", "logger.streamguard.level = info",
                            "appender.out.layout.pattern = [job] %p %c{1} - %m%n");
        }
    }

    @Test
    void sparkSubmitUsersGetTheSameOptionsFromMain() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            JvmPolicy.main(new String[] {"5000000"});
        } finally {
            System.setOut(original);
        }
        assertThat(out.toString(StandardCharsets.UTF_8).trim())
                .isEqualTo("-Dlog4j2.configurationFile=" + JvmPolicy.logConfig() + " -XX:+UseParallelGC");
    }

    @Test
    void mainRefusesWhatIsNotAMaxEventsValue() {
        assertThat(JvmPolicy.driverOptions(new String[] {"-1"})).endsWith(" -XX:+UseParallelGC");
        assertThat(JvmPolicy.driverOptions(new String[0])).endsWith(" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        for (String[] bad : List.of(new String[] {"abc"}, new String[] {"-5"}, new String[] {"1000", "extra"})) {
            assertThatThrownBy(() -> JvmPolicy.driverOptions(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Usage: JvmPolicy [MAX_EVENTS]: the run's --max-events")
                    .hasMessageEndingWith("got " + String.join(" ", bad) + ".");
        }
    }
}
