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

    /** Up to this many events a run is short-lived enough for the client compiler alone. */
    public static final long SMALL_RUN_EVENTS = 200_000;

    private JvmPolicy() {
    }

    /**
     * A bounded run of up to {@value #SMALL_RUN_EVENTS} events lives for seconds: C1 alone and the serial collector
     * start faster than tiered C2 and G1, whose compiler and GC threads compete for the same cores (1,000 events
     * from a 1M-event topic, 2 cores: 14.4 s with JVM defaults, 10.2 s with these; 200,000 events: 19.3 s vs 17.3 s).
     * Larger runs, and runs of everything in range ({@code -1}), are throughput work: C2 and the parallel collector
     * (1M events: 28.7 s vs 36.2 s with C1 only).
     */
    public static List<String> jitAndGcOptions(long maxEvents) {
        if (maxEvents >= 0 && maxEvents <= SMALL_RUN_EVENTS) {
            return List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
        }
        return List.of("-XX:+UseParallelGC");
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
        long events = args.length > 0 ? Long.parseLong(args[0]) : RunSpec.MAX_EVENTS.defaultValue();
        List<String> options = new ArrayList<>();
        options.add("-Dlog4j2.configurationFile=" + logConfig());
        options.addAll(jitAndGcOptions(events));
        System.out.println(String.join(" ", options));
    }
}
