package io.streamguard.spec;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;

/**
 * The job's runtime policy: its log configuration and the JIT and GC options that suit a run of a given size. The
 * Maven plugin applies it to its forks; for {@code spark-submit}, {@link #main} prints the same options:
 * <pre>spark-submit --driver-java-options "$(java -cp streamguard-pipeline-VERSION-app.jar io.streamguard.spec.JvmPolicy 10000)" ...</pre>
 * (the app jar carries this contract module and the log configuration).
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

    /**
     * {@link #jitAndGcOptions(long)} for a fork that also gets {@code userJvmArgs} after them: the user's options win,
     * and a collector the user chooses replaces the policy's instead of stopping the JVM ("Multiple garbage
     * collectors selected").
     */
    public static List<String> jitAndGcOptions(long maxEvents, List<String> userJvmArgs) {
        boolean userCollector = userJvmArgs.stream().map(String::trim).anyMatch(COLLECTORS::contains);
        return jitAndGcOptions(maxEvents).stream().filter(o -> !(userCollector && COLLECTORS.contains(o))).toList();
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
