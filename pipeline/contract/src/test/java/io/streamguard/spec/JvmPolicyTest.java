package io.streamguard.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
}
