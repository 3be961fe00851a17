package io.streamguard.plugin.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamguard.spec.JvmPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobLauncherTest {

    /** The JVM reads these variables itself: a collector there and the fork's own would stop it at start. */
    @Test
    void aCollectorFromTheEnvironmentReplacesTheForksOwnToo() {
        List<String> user = JvmPolicy.userOptions(List.of("-Xmx4g"),
                Map.of("JAVA_TOOL_OPTIONS", " -Dfile.encoding=UTF-8   -XX:+UseG1GC ", "JDK_JAVA_OPTIONS", ""));

        assertThat(user).containsExactly("-Dfile.encoding=UTF-8", "-XX:+UseG1GC", "-Xmx4g");
        assertThat(JvmPolicy.jitAndGcOptions(1_000, user)).containsExactly("-XX:TieredStopAtLevel=1");
        assertThat(JvmPolicy.jitAndGcOptions(1_000, JvmPolicy.userOptions(List.of(),
                Map.of("JDK_JAVA_OPTIONS", "-XX:+UseZGC")))).containsExactly("-XX:TieredStopAtLevel=1");
        assertThat(JvmPolicy.jitAndGcOptions(1_000, JvmPolicy.userOptions(List.of(), Map.of())))
                .startsWith("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    }
}
