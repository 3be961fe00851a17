package io.streamguard.pipeline.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real JVM committing, stopped at the worst moment: half the old items moved aside, none of the new ones in. With
 * kill -9 the next start completes the commit; with SIGTERM (Maven's Ctrl-C) the commit finishes before the JVM ends.
 */
class OutputCommitterKillTest {

    static final String WORST_STEP = "retire training_data";

    @TempDir
    Path dir;

    @Test
    void killMinus9MidCommitIsCompletedByTheNextStart() throws Exception {
        commitRun1();
        Process p = commitInAnotherJvm(WORST_STEP, 600_000);
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(dir.resolve(OutputCommitter.JOURNAL)).exists();
        assertThat(dir.resolve("anomaly_report.json")).doesNotExist(); // the torn state the journal describes

        OutputCommitter.begin(dir.toString(), new Configuration(), "run3").close();
        assertThat(complete()).isEqualTo("run2");
    }

    @Test
    void sigtermMidCommitLetsTheCommitFinish() throws Exception {
        commitRun1();
        Process p = commitInAnotherJvm(WORST_STEP, 3_000);
        p.destroy(); // SIGTERM, while the commit pauses between two renames
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(dir.resolve(OutputCommitter.JOURNAL)).doesNotExist();
        assertThat(complete()).isEqualTo("run2"); // without waiting for another start
    }

    private String complete() throws IOException {
        OutputCommitterCrashTest view = new OutputCommitterCrashTest();
        view.dir = dir;
        return view.completeOutput();
    }

    private void commitRun1() throws IOException {
        OutputCommitterCrashTest setup = new OutputCommitterCrashTest();
        setup.dir = dir;
        setup.commitRun1();
    }

    private Process commitInAnotherJvm(String step, long pauseMs) throws IOException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CommitInAnotherJvm.class.getName(), dir.toString(),
                "run2", step, Long.toString(pauseMs)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("AT " + step)) {
            // start-up output
        }
        assertThat(line).as("the committing JVM reached '%s'", step).isNotNull();
        return p;
    }
}
