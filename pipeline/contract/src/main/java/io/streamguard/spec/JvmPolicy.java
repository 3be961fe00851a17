package io.streamguard.spec;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The job's runtime policy: its log configuration and the JIT and GC options that suit a run of a given size. The
 * Maven plugin applies it to its forks, with memory options for the machine they run on
 * ({@link #jitAndGcOptions(long, List)}); for {@code spark-submit}, {@link #main} prints the log configuration and the
 * JIT and GC options, which hold on any machine:
 * <pre>spark-submit --driver-java-options "$(java -cp streamguard-pipeline-VERSION-app.jar io.streamguard.spec.JvmPolicy 10000)" ...</pre>
 * (the app jar carries this contract module and the log configuration). The memory options depend on the driver's
 * machine and heap ({@code --driver-memory}), which the machine printing them need not know.
 */
public final class JvmPolicy {

    /** The job's log4j2 configuration: its own progress at INFO, Spark and Kafka only when something is wrong. */
    public static final String LOG_CONFIG_RESOURCE = "io/streamguard/spec/job-log4j2.properties";

    /** Up to this many events a run is short-lived enough for the client compiler and the serial collector. */
    public static final long SMALL_RUN_EVENTS = 200_000;

    /** Up to this many events the client compiler alone is still faster; beyond, C2 pays for itself. */
    public static final long CLIENT_COMPILER_EVENTS = 1_000_000;

    private JvmPolicy() {
    }

    /**
     * A bounded run lives for seconds to a minute, and C2 compiles for a long time before it pays back: in a 1M-event
     * run it compiled for 16.5 s of CPU (932 methods, {@code -XX:+CITime}), which on 2 cores is half the machine for
     * most of the run. So:
     * <ul>
     *   <li>up to {@value #SMALL_RUN_EVENTS} events, C1 alone and the serial collector, whose threads do not compete
     *       for the same cores (1,000 events from a 1M-event topic, 2 cores: 14.4 s with JVM defaults, 10.2 s with
     *       these; 200,000 events: 19.3 s vs 17.3 s);</li>
     *   <li>up to {@value #CLIENT_COMPILER_EVENTS}, C1 alone and the parallel collector (1M events, 2 cores: 14.0-14.5 s
     *       vs 18.3-21.5 s with C2; with the serial collector 14.8-17.8 s);</li>
     *   <li>larger runs, and runs of everything in range ({@code -1}), are throughput work: C2 and the parallel
     *       collector (2M events: a tie, 26.1-26.2 s vs 25.5-27.9 s; 3M: 38.3 s vs 37.1 s; 10M: 95.6 s vs 77.5 s).</li>
     * </ul>
     */
    public static List<String> jitAndGcOptions(long maxEvents) {
        boolean bounded = maxEvents >= 0;
        if (bounded && maxEvents <= SMALL_RUN_EVENTS) {
            return List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
        }
        if (bounded && maxEvents <= CLIENT_COMPILER_EVENTS) {
            return List.of("-XX:TieredStopAtLevel=1", "-XX:+UseParallelGC");
        }
        return List.of("-XX:+UseParallelGC");
    }

    /** The options that select a garbage collector: the JVM refuses to start with two of them. */
    private static final List<String> COLLECTORS = List.of("-XX:+UseSerialGC", "-XX:+UseParallelGC", "-XX:+UseG1GC",
            "-XX:+UseZGC", "-XX:+UseShenandoahGC", "-XX:+UseEpsilonGC");
    /** The variables whose options the JVM applies before its command line, in that order. */
    private static final List<String> OPTIONS_BEFORE_COMMAND_LINE = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");
    /** The variable whose options the JVM applies after its command line, so that they win over it. */
    private static final String OPTIONS_AFTER_COMMAND_LINE = "_JAVA_OPTIONS";

    /**
     * The young generation a run on the parallel collector gets, where the heap is large enough to hold it: an eden
     * (171 MB) small enough to be reused rather than touched fresh, survivor spaces of 43 MB (the JVM keeps them
     * there: its minimum survivor ratio becomes 6), and state that survives one collection promoted rather than
     * copied again; what overflows the survivor spaces goes to the old generation, where it would go one collection
     * later anyway ({@link #memoryOptions}).
     */
    static final List<String> YOUNG_GENERATION = List.of("-Xmn256m", "-XX:SurvivorRatio=4",
            "-XX:MaxTenuringThreshold=1");
    /**
     * The smallest maximum heap that gets {@link #YOUNG_GENERATION}: the heaps it was measured with (a quarter of the
     * memory of a machine of 8 GB or more). Smaller heaps keep the collector's own sizing, unmeasured either way.
     */
    static final long YOUNG_GENERATION_MIN_HEAP = 2L << 30;
    /** Options that size the heap or its generations, besides {@code -Xmx}: the user's sizing, not to be mixed with. */
    private static final List<String> HEAP_SIZING = List.of("-Xms", "-Xmn", "-XX:InitialHeapSize", "-XX:NewSize",
            "-XX:MaxNewSize", "-XX:NewRatio", "-XX:OldSize", "-XX:MaxRAM", "-XX:InitialRAM", "-XX:MinRAM",
            "-XX:ErgoHeapSizeLimit", "-XX:+AggressiveHeap");
    /**
     * Options that size the survivor spaces or set how long objects stay young: the user's choice of what
     * {@link #YOUNG_GENERATION} decides, not to be mixed with (its {@code -XX:MaxTenuringThreshold=1} on the command
     * line would override the user's threshold from the environment, or stop the JVM under the user's
     * {@code -XX:InitialTenuringThreshold}).
     */
    private static final List<String> AGING = List.of("SurvivorRatio", "TenuringThreshold", "NeverTenure",
            "AlwaysTenure", "UseAdaptiveSizePolicy");
    /** Options that choose how memory is paged: the user's choice of large pages, not to be overridden. */
    private static final List<String> PAGING = List.of("UseLargePages", "UseTransparentHugePages", "UseHugeTLBFS",
            "UseSHM", "LargePageSizeInBytes");
    /** Options that read more options from a file, which the policy does not look into. */
    private static final List<String> OPTION_FILES = List.of("@", "-XX:VMOptionsFile", "-XX:Flags");

    /**
     * {@link #jitAndGcOptions(long)} for a fork on this machine (the plugin's, and the benchmarks'), which also gets
     * {@code userOptions} ({@link #userOptions}): they win, and a collector the user chooses replaces the policy's
     * instead of stopping the JVM ("Multiple garbage collectors selected"). With the policy's collector, the heap is
     * also laid out for the run ({@link #memoryOptions}).
     */
    public static List<String> jitAndGcOptions(long maxEvents, List<String> userOptions) {
        return jitAndGcOptions(maxEvents, userOptions, Machine.local());
    }

    static List<String> jitAndGcOptions(long maxEvents, List<String> userOptions, Machine machine) {
        List<String> user = userOptions.stream().map(String::trim).toList();
        List<String> options = new ArrayList<>(jitAndGcOptions(maxEvents));
        // The user chooses the collector by selecting one, or by turning the policy's off: -XX:-UseParallelGC after
        // its + leaves the JVM's default, which the memory options were not measured with (a fixed young generation
        // would defeat G1's own sizing).
        boolean userCollector = user.stream().anyMatch(o -> COLLECTORS.contains(o)
                || (o.startsWith("-XX:-") && options.contains("-XX:+" + o.substring("-XX:-".length()))));
        if (userCollector) {
            options.removeIf(COLLECTORS::contains);
        } else {
            options.addAll(memoryOptions(options.contains("-XX:+UseParallelGC"), user, machine));
        }
        return List.copyOf(options);
    }

    /**
     * The JVM options a user gives a fork that inherits {@code environment}, in the order the JVM applies them, so
     * that the last of an option is the one that holds: {@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS} (the
     * {@code java} launcher's), {@code jvmArgs} (the command line, after the policy's options), and
     * {@code _JAVA_OPTIONS}, which the JVM applies after its command line.
     */
    public static List<String> userOptions(List<String> jvmArgs, Map<String, String> environment) {
        List<String> options = new ArrayList<>();
        for (String variable : OPTIONS_BEFORE_COMMAND_LINE) {
            options.addAll(optionsIn(environment.get(variable)));
        }
        options.addAll(jvmArgs);
        options.addAll(optionsIn(environment.get(OPTIONS_AFTER_COMMAND_LINE)));
        return List.copyOf(options);
    }

    private static List<String> optionsIn(String variable) {
        return variable == null || variable.isBlank() ? List.of() : List.of(variable.trim().split("\\s+"));
    }

    /**
     * How the heap of a fork on this machine is backed and laid out; only with the policy's own collectors, the ones
     * measured, and never over the user's own choice: large pages of any kind ({@code -XX:-UseTransparentHugePages}
     * turns them off), a heap sized otherwise than by {@code -Xmx}, or options in a file the policy does not read
     * ({@code @argfile}, {@code -XX:VMOptionsFile}). Measured on 2 cores, 23 GB, the kernel's huge pages on
     * {@code madvise}, {@code timings_ms.total}:
     * <ul>
     *   <li>{@code -XX:+UseTransparentHugePages}, where the kernel offers them ({@code madvise} or {@code always}): a
     *       2 MB page is one fault and one TLB entry where 4 KB pages are 512, for the heap and the compiled code.
     *       1,000 events: 3.6-4.6 s vs 4.2-5.1 s, faster in 4 runs of 4; 100,000: 5.1-5.5 s vs 5.7-6.5 s; 1M: a
     *       draw on its own (7.4-9.2 s vs 7.8-9.8 s).</li>
     *   <li>{@link #YOUNG_GENERATION} with the parallel collector (more than {@value #SMALL_RUN_EVENTS} events), when
     *       the maximum heap is at least {@link #YOUNG_GENERATION_MIN_HEAP} and the user sizes nothing but
     *       {@code -Xmx} and sets nothing of how objects age ({@link #AGING}). The collector starts with a young
     *       generation of a third of a small initial heap, whose survivor spaces cannot hold what a read task keeps
     *       (up to 32 MB of users' state each): it was promoted, the old generation grew to 134 MB in 7 pauses (520
     *       ms), and the stages after the read, which work among it, ran slower. A young generation of 768 MB fixed
     *       that (1M events 6.0-7.9 s vs 7.8-8.9 s), but its eden (576 MB) is memory the read touches for the first
     *       time, and a first touch costs a page fault and the kernel zeroing the page: a profile of the read tasks
     *       ({@code perf}) had 16 % of their time in the kernel's {@code clear_page_erms}. At 256 MB, with survivor
     *       spaces of 43 MB and state promoted after one collection (the users' state lives as long as its task:
     *       copying it between survivor spaces again was the cost of the smaller sizes tried before), the read reuses
     *       a 171 MB eden: 11-12 pauses (455-573 ms) instead of 4 (320 ms), and 1M events' read stage 3.39-5.75 s vs
     *       4.01-6.23 s, {@code timings_ms.total} 5.40-8.86 s vs 6.00-9.01 s, faster in 9 interleaved pairs of 9. 10M
     *       events (C2): 36.0, 36.7 s vs 40.2, 40.8 s. In the same rounds, 128 MB read faster than 256 MB in 2 of 4,
     *       160 MB in 1 of 3, 384 MB in none of 3. Measured on 2 cores only (two read tasks at a time). With the
     *       serial collector (up to {@value #SMALL_RUN_EVENTS} events) a fixed young generation made runs slower,
     *       100,000 events 6.8-7.1 s vs 5.1-5.5 s: they then touch fresh memory where they would have reused a small
     *       young generation.</li>
     * </ul>
     */
    static List<String> memoryOptions(boolean parallelCollector, List<String> user, Machine machine) {
        List<String> options = new ArrayList<>();
        if (user.stream().anyMatch(o -> OPTION_FILES.stream().anyMatch(o::startsWith))) {
            return options; // what they hold could size the heap or page it: the user's, unseen
        }
        boolean userPaging = user.stream().anyMatch(o -> PAGING.stream().anyMatch(o::contains));
        if (!userPaging && (machine.hugePages().equals("madvise") || machine.hugePages().equals("always"))) {
            options.add("-XX:+UseTransparentHugePages");
        }
        boolean userSizing = user.stream().anyMatch(o -> HEAP_SIZING.stream().anyMatch(o::startsWith)
                || o.startsWith("-XX:") && AGING.stream().anyMatch(o::contains));
        if (parallelCollector && !userSizing
                && maxHeapBytes(user).orElse(machine.memoryBytes() / 4) >= YOUNG_GENERATION_MIN_HEAP) {
            options.addAll(YOUNG_GENERATION);
        }
        return options;
    }

    /** The user's {@code -Xmx} or {@code -XX:MaxHeapSize} (the last one wins, as in the JVM), if any. */
    static OptionalLong maxHeapBytes(List<String> userOptions) {
        OptionalLong max = OptionalLong.empty();
        for (String option : userOptions) {
            String size = option.startsWith("-Xmx") ? option.substring(4)
                    : option.startsWith("-XX:MaxHeapSize=") ? option.substring(16) : null;
            if (size != null) {
                max = OptionalLong.of(bytes(size));
            }
        }
        return max;
    }

    /**
     * A JVM size: decimal digits, or hexadecimal after {@code 0x}, with an optional k, m, g or t (either case); 0 for
     * what the JVM would refuse anyway.
     */
    private static long bytes(String size) {
        String digits = size.isEmpty() ? "" : size.substring(0, size.length() - 1);
        int shift = switch (size.isEmpty() ? ' ' : Character.toLowerCase(size.charAt(size.length() - 1))) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> {
                digits = size;
                yield 0;
            }
        };
        try {
            boolean hex = digits.startsWith("0x") || digits.startsWith("0X");
            long value = hex ? Long.parseLong(digits.substring(2), 16) : Long.parseLong(digits);
            return value < 0 || value > Long.MAX_VALUE >> shift ? 0 : value << shift;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * What the memory options depend on: the kernel's transparent huge page mode ({@code always}, {@code madvise},
     * {@code never}, or empty where there is none to read) and the memory the JVM sees (a container's limit inside
     * one), of which a fork's default maximum heap is a quarter.
     */
    record Machine(String hugePages, long memoryBytes) {

        static final Path HUGE_PAGES = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

        static Machine local() {
            return new Machine(hugePageMode(HUGE_PAGES),
                    ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                            .getTotalMemorySize());
        }

        /** The bracketed word of the kernel's setting, e.g. "madvise" of "always [madvise] never". */
        static String hugePageMode(Path setting) {
            try {
                String text = Files.readString(setting);
                int open = text.indexOf('[');
                int close = text.indexOf(']', open + 1);
                return open < 0 || close < 0 ? "" : text.substring(open + 1, close);
            } catch (IOException | RuntimeException e) { // not Linux, or no THP in this kernel: nothing to use
                return "";
            }
        }
    }

    /** The log configuration's location inside the contract jar, the app jar, or a classes directory. */
    public static URL logConfig() {
        URL url = JvmPolicy.class.getClassLoader().getResource(LOG_CONFIG_RESOURCE);
        if (url == null) {
            throw new IllegalStateException(LOG_CONFIG_RESOURCE + " is missing from the classpath (it ships in streamguard-contract and the app jar)");
        }
        return url;
    }

    /** The driver's JVM options for a run of {@code args[0]} events (default: the default of max-events). */
    public static void main(String[] args) {
        try {
            System.out.println(driverOptions(args));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    /** What {@link #main} prints. */
    static String driverOptions(String[] args) {
        long events = RunSpec.MAX_EVENTS.defaultValue();
        if (args.length > 0) {
            try {
                events = Long.parseLong(args[0].trim());
            } catch (NumberFormatException e) {
                events = Long.MIN_VALUE;
            }
            if (events < -1 || args.length > 1) {
                throw new IllegalArgumentException("Usage: JvmPolicy [MAX_EVENTS]: the run's --max-events, a number "
                        + "of events or -1 for all in range (default " + RunSpec.MAX_EVENTS.defaultValue() + "); got "
                        + String.join(" ", args) + ".");
            }
        }
        List<String> options = new ArrayList<>();
        options.add("-Dlog4j2.configurationFile=" + logConfig());
        options.addAll(jitAndGcOptions(events));
        return String.join(" ", options);
    }
}
