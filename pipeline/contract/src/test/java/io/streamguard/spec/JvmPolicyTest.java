package io.streamguard.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    /** A machine without huge pages and too small for the young generation: the options of the size alone. */
    private static final JvmPolicy.Machine PLAIN = new JvmPolicy.Machine("never", 4L << 30);
    private static final JvmPolicy.Machine HUGE_PAGES_16G = new JvmPolicy.Machine("madvise", 16L << 30);

    @Test
    void aCollectorTheUserChoosesReplacesThePolicysOtherOptionsStay() {
        assertThat(JvmPolicy.jitAndGcOptions(1_000, List.of("-Xmx4g", "-XX:+UseG1GC"), PLAIN))
                .containsExactly("-XX:TieredStopAtLevel=1");
        assertThat(JvmPolicy.jitAndGcOptions(500_000, List.of("-XX:+UseZGC"), PLAIN))
                .containsExactly("-XX:TieredStopAtLevel=1");
        assertThat(JvmPolicy.jitAndGcOptions(5_000_000, List.of("-XX:+UseSerialGC"), PLAIN)).isEmpty();
        // Options that only look like collectors, or override the JIT (later options win), leave the collector.
        assertThat(JvmPolicy.jitAndGcOptions(1_000, List.of("-XX:+UseGCOverheadLimit", "-XX:TieredStopAtLevel=4"),
                PLAIN)).containsExactly("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    }

    @Test
    void theHeapIsOnHugePagesWhereTheKernelOffersThemWithThePolicysCollectorsOnly() {
        for (String mode : List.of("madvise", "always")) {
            JvmPolicy.Machine machine = new JvmPolicy.Machine(mode, 1L << 30);
            assertThat(JvmPolicy.jitAndGcOptions(1_000, List.of(), machine))
                    .containsExactly("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:+UseTransparentHugePages");
            assertThat(JvmPolicy.jitAndGcOptions(5_000_000, List.of(), machine))
                    .containsExactly("-XX:+UseParallelGC", "-XX:+UseTransparentHugePages");
        }
        for (String mode : List.of("never", "")) {
            assertThat(JvmPolicy.jitAndGcOptions(1_000, List.of(), new JvmPolicy.Machine(mode, 1L << 30)))
                    .containsExactly("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
        }
        // Measured with the policy's collectors only: a collector the user chooses, or turns off, gets none.
        assertThat(JvmPolicy.jitAndGcOptions(1_000, List.of("-XX:+UseZGC"), HUGE_PAGES_16G))
                .containsExactly("-XX:TieredStopAtLevel=1");
        assertThat(JvmPolicy.jitAndGcOptions(1_000_000, List.of("-XX:+UseG1GC"), HUGE_PAGES_16G))
                .containsExactly("-XX:TieredStopAtLevel=1");
        assertThat(JvmPolicy.jitAndGcOptions(1_000_000, List.of("-XX:-UseParallelGC"), HUGE_PAGES_16G))
                .containsExactly("-XX:TieredStopAtLevel=1");
        assertThat(JvmPolicy.jitAndGcOptions(1_000, List.of("-XX:-UseParallelGC"), HUGE_PAGES_16G))
                .containsExactly("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:+UseTransparentHugePages");
        // The user's own large pages, on or off, wherever they are set, stay the user's.
        for (String paging : List.of("-XX:-UseTransparentHugePages", "-XX:+UseLargePages", "-XX:+UseHugeTLBFS",
                "-XX:+UseSHM", "-XX:LargePageSizeInBytes=1g")) {
            assertThat(JvmPolicy.jitAndGcOptions(1_000, JvmPolicy.userOptions(List.of(),
                    Map.of("JAVA_TOOL_OPTIONS", paging)), HUGE_PAGES_16G))
                    .as(paging).containsExactly("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
        }
        // Options in a file could say anything about memory: none of the policy's memory options then.
        for (String file : List.of("@/etc/streamguard/jvm.options", "-XX:VMOptionsFile=/etc/jvm.options",
                "-XX:Flags=.hotspotrc")) {
            assertThat(JvmPolicy.jitAndGcOptions(1_000_000, List.of(file), HUGE_PAGES_16G))
                    .as(file).containsExactly("-XX:TieredStopAtLevel=1", "-XX:+UseParallelGC");
        }
    }

    /** The JVM applies JAVA_TOOL_OPTIONS, then JDK_JAVA_OPTIONS, then its command line, then _JAVA_OPTIONS. */
    @Test
    void theUsersOptionsComeInTheOrderTheJvmAppliesThem() {
        assertThat(JvmPolicy.userOptions(List.of("-Xmx1g", "-Dx=1"), Map.of("JAVA_TOOL_OPTIONS", " -Xmx4g  -Da=1 ",
                "JDK_JAVA_OPTIONS", "-Xmx3g", "_JAVA_OPTIONS", "-Xmx512m", "OTHER", "-Xmx9g")))
                .containsExactly("-Xmx4g", "-Da=1", "-Xmx3g", "-Xmx1g", "-Dx=1", "-Xmx512m");
        assertThat(JvmPolicy.userOptions(List.of("-Xmx1g"), Map.of("JDK_JAVA_OPTIONS", " "))).containsExactly("-Xmx1g");
        // So the heap the fork gets is the one the young generation is sized against.
        assertThat(JvmPolicy.jitAndGcOptions(1_000_000, JvmPolicy.userOptions(List.of("-Xmx1g"),
                Map.of("JAVA_TOOL_OPTIONS", "-Xmx4g")), HUGE_PAGES_16G))
                .doesNotContainAnyElementsOf(JvmPolicy.YOUNG_GENERATION);
        assertThat(JvmPolicy.jitAndGcOptions(1_000_000, JvmPolicy.userOptions(List.of("-Xmx4g"),
                Map.of("_JAVA_OPTIONS", "-Xmx512m")), HUGE_PAGES_16G))
                .doesNotContainAnyElementsOf(JvmPolicy.YOUNG_GENERATION);
        assertThat(JvmPolicy.jitAndGcOptions(1_000_000, JvmPolicy.userOptions(List.of("-Xmx4g"),
                Map.of("JAVA_TOOL_OPTIONS", "-Xmx1g")), PLAIN)).contains("-Xmn256m");
    }

    @Test
    void runsOnTheParallelCollectorGetAYoungGenerationThatHoldsWhatTheirTasksKeep() {
        assertThat(JvmPolicy.jitAndGcOptions(1_000_000, List.of(), HUGE_PAGES_16G)).containsExactly(
                "-XX:TieredStopAtLevel=1", "-XX:+UseParallelGC", "-XX:+UseTransparentHugePages", "-Xmn256m",
                "-XX:SurvivorRatio=4", "-XX:MaxTenuringThreshold=1");
        assertThat(JvmPolicy.jitAndGcOptions(RunSpec.ALL_EVENTS, List.of(), new JvmPolicy.Machine("", 8L << 30)))
                .containsExactly("-XX:+UseParallelGC", "-Xmn256m", "-XX:SurvivorRatio=4",
                        "-XX:MaxTenuringThreshold=1");
        // The serial collector's runs were slower with it.
        assertThat(JvmPolicy.jitAndGcOptions(200_000, List.of(), HUGE_PAGES_16G))
                .doesNotContainAnyElementsOf(JvmPolicy.YOUNG_GENERATION);
        // A default heap (a quarter of the memory) under 2 GB, or the user's: smaller than any it was measured with.
        assertThat(JvmPolicy.jitAndGcOptions(1_000_000, List.of(), new JvmPolicy.Machine("", (8L << 30) - 1)))
                .containsExactly("-XX:TieredStopAtLevel=1", "-XX:+UseParallelGC");
        assertThat(JvmPolicy.jitAndGcOptions(1_000_000, List.of("-Xmx1g"), HUGE_PAGES_16G))
                .doesNotContainAnyElementsOf(JvmPolicy.YOUNG_GENERATION);
        assertThat(JvmPolicy.jitAndGcOptions(1_000_000, List.of("-Xmx8g", "-Xmx1536m"), HUGE_PAGES_16G))
                .doesNotContainAnyElementsOf(JvmPolicy.YOUNG_GENERATION);
        assertThat(JvmPolicy.jitAndGcOptions(1_000_000, List.of(" -Xmx4g "), PLAIN))
                .containsExactly("-XX:TieredStopAtLevel=1", "-XX:+UseParallelGC", "-Xmn256m",
                        "-XX:SurvivorRatio=4", "-XX:MaxTenuringThreshold=1");
        assertThat(JvmPolicy.jitAndGcOptions(1_000_000, List.of("-XX:MaxHeapSize=2g"), PLAIN)).contains("-Xmn256m");
        // Any other sizing is the user's: the policy's young generation would override their layout, or not fit it.
        for (String sizing : List.of("-Xms512m", "-Xmn512m", "-XX:NewSize=64m", "-XX:MaxNewSize=1g", "-XX:NewRatio=3",
                "-XX:MaxRAMPercentage=10", "-XX:InitialRAMPercentage=50", "-XX:InitialHeapSize=1g",
                "-XX:ErgoHeapSizeLimit=512m", "-XX:+AggressiveHeap")) {
            assertThat(JvmPolicy.jitAndGcOptions(1_000_000, List.of("-Xmx8g", sizing), HUGE_PAGES_16G))
                    .as(sizing).containsExactly("-XX:TieredStopAtLevel=1", "-XX:+UseParallelGC",
                            "-XX:+UseTransparentHugePages");
        }
    }

    /**
     * How objects age in the young generation is the user's choice wherever it is made: the policy's
     * -XX:MaxTenuringThreshold=1 on the command line would override a threshold from the environment, and stop the
     * JVM under the user's -XX:InitialTenuringThreshold above 1.
     */
    @Test
    void theUsersAgingOptionsFromAnywhereKeepTheCollectorsOwnYoungGeneration() throws IOException,
            InterruptedException {
        List<List<String>> userOptions = List.of(
                JvmPolicy.userOptions(List.of(), Map.of("JAVA_TOOL_OPTIONS", "-XX:InitialTenuringThreshold=7")),
                JvmPolicy.userOptions(List.of(), Map.of("JDK_JAVA_OPTIONS",
                        "-XX:InitialTenuringThreshold=3 -XX:MaxTenuringThreshold=15")),
                JvmPolicy.userOptions(List.of(), Map.of("_JAVA_OPTIONS", "-XX:SurvivorRatio=8")),
                List.of("-XX:+NeverTenure"), List.of("-XX:-AlwaysTenure"), List.of("-XX:-UseAdaptiveSizePolicy"),
                List.of("-XX:TargetSurvivorRatio=90"), List.of("-XX:InitialSurvivorRatio=3"),
                List.of("-XX:MinSurvivorRatio=4"));
        for (List<String> user : userOptions) {
            // A machine without huge pages: the JVM warns about them on one whose kernel does not offer them.
            List<String> options = JvmPolicy.jitAndGcOptions(1_000_000, user, new JvmPolicy.Machine("", 16L << 30));
            assertThat(options).as(String.valueOf(user)).containsExactly("-XX:TieredStopAtLevel=1",
                    "-XX:+UseParallelGC");
            List<String> command = new ArrayList<>(options);
            command.addAll(user);
            assertStartsQuietly(command);
        }
        // A -D property that merely names an option is not one.
        assertThat(JvmPolicy.jitAndGcOptions(1_000_000, List.of("-Dnote=SurvivorRatio"), HUGE_PAGES_16G))
                .containsAll(JvmPolicy.YOUNG_GENERATION);
    }

    @Test
    void maxHeapSizesAreReadAsTheJvmReadsThem() {
        assertThat(JvmPolicy.maxHeapBytes(List.of("-Xmx2g"))).hasValue(2L << 30);
        assertThat(JvmPolicy.maxHeapBytes(List.of("-Xmx2048M"))).hasValue(2L << 30);
        assertThat(JvmPolicy.maxHeapBytes(List.of("-Xmx3145728k"))).hasValue(3L << 30);
        assertThat(JvmPolicy.maxHeapBytes(List.of("-Xmx1073741824"))).hasValue(1L << 30);
        assertThat(JvmPolicy.maxHeapBytes(List.of("-XX:MaxHeapSize=1t", "-Dx=-Xmx1g"))).hasValue(1L << 40);
        assertThat(JvmPolicy.maxHeapBytes(List.of("-Xmx0x100000000"))).hasValue(4L << 30);
        assertThat(JvmPolicy.maxHeapBytes(List.of("-Xmx0x2G"))).hasValue(2L << 30);
        assertThat(JvmPolicy.maxHeapBytes(List.of("-Xmx04g"))).hasValue(4L << 30);
        assertThat(JvmPolicy.maxHeapBytes(List.of("-Xms4g", "-Xss1m"))).isEmpty();
        for (String unusable : List.of("-Xmx", "-Xmxg", "-Xmx4q", "-Xmx-1g", "-Xmx99999999999t")) {
            assertThat(JvmPolicy.maxHeapBytes(List.of(unusable))).as(unusable).hasValue(0);
        }
    }

    @Test
    void theKernelsHugePageModeIsItsBracketedWord(@TempDir Path dir) throws IOException {
        Path setting = dir.resolve("enabled");
        Files.writeString(setting, "always [madvise] never\n");
        assertThat(JvmPolicy.Machine.hugePageMode(setting)).isEqualTo("madvise");
        Files.writeString(setting, "[always] madvise never\n");
        assertThat(JvmPolicy.Machine.hugePageMode(setting)).isEqualTo("always");
        Files.writeString(setting, "no brackets\n");
        assertThat(JvmPolicy.Machine.hugePageMode(setting)).isEmpty();
        assertThat(JvmPolicy.Machine.hugePageMode(dir.resolve("absent"))).isEmpty();
    }

    /** The options for this machine start a JVM without a warning: one would reach every run's log. */
    @Test
    void thisMachinesOptionsStartTheJvmQuietly() throws IOException, InterruptedException {
        for (long events : List.of(1_000L, 1_000_000L, RunSpec.ALL_EVENTS)) {
            assertStartsQuietly(JvmPolicy.jitAndGcOptions(events, List.of()));
        }
    }

    /** The young generation at the smallest heap it is given (a quarter of 8 GB), on any machine. */
    @Test
    void theYoungGenerationStartsTheJvmQuietlyAtTheSmallestHeapItIsGiven() throws IOException, InterruptedException {
        List<String> options = new ArrayList<>(
                JvmPolicy.jitAndGcOptions(1_000_000, List.of(), new JvmPolicy.Machine("", 8L << 30)));
        assertThat(options).contains("-Xmn256m");
        options.add("-XX:MaxRAM=8g"); // what the JVM takes for the machine's memory
        assertStartsQuietly(options);
    }

    private static void assertStartsQuietly(List<String> options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(options);
        command.add("-version");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // The JVM would echo these ("Picked up JAVA_TOOL_OPTIONS: ..."), and they are this test's environment.
        builder.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
        Process java = builder.start();
        String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(java.waitFor()).as(command + ": " + output).isZero();
        assertThat(output).as(String.valueOf(command)).doesNotContainIgnoringCase("warning")
                .doesNotContainIgnoringCase("error");
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

    @Test
    void mainRefusesWhatIsNotAMaxEventsValue() {
        assertThat(JvmPolicy.driverOptions(new String[] {"-1"})).endsWith(" -XX:+UseParallelGC");
        assertThat(JvmPolicy.driverOptions(new String[0])).endsWith(" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        for (String[] bad : List.of(new String[] {"abc"}, new String[] {"-5"}, new String[] {"1000", "extra"})) {
            assertThatThrownBy(() -> JvmPolicy.driverOptions(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Usage: JvmPolicy [MAX_EVENTS]: the run's --max-events")
                    .hasMessageEndingWith("got " + String.join(" ", bad) + ".");
        }
    }
}
