package io.streamguard.plugin.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class JvmArgsTest {

    /** What Maven makes of -Dstreamguard.jvmArgs=...: the value split at every comma. */
    private static List<String> asMavenSplitsIt(String property) {
        return List.of(property.split(","));
    }

    @Test
    void optionsWithCommasOfTheirOwnSurviveMavensSplit() {
        assertThat(JvmArgs.rejoinCommas(asMavenSplitsIt(
                "-XX:StartFlightRecording=filename=run.jfr,settings=profile")))
                .containsExactly("-XX:StartFlightRecording=filename=run.jfr,settings=profile");
        assertThat(JvmArgs.rejoinCommas(asMavenSplitsIt(
                "-Xmx4g,-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=5005,-Dlist=a,b")))
                .containsExactly("-Xmx4g", "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=5005",
                        "-Dlist=a,b");
    }

    @Test
    void separateOptionsStaySeparateAndTheListFormPassesAsIs() {
        assertThat(JvmArgs.rejoinCommas(asMavenSplitsIt("-Xmx4g,-XX:+UseG1GC"))).containsExactly("-Xmx4g",
                "-XX:+UseG1GC");
        assertThat(JvmArgs.rejoinCommas(List.of("-Xmx4g", "-Dx=a,-b"))).containsExactly("-Xmx4g", "-Dx=a,-b");
        assertThat(JvmArgs.rejoinCommas(List.of())).isEmpty();
        assertThat(JvmArgs.rejoinCommas(List.of("", " -Xmx1g "))).containsExactly("-Xmx1g");
        // Every comma Maven took out goes back, also between two of them.
        assertThat(JvmArgs.rejoinCommas(List.of("-XX:LogFile=/x/vm", "", "double.log")))
                .containsExactly("-XX:LogFile=/x/vm,,double.log");
    }

    @Test
    void aFirstPieceThatIsNoOptionIsNamed() {
        assertThatThrownBy(() -> JvmArgs.rejoinCommas(asMavenSplitsIt("Xmx4g,-Xms1g")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("jvmArgs: 'Xmx4g' is not a JVM option");
    }
}
