package io.streamguard.plugin.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.RecordingConsole;
import io.streamguard.plugin.StandaloneResolver;
import io.streamguard.spec.JvmPolicy;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The job's WARN and ERROR lines reach Maven as [WARNING] and [ERROR], not all as [INFO]. */
class JobOutputTest {

    @Test
    void aRealForkLogsEachLineAtItsOwnLevel() throws Exception {
        RecordingConsole console = new RecordingConsole();
        List<Path> classpath = logLevelsClasspath(console);

        new JobLauncher(console).forkSparkMain(LogLevelsMain.class.getName(), "log-levels", classpath, List.of(),
                List.of("-Xmx128m", "-Dlevels.password=hunter2"), 0,
                Path.of("target", "job-log-levels").toAbsolutePath());

        // mvn -X shows the fork's command: the policy's options, then the user's (which win), no secret.
        assertThat(console.lines()).filteredOn(l -> l.startsWith("DEBUG Fork command: ")).singleElement()
                .asString().contains("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC", "-Xmx128m", "-Dlevels.password=",
                        LogLevelsMain.class.getName()).doesNotContain("hunter2");

        List<String> lines = console.lines().stream().filter(l -> !l.startsWith("DEBUG")).toList();
        assertThat(lines).startsWith(
                "INFO [job] INFO Levels - an information",
                "WARN [job] WARN Levels - a warning",
                "ERROR [job] ERROR Levels - an error",
                "ERROR java.lang.IllegalStateException: the cause");
        int again = lines.indexOf("INFO [job] INFO Levels - information again");
        assertThat(lines.subList(4, again)).isNotEmpty().allMatch(l -> l.startsWith("ERROR \tat "));
        assertThat(lines.subList(again, lines.size())).containsExactly(
                "INFO [job] INFO Levels - information again", "INFO a plain line");
    }

    @Test
    void aCollectorInJvmArgsReplacesThePolicysInsteadOfStoppingTheFork() throws Exception {
        RecordingConsole console = new RecordingConsole();
        List<Path> classpath = logLevelsClasspath(console);

        // With the policy's serial collector too, the JVM would refuse to start: "Multiple garbage collectors selected".
        new JobLauncher(console).forkSparkMain(LogLevelsMain.class.getName(), "log-levels-g1", classpath, List.of(),
                List.of("-Xmx128m", "-XX:+UseG1GC"), 1_000, Path.of("target", "job-log-levels-g1").toAbsolutePath());

        assertThat(console.lines()).contains("INFO a plain line");
        assertThat(console.lines()).filteredOn(l -> l.startsWith("DEBUG Fork command: ")).singleElement()
                .asString().contains("-XX:TieredStopAtLevel=1", "-XX:+UseG1GC").doesNotContain("UseSerialGC");
    }

    @Test
    void aMisspeltJvmOptionStopsTheForkNamingIt() throws Exception {
        RecordingConsole console = new RecordingConsole();
        List<Path> classpath = logLevelsClasspath(console);

        // Spark's own option list starts with -XX:+IgnoreUnrecognizedVMOptions, which would drop the typo silently.
        assertThatThrownBy(() -> new JobLauncher(console).forkSparkMain(LogLevelsMain.class.getName(),
                "log-levels-typo", classpath, List.of(), List.of("-Xmx128m", "-XX:+UseG1Gc"), 1_000,
                Path.of("target", "job-log-levels-typo").toAbsolutePath()))
                .isInstanceOf(JobFailedException.class)
                .hasMessageContaining("Unrecognized VM option 'UseG1Gc'");
    }

    @Test
    void levelsFollowTheLayoutAndContinuationLinesKeepTheirEventsLevel() {
        assertThat(JobOutput.levelOf("[job] WARN X - w", JobOutput.Level.INFO)).isEqualTo(JobOutput.Level.WARN);
        assertThat(JobOutput.levelOf("[job] FATAL X - f", JobOutput.Level.INFO)).isEqualTo(JobOutput.Level.ERROR);
        assertThat(JobOutput.levelOf("[job] DEBUG X - d", JobOutput.Level.INFO)).isEqualTo(JobOutput.Level.DEBUG);
        assertThat(JobOutput.levelOf("Caused by: java.io.IOException", JobOutput.Level.ERROR))
                .isEqualTo(JobOutput.Level.ERROR);
        assertThat(JobOutput.levelOf("java.lang.IllegalStateException: the cause", JobOutput.Level.WARN))
                .isEqualTo(JobOutput.Level.WARN);
        assertThat(JobOutput.levelOf("org.apache.spark.SparkException", JobOutput.Level.ERROR))
                .isEqualTo(JobOutput.Level.ERROR);
        assertThat(JobOutput.levelOf("Seeded 'security-events' with 2 events", JobOutput.Level.ERROR))
                .isEqualTo(JobOutput.Level.INFO);
        assertThat(JobOutput.levelOf("  second line of a warning", JobOutput.Level.WARN))
                .isEqualTo(JobOutput.Level.WARN);
        assertThat(JobOutput.levelOf("OpenJDK 64-Bit Server VM warning: x", JobOutput.Level.ERROR))
                .isEqualTo(JobOutput.Level.INFO);
        assertThat(JobOutput.levelOf("", JobOutput.Level.ERROR)).isEqualTo(JobOutput.Level.INFO);
    }

    @Test
    void theJobsLayoutStartsEveryEventWithThePrefixAndTheLevel() throws Exception {
        Properties config = new Properties();
        try (InputStream in = JvmPolicy.logConfig().openStream()) {
            config.load(in);
        }
        assertThat(config.getProperty("appender.out.layout.pattern")).startsWith(JobOutput.PREFIX + "%p ");
    }

    /** The job's classpath, as the plugin resolves it, and {@link LogLevelsMain}. */
    private static List<Path> logLevelsClasspath(RecordingConsole console) throws Exception {
        List<Path> classpath = new ArrayList<>(new StreamGuardRunner(StandaloneResolver.create(),
                PluginVersions.load(), console).jobClasspath());
        classpath.add(Path.of(LogLevelsMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        return classpath;
    }
}
