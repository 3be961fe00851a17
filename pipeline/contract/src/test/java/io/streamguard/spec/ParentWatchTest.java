package io.streamguard.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watch on a fork's standard input, in child JVMs whose standard input is a pipe this test holds open, as the
 * plugin does (the test JVM's own standard input belongs to Surefire).
 */
class ParentWatchTest {

    /** Generous: the children do nothing slow. */
    private static final long CHILD_SECONDS = 60;

    @Test
    void stoppingBeforeExitWakesTheThreadBlockedInTheRead() throws Exception {
        Process child = child("stop");
        assertThat(firstLine(child)).isEqualTo("reading=false state=TIMED_WAITING");
        assertThat(child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("the JVM ends as its main does, not as a lost parent").isZero();
    }

    @Test
    void theEndOfStandardInputEndsTheJvm() throws Exception {
        Process child = child("wait");
        assertThat(firstLine(child)).isEqualTo("watching");
        child.getOutputStream().close();
        assertThat(child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(ParentWatch.EXIT_PARENT_GONE);
    }

    /**
     * After a stop the pipe can no longer tell, and a JVM that does not exit (a hook that hangs, a thread started
     * late) must still end with its parent: here a shell between this test and the child, killed with -9.
     */
    @Test
    void afterAStopTheParentsEndStillEndsTheJvm(@TempDir Path temp) throws Exception {
        List<String> quoted = new ArrayList<>();
        for (String arg : childCommand("stop-then-hang")) {
            quoted.add("'" + arg.replace("'", "'\\''") + "'");
        }
        // Not exec'd: the shell stays the child's parent, and the test kills it. The output goes to a file: Java
        // drains and closes a process's pipe when that process (the shell) exits, and the child writes after.
        Path output = temp.resolve("child.out");
        Process shell = new ProcessBuilder("sh", "-c", String.join(" ", quoted) + " 2>&1; exit 0")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        ProcessHandle child = null;
        try {
            List<String> lines = List.of();
            for (int i = 0; i < CHILD_SECONDS * 100 && !lines.contains("stopped"); i++) {
                Thread.sleep(10);
                lines = Files.readAllLines(output);
            }
            assertThat(lines).contains("stopped");
            child = ProcessHandle.of(Long.parseLong(lines.get(0).substring("pid=".length()))).orElseThrow();
            shell.destroyForcibly(); // SIGKILL
            Optional<ProcessHandle> exited = Optional.empty();
            try {
                exited = Optional.of(child.onExit().get(CHILD_SECONDS, TimeUnit.SECONDS));
            } catch (java.util.concurrent.TimeoutException stillRunning) {
                // asserted below
            }
            assertThat(exited).as("the child (pid %d) ends within %d s of its parent's kill -9", child.pid(),
                    CHILD_SECONDS).isPresent();
            assertThat(Files.readString(output)).contains("the process that started the test's child is gone");
        } finally {
            shell.destroyForcibly();
            if (child != null) {
                child.destroyForcibly();
            }
        }
    }

    private static List<String> childCommand(String mode) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return List.of(java.toString(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                Child.class.getName(), mode);
    }

    private static Process child(String mode) throws Exception {
        return new ProcessBuilder(childCommand(mode)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static String firstLine(Process child) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        return out.readLine();
    }

    /** A fork that watches its standard input; {@code stop}, {@code wait} or {@code stop-then-hang}. */
    static final class Child {
        public static void main(String[] args) throws Exception {
            ParentWatch.Watch watch = ParentWatch.exitWhenStandardInputCloses("the test's child");
            awaitReading(watch.thread(), true);
            switch (args[0]) {
                case "stop" -> {
                    watch.stopBeforeExit();
                    awaitReading(watch.thread(), false);
                    Thread.State state = watch.thread().getState();
                    for (int i = 0; i < 3_000 && state != Thread.State.TIMED_WAITING; i++) {
                        Thread.sleep(10);
                        state = watch.thread().getState();
                    }
                    System.out.println("reading=" + reading(watch.thread()) + " state=" + state);
                }
                case "stop-then-hang" -> {
                    System.out.println("pid=" + ProcessHandle.current().pid());
                    watch.stopBeforeExit();
                    System.out.println("stopped");
                    System.out.flush();
                    Thread.sleep(TimeUnit.SECONDS.toMillis(CHILD_SECONDS * 2)); // as a hook that hangs would
                }
                default -> {
                    System.out.println("watching");
                    Thread.sleep(TimeUnit.SECONDS.toMillis(CHILD_SECONDS * 2));
                }
            }
            System.out.flush();
        }

        /** Whether the watching thread sits in its read of the pipe, where only a close can reach it. */
        private static boolean reading(Thread watching) {
            return Arrays.stream(watching.getStackTrace()).anyMatch(f -> f.getClassName().endsWith("FileDispatcherImpl")
                    && f.getMethodName().startsWith("read"));
        }

        private static void awaitReading(Thread watching, boolean reading) throws InterruptedException {
            for (int i = 0; i < 3_000; i++) {
                if (reading(watching) == reading) {
                    return;
                }
                Thread.sleep(10);
            }
            throw new IllegalStateException("the watching thread is " + (reading ? "not " : "still ") + "reading: "
                    + Arrays.toString(watching.getStackTrace()));
        }
    }
}
