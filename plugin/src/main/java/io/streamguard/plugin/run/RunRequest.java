package io.streamguard.plugin.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One {@code streamguard:run}: where to read, how much, how to score and where to write.
 *
 * @param bootstrapServers the user's brokers, or null to start and seed an embedded broker
 * @param embeddedEvents events seeded into the embedded broker's topic
 * @param embeddedAnomalousShare share of the embedded data's users planted as anomalous
 * @param embeddedBehaviours behaviours planted (ids such as {@code brute_force}); empty = all
 * @param workDirectory scratch space of the forks (argument files, logs, the embedded broker's data)
 * @param maxQuarantineBytes cap on the bytes of quarantined records written; -1 = no cap
 * @param timeout the job's deadline; past it the job is stopped and the run fails ({@link Duration#ZERO}: none)
 */
public record RunRequest(
        String bootstrapServers,
        String topic,
        long maxEvents,
        String startFrom,
        String until,
        Path outputDirectory,
        String master,
        Map<String, String> kafkaProperties,
        Duration kafkaTimeout,
        double contamination,
        int numTrees,
        long seed,
        int reportTopN,
        List<String> jvmArgs,
        long embeddedEvents,
        Path workDirectory,
        Map<String, String> sparkConf,
        double embeddedAnomalousShare,
        List<String> embeddedBehaviours,
        long maxQuarantineBytes,
        Duration timeout) {

    public static final long DEFAULT_MAX_QUARANTINE_BYTES = io.streamguard.pipeline.JobConfig.DEFAULT_MAX_QUARANTINE_BYTES;

    /** {@code streamguard.timeout}'s default: generous, so only a job that hangs meets it. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(2);

    public RunRequest {
        kafkaProperties = Map.copyOf(kafkaProperties);
        jvmArgs = List.copyOf(jvmArgs);
        sparkConf = Map.copyOf(sparkConf);
        embeddedBehaviours = List.copyOf(embeddedBehaviours);
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be zero (none) or positive; was " + timeout);
        }
    }

    /** With the default quarantine cap and deadline. */
    public RunRequest(String bootstrapServers, String topic, long maxEvents, String startFrom, String until,
                      Path outputDirectory, String master, Map<String, String> kafkaProperties, Duration kafkaTimeout,
                      double contamination, int numTrees, long seed, int reportTopN, List<String> jvmArgs,
                      long embeddedEvents, Path workDirectory, Map<String, String> sparkConf,
                      double embeddedAnomalousShare, List<String> embeddedBehaviours) {
        this(bootstrapServers, topic, maxEvents, startFrom, until, outputDirectory, master, kafkaProperties,
                kafkaTimeout, contamination, numTrees, seed, reportTopN, jvmArgs, embeddedEvents, workDirectory,
                sparkConf, embeddedAnomalousShare, embeddedBehaviours, DEFAULT_MAX_QUARANTINE_BYTES,
                DEFAULT_TIMEOUT);
    }

    /** The generator's defaults for the embedded broker's events. */
    public RunRequest(String bootstrapServers, String topic, long maxEvents, String startFrom, String until,
                      Path outputDirectory, String master, Map<String, String> kafkaProperties, Duration kafkaTimeout,
                      double contamination, int numTrees, long seed, int reportTopN, List<String> jvmArgs,
                      long embeddedEvents, Path workDirectory, Map<String, String> sparkConf) {
        this(bootstrapServers, topic, maxEvents, startFrom, until, outputDirectory, master, kafkaProperties,
                kafkaTimeout, contamination, numTrees, seed, reportTopN, jvmArgs, embeddedEvents, workDirectory,
                sparkConf, 0.05, List.of(), DEFAULT_MAX_QUARANTINE_BYTES, DEFAULT_TIMEOUT);
    }

    /** Without Spark settings. */
    public RunRequest(String bootstrapServers, String topic, long maxEvents, String startFrom, String until,
                      Path outputDirectory, String master, Map<String, String> kafkaProperties, Duration kafkaTimeout,
                      double contamination, int numTrees, long seed, int reportTopN, List<String> jvmArgs,
                      long embeddedEvents, Path workDirectory) {
        this(bootstrapServers, topic, maxEvents, startFrom, until, outputDirectory, master, kafkaProperties,
                kafkaTimeout, contamination, numTrees, seed, reportTopN, jvmArgs, embeddedEvents, workDirectory,
                Map.of(), 0.05, List.of(), DEFAULT_MAX_QUARANTINE_BYTES, DEFAULT_TIMEOUT);
    }

    /**
     * {@code streamguard.timeout}: an ISO-8601 duration ({@code PT30M}) or whole seconds; {@code 0} for none.
     *
     * @throws IllegalArgumentException naming the property and what it accepts
     */
    public static Duration parseTimeout(String value) {
        String v = value == null ? "" : value.trim();
        try {
            Duration d = v.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(v)) : Duration.parse(v);
            if (!d.isNegative()) {
                return d;
            }
        } catch (java.time.format.DateTimeParseException | NumberFormatException e) {
            // falls through to the message
        }
        throw new IllegalArgumentException("streamguard.timeout must be an ISO-8601 duration such as PT30M or PT2H, "
                + "or whole seconds; 0 for none; was '" + value + "'.");
    }

    /** A master other than {@code local[...]}: the application's jars must be shipped to the executors. */
    public boolean cluster() {
        return !master.startsWith("local");
    }

    public boolean embedded() {
        return bootstrapServers == null || bootstrapServers.isBlank();
    }
}
