package io.streamguard.plugin.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.StandaloneResolver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forks never outlive Maven, and a job that hangs fails the build at its deadline. A real broker and a real job
 * JVM; the "Maven" that gets killed with -9 is {@link MavenLikeParent}, a JVM that starts them as the plugin does.
 */
class ForkLifecycleTest {

    /** From the parent's death to the fork's exit: the broker's own orderly shutdown takes a few seconds. */
    static final Duration EXIT_BOUND = Duration.ofSeconds(45);

    @TempDir
    Path temp;

    private final StreamGuardRunner runner = new StreamGuardRunner(StandaloneResolver.create(), PluginVersions.load(),
            StandaloneResolver.console());

    /** A job whose broker never answers and that would wait ten minutes for it. */
    static List<String> hangingJobArgs(Path dir) {
        return List.of("--bootstrap-servers", "127.0.0.1:9", "--output", dir.resolve("out").toString(),
                "--master", "local[1]", "--kafka-timeout-ms", "600000", "--secrets", "stdin",
                "--exit-with-parent", "true");
    }

    @Test
    void theEmbeddedBrokerExitsWhenItsParentIsKilled() throws Exception {
        assertForkExitsWhenParentIsKilled("broker", runner.embeddedDataset().brokerClasspath());
    }

    @Test
    void theJobExitsWhenItsParentIsKilled() throws Exception {
        assertForkExitsWhenParentIsKilled("job", runner.jobClasspath());
    }

    @Test
    void aJobPastItsDeadlineIsStoppedAndTheRunFailsSayingSo() throws IOException {
        Path out = Files.createDirectories(temp.resolve("out"));
        Files.writeString(out.resolve("anomaly_report.json"), "the previous run's report");
        List<String> args = hangingJobArgs(temp);
        long started = System.nanoTime();
        assertThatThrownBy(() -> runner.launcher().forkSparkMain(StreamGuardRunner.JOB_MAIN_CLASS, "streamguard-job",
                runner.jobClasspath(), args, List.of(), 1_000, temp.resolve("work"),
                Secrets.stdinBlock(java.util.Map.of(), java.util.Map.of(), List.of()), Duration.ofSeconds(20), out))
                .isInstanceOf(JobFailedException.class)
                .hasMessageContaining("did not finish within PT20S (streamguard.timeout) and was stopped")
                .hasMessageContaining("The outputs in " + out + " are those of the last complete run")
                .satisfies(e -> assertThat(((JobFailedException) e).exitCode()).isEqualTo(JobFailedException.TIMED_OUT))
                .satisfies(e -> assertThat(((JobFailedException) e).isUserError()).isTrue());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20 + 60));
        assertThat(out.resolve("anomaly_report.json")).hasContent("the previous run's report");
    }

    private void assertForkExitsWhenParentIsKilled(String kind, List<Path> classpath) throws Exception {
        Path cpFile = temp.resolve(kind + ".classpath");
        Files.write(cpFile, classpath.stream().map(Path::toString).collect(Collectors.toList()));
        Process parent = new ProcessBuilder(JavaProcess.currentJava().toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), MavenLikeParent.class.getName(), kind,
                cpFile.toString(), temp.resolve(kind).toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        ProcessHandle child = null;
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(parent.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = lines.readLine()) != null && !line.startsWith("CHILD ")) {
                // the parent's own output
            }
            assertThat(line).as("the parent's report of its child").isNotNull();
            child = ProcessHandle.of(Long.parseLong(line.substring("CHILD ".length()))).orElseThrow();
            assertThat(child.isAlive()).isTrue();

            parent.destroyForcibly(); // SIGKILL: no shutdown hook of the parent runs
            assertThat(parent.waitFor(10, TimeUnit.SECONDS)).isTrue();

            Optional<ProcessHandle> exited = Optional.empty();
            try {
                exited = Optional.of(child.onExit().get(EXIT_BOUND.toSeconds(), TimeUnit.SECONDS));
            } catch (java.util.concurrent.TimeoutException stillRunning) {
                // asserted below
            }
            assertThat(exited).as("the %s (pid %d) exits within %s of its parent's kill -9", kind, child.pid(),
                    EXIT_BOUND).isPresent();
        } finally {
            parent.destroyForcibly();
            if (child != null && child.isAlive()) {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void aJvmThatRefusesToStartSaysWhyNotBrokenPipe() {
        // Secrets on its standard input, as the job gets them: the JVM is gone before they are written.
        JavaProcess process = new JavaProcess(List.of("-Xmx1k"), List.of(), "NoSuchMain", List.of(), java.util.Map.of(),
                temp).withInput("kafka.sasl.jaas.config=x\n".repeat(20_000));
        JavaProcess.Result result = process.run("refused", line -> { });
        assertThat(result.exitCode()).isNotZero();
        assertThat(String.join("\n", result.lastLines())).contains("heap");
    }
}
