package io.streamguard.pipeline.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamguard.pipeline.StreamGuardException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cuts a commit short after each of its steps (and the recovery after each of its own) and checks that the output
 * directory then holds a complete old output, a complete new one, or a journal, and that the next start leaves a
 * complete output with one run id throughout and nothing orphaned.
 */
class OutputCommitterCrashTest {

    static final String REPORT = "anomaly_report.json";
    static final List<String> ITEMS = List.of("training_data", "quarantine", "ground_truth.json", "evaluation.json");

    @TempDir
    Path dir;

    /** Thrown by a crash point: stands for the process dying there. */
    static final class Crash extends IOException {
        Crash(String step) {
            super("crash after " + step);
        }
    }

    /** Crashes at the {@code n}-th step it sees (1-based), records every step. */
    static final class CrashAt implements OutputCommitter.CrashPoints {
        final int n;
        final List<String> seen = new ArrayList<>();

        CrashAt(int n) {
            this.n = n;
        }

        @Override
        public void after(String step) throws IOException {
            seen.add(step);
            if (seen.size() == n) {
                throw new Crash(step);
            }
        }
    }

    static void write(OutputCommitter c, String name, String content) throws IOException {
        try (OutputStream out = c.fileSystem().create(c.staged(name), true)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** run1 has an evaluation; run2 has none, so its commit must also remove run1's. */
    static void stage(OutputCommitter c, String run) throws IOException {
        write(c, "training_data/is_anomaly=0/part-0.parquet", "rows of " + run);
        write(c, "quarantine/part-0.json", "rejects of " + run);
        if (run.equals("run1")) {
            write(c, "ground_truth.json", "truth of " + run);
            write(c, "evaluation.json", "evaluation of " + run);
        }
        write(c, REPORT, "report of " + run);
    }

    OutputCommitter begin(String run, OutputCommitter.CrashPoints crashPoints) {
        return OutputCommitter.begin(dir.toString(), new Configuration(), run, true, crashPoints);
    }

    /** The run whose complete output the directory holds, or null when it holds none (or a mix). */
    String completeOutput() throws IOException {
        Path report = dir.resolve(REPORT);
        if (!Files.exists(report)) {
            return null;
        }
        String run = Files.readString(report).substring("report of ".length());
        boolean ok = run.equals(marker("training_data")) && run.equals(marker("quarantine"))
                && Files.readString(dir.resolve("training_data/is_anomaly=0/part-0.parquet")).equals("rows of " + run)
                && Files.readString(dir.resolve("quarantine/part-0.json")).equals("rejects of " + run);
        if (run.equals("run1")) {
            ok &= Files.readString(dir.resolve("evaluation.json")).equals("evaluation of run1")
                    && Files.readString(dir.resolve("ground_truth.json")).equals("truth of run1");
        } else {
            ok &= !Files.exists(dir.resolve("evaluation.json")) && !Files.exists(dir.resolve("ground_truth.json"));
        }
        return ok ? run : null;
    }

    String marker(String item) throws IOException {
        Path m = dir.resolve(item).resolve(OutputCommitter.RUN_ID_MARKER);
        return Files.exists(m) ? Files.readString(m) : null;
    }

    List<String> hiddenLeftovers() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".staging") || n.startsWith(".previous")
                            || n.startsWith(OutputCommitter.JOURNAL))
                    .toList();
        }
    }

    void commitRun1() throws IOException {
        try (OutputCommitter c = begin("run1", OutputCommitter.CrashPoints.NONE)) {
            stage(c, "run1");
            c.commit(ITEMS, REPORT);
        }
        assertThat(completeOutput()).isEqualTo("run1");
    }

    @Test
    void aCommitCutShortAfterAnyStepIsCompletedOrUndoneByTheNextStart() throws IOException {
        List<String> steps = new CrashAt(Integer.MAX_VALUE).seen;
        // A clean run first, to learn every step of run2's commit.
        commitRun1();
        CrashAt all = new CrashAt(Integer.MAX_VALUE);
        try (OutputCommitter c = begin("run2", all)) {
            stage(c, "run2");
            c.commit(ITEMS, REPORT);
        }
        steps.addAll(all.seen);
        assertThat(steps).containsExactly("staged", "journal", "retire anomaly_report.json", "retire training_data",
                "retire quarantine", "retire ground_truth.json", "retire evaluation.json", "publish training_data",
                "publish quarantine", "publish anomaly_report.json", "cleaned", "done");

        for (int crashAt = 1; crashAt <= steps.size(); crashAt++) {
            boolean journalled = crashAndCheck(steps.get(crashAt - 1), crashAt);
            restartAndCheck(steps.get(crashAt - 1), crashAt == 1 ? "run1" : "run2");
            if (journalled && (steps.get(crashAt - 1).equals("journal")
                    || steps.get(crashAt - 1).equals("publish training_data"))) {
                // recovery itself may die too, after any of its own steps (all of them, from right after the
                // journal; from the middle of the publishing)
                for (int recoveryCrashAt = 1; ; recoveryCrashAt++) {
                    crashAndCheck(steps.get(crashAt - 1), crashAt);
                    CrashAt recoveryCrash = new CrashAt(recoveryCrashAt);
                    try {
                        begin("run3", recoveryCrash).dieHere();
                    } catch (StreamGuardException e) {
                        assertThat(e).hasRootCauseInstanceOf(Crash.class);
                    }
                    assertThat(Files.exists(dir.resolve(OutputCommitter.JOURNAL)) || completeOutput() != null)
                            .as("crash after '%s', then in recovery after %s", steps.get(crashAt - 1),
                                    recoveryCrash.seen).isTrue();
                    restartAndCheck(steps.get(crashAt - 1), "run2");
                    if (recoveryCrash.seen.size() < recoveryCrashAt) {
                        break; // the recovery had fewer steps: every one has been cut
                    }
                }
            }
        }
    }

    /** A clean run1, then run2's commit dies after {@code step}; returns whether it left a journal. */
    private boolean crashAndCheck(String step, int crashAt) throws IOException {
        reset();
        commitRun1();
        OutputCommitter c = begin("run2", new CrashAt(crashAt));
        stage(c, "run2");
        assertThatThrownBy(() -> c.commit(ITEMS, REPORT))
                .as("crash after %s", step)
                .isInstanceOf(StreamGuardException.class).hasRootCauseInstanceOf(Crash.class)
                .hasMessageContaining("lets the next run complete it");
        c.dieHere();
        boolean journalled = Files.exists(dir.resolve(OutputCommitter.JOURNAL));
        String now = completeOutput();
        assertThat(journalled || now != null)
                .as("after a crash after '%s': a complete output or a journal", step).isTrue();
        if (crashAt == 1) {
            assertThat(journalled).isFalse();
            assertThat(now).isEqualTo("run1"); // not decided yet: the old output stands
        }
        return journalled;
    }

    private void restartAndCheck(String step, String expected) throws IOException {
        begin("run4", OutputCommitter.CrashPoints.NONE).close();
        assertThat(completeOutput()).as("the next start after a crash after '%s'", step).isEqualTo(expected);
        assertThat(hiddenLeftovers()).as("leftovers after a crash after '%s'", step).isEmpty();
    }

    @Test
    void outputsStrandedInPreviousByAnOlderVersionAreRestored() throws IOException {
        commitRun1();
        // What the version without a journal left when killed between its renames: the old report and one old item
        // moved aside, a new item already in.
        Path stranded = Files.createDirectories(dir.resolve(".previous-old"));
        Files.move(dir.resolve(REPORT), stranded.resolve(REPORT));
        Files.move(dir.resolve("training_data"), stranded.resolve("training_data"));
        Files.createDirectories(dir.resolve("training_data"));
        Files.writeString(dir.resolve("training_data/half"), "of a dead run");

        begin("run2", OutputCommitter.CrashPoints.NONE).close();
        assertThat(completeOutput()).isEqualTo("run1");
        assertThat(dir.resolve("training_data/half")).doesNotExist();
        assertThat(hiddenLeftovers()).isEmpty();
    }

    @Test
    void theCreateIfAbsentLockRefusesASecondRunAndNamesTheHolder() {
        String out = dir.toString();
        try (OutputCommitter first = OutputCommitter.begin(out, new Configuration(), "run1", false,
                OutputCommitter.CrashPoints.NONE)) {
            assertThat(dir.resolve(OutputCommitter.FS_LOCK_FILE)).exists();
            assertThatThrownBy(() -> OutputCommitter.begin(out, new Configuration(), "run2", false,
                    OutputCommitter.CrashPoints.NONE))
                    .isInstanceOf(StreamGuardException.class)
                    .hasMessageContaining("Another StreamGuard run is writing to")
                    .hasMessageContaining("held by run run1 on ")
                    .hasMessageContaining(", pid " + ProcessHandle.current().pid())
                    .extracting(e -> ((StreamGuardException) e).exitCode())
                    .isEqualTo(StreamGuardException.EXIT_OUTPUT);
        }
        assertThat(dir.resolve(OutputCommitter.FS_LOCK_FILE)).doesNotExist();
        // released: the next run may start, and a killed one leaves the lock for a human to judge
        OutputCommitter killed = OutputCommitter.begin(out, new Configuration(), "run3", false,
                OutputCommitter.CrashPoints.NONE);
        killed.dieHere();
        assertThatThrownBy(() -> OutputCommitter.begin(out, new Configuration(), "run4", false,
                OutputCommitter.CrashPoints.NONE))
                .hasMessageContaining("held by run run3")
                .hasMessageContaining("If no run is active any more (it was killed), delete ");
    }

    private void reset() throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        }
    }
}
