package io.streamguard.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

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
        assertThat(firstLine(child)).isEqualTo("stopped=true alive=false");
        assertThat(child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("the JVM ends as its main does, not as a lost parent").isZero();
    }

    @Test
    void aJvmThatOtherThreadsKeepRunningKeepsWatching() throws Exception {
        Process child = child("busy");
        assertThat(firstLine(child)).isEqualTo("stopped=false alive=true");
        child.getOutputStream().close(); // the parent's end: the watch still ends the JVM that the busy thread holds
        assertThat(child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(ParentWatch.EXIT_PARENT_GONE);
    }

    @Test
    void theEndOfStandardInputEndsTheJvm() throws Exception {
        Process child = child("wait");
        assertThat(firstLine(child)).isEqualTo("watching");
        child.getOutputStream().close();
        assertThat(child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(ParentWatch.EXIT_PARENT_GONE);
    }

    private static Process child(String mode) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                Child.class.getName(), mode).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static String firstLine(Process child) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        return out.readLine();
    }

    /** A fork that watches its standard input; {@code stop}, {@code busy} or {@code wait}. */
    static final class Child {
        public static void main(String[] args) throws Exception {
            ParentWatch.Watch watch = ParentWatch.exitWhenStandardInputCloses("the test's child");
            awaitBlockedInRead(watch.thread());
            switch (args[0]) {
                case "stop" -> {
                    boolean stopped = watch.stopBeforeExit();
                    System.out.println("stopped=" + stopped + " alive=" + watch.thread().isAlive());
                }
                case "busy" -> {
                    Thread busy = new Thread(() -> {
                        try {
                            Thread.sleep(TimeUnit.SECONDS.toMillis(CHILD_SECONDS * 2));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }, "busy");
                    busy.start();
                    boolean stopped = watch.stopBeforeExit();
                    System.out.println("stopped=" + stopped + " alive=" + watch.thread().isAlive());
                }
                default -> {
                    System.out.println("watching");
                    Thread.sleep(TimeUnit.SECONDS.toMillis(CHILD_SECONDS * 2));
                }
            }
            System.out.flush();
        }

        /** Until the watching thread sits in its read of the pipe, where only a close can reach it. */
        private static void awaitBlockedInRead(Thread watching) throws InterruptedException {
            for (int i = 0; i < 3_000; i++) {
                if (Arrays.stream(watching.getStackTrace()).anyMatch(f -> f.getClassName().endsWith("FileDispatcherImpl")
                        && f.getMethodName().startsWith("read"))) {
                    return;
                }
                Thread.sleep(10);
            }
            throw new IllegalStateException("the watching thread never read: " + Arrays.toString(watching.getStackTrace()));
        }
    }
}
