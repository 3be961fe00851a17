package io.streamguard.plugin.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real forked JVM, stopped at its deadline. */
class JavaProcessTest {

    @TempDir
    Path temp;

    @Test
    void aForkStoppedAtItsDeadlineEndsWithWhatItWasDoingNotWhatItPrintedWhileStopping() {
        List<String> forwarded = new ArrayList<>();
        JavaProcess.Result result = new JavaProcess(List.of("-Xmx64m"),
                List.of(JavaProcess.codeSource(NoisyStopMain.class)),
                NoisyStopMain.class.getName(), List.of(), Map.of(), temp)
                .run("noisy", forwarded::add, Duration.ofSeconds(3));
        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).as("SIGTERM, not a kill").isEqualTo(143);
        assertThat(result.lastLines()).containsExactly("working on it");
        assertThat(forwarded).containsExactly("working on it");
    }
}
