package io.streamguard.plugin.launch;

import io.streamguard.spec.InvalidSettingException;
import io.streamguard.spec.RunSpec;
import io.streamguard.spec.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One {@code streamguard:run}: the job's settings ({@link RunSpec}: where to read, how much, how to score and where
 * to write) and what only the plugin needs to start it. Build one with {@link #builder()}.
 *
 * @param job the job's settings, checked; the broker and the output are filled in when the job is forked
 * @param kafkaProperties Kafka client properties, handed to the job on its standard input
 * @param sparkConf Spark settings of the job
 * @param jvmArgs options of the job's JVM
 * @param workDirectory scratch space of the forks (argument files, logs, the embedded broker's data)
 * @param embeddedEvents events seeded into the embedded broker's topic
 * @param embeddedAnomalousShare share of the embedded data's users planted as anomalous
 * @param embeddedBehaviours behaviours planted (ids such as {@code brute_force}); empty = all
 * @param timeout the job's deadline; past it the job is stopped and the run fails ({@link Duration#ZERO}: none)
 */
public record RunRequest(
        RunSpec job,
        Map<String, String> kafkaProperties,
        Map<String, String> sparkConf,
        List<String> jvmArgs,
        Path workDirectory,
        long embeddedEvents,
        double embeddedAnomalousShare,
        List<String> embeddedBehaviours,
        Duration timeout) {

    /** The plugin's master: Spark in the forked JVM, on every core. */
    public static final String DEFAULT_MASTER = "local[*]";
    /** {@code streamguard.embedded.events}'s default. */
    public static final String DEFAULT_EMBEDDED_EVENTS = "200000";
    /** {@code streamguard.embedded.anomalousShare}'s default. */
    public static final String DEFAULT_EMBEDDED_ANOMALOUS_SHARE = "0.05";
    /** {@code streamguard.timeout}'s default: generous, so only a job that hangs meets it. */
    public static final String DEFAULT_TIMEOUT_TEXT = "PT2H";
    public static final Duration DEFAULT_TIMEOUT = Duration.parse(DEFAULT_TIMEOUT_TEXT);

    public RunRequest {
        kafkaProperties = Map.copyOf(kafkaProperties);
        jvmArgs = List.copyOf(jvmArgs);
        sparkConf = Map.copyOf(sparkConf);
        embeddedBehaviours = List.copyOf(embeddedBehaviours);
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be zero (none) or positive; was " + timeout);
        }
        if (job.get(RunSpec.MASTER) == null) {
            job = job.with(RunSpec.MASTER, DEFAULT_MASTER);
        }
    }

    public static Builder builder() {
        return new Builder();
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
        return !master().startsWith("local");
    }

    public boolean embedded() {
        return bootstrapServers() == null || bootstrapServers().isBlank();
    }

    /** The user's brokers, or null to start and seed an embedded broker. */
    public String bootstrapServers() {
        return job.get(RunSpec.BOOTSTRAP_SERVERS);
    }

    public String topic() {
        return job.get(RunSpec.TOPIC);
    }

    public long maxEvents() {
        return job.get(RunSpec.MAX_EVENTS);
    }

    public String startFrom() {
        return job.get(RunSpec.START_FROM);
    }

    public String until() {
        return job.get(RunSpec.UNTIL);
    }

    public Path outputDirectory() {
        return Path.of(job.get(RunSpec.OUTPUT));
    }

    public String master() {
        return job.get(RunSpec.MASTER);
    }

    public Duration kafkaTimeout() {
        return Duration.ofMillis(job.get(RunSpec.KAFKA_TIMEOUT_MS));
    }

    public double contamination() {
        return job.get(RunSpec.CONTAMINATION);
    }

    public int numTrees() {
        return job.get(RunSpec.NUM_TREES);
    }

    public long seed() {
        return job.get(RunSpec.SEED);
    }

    public int reportTopN() {
        return job.get(RunSpec.REPORT_TOP_N);
    }

    /** Cap on the bytes of quarantined records written; -1 = no cap. */
    public long maxQuarantineBytes() {
        return job.get(RunSpec.MAX_QUARANTINE_BYTES);
    }

    /**
     * Collects a request: the job's settings by their {@link RunSpec} definition, the rest by name. Unset values
     * take their defaults, the plugin's where it has its own ({@link #DEFAULT_MASTER}, the embedded data's).
     */
    public static final class Builder {

        private final RunSpec.Builder job = RunSpec.builder();
        private Map<String, String> kafkaProperties = Map.of();
        private Map<String, String> sparkConf = Map.of();
        private List<String> jvmArgs = List.of();
        private Path workDirectory;
        private long embeddedEvents = Long.parseLong(DEFAULT_EMBEDDED_EVENTS);
        private double embeddedAnomalousShare = Double.parseDouble(DEFAULT_EMBEDDED_ANOMALOUS_SHARE);
        private List<String> embeddedBehaviours = List.of();
        private Duration timeout = DEFAULT_TIMEOUT;

        private Builder() {
        }

        /** Sets one of the job's settings; null leaves it at its default. */
        public <T> Builder set(Setting<T> setting, T value) {
            job.set(setting, value);
            return this;
        }

        public Builder outputDirectory(Path output) {
            return set(RunSpec.OUTPUT, output.toString());
        }

        public Builder kafkaProperties(Map<String, String> kafkaProperties) {
            this.kafkaProperties = kafkaProperties;
            return this;
        }

        public Builder sparkConf(Map<String, String> sparkConf) {
            this.sparkConf = sparkConf;
            return this;
        }

        public Builder jvmArgs(List<String> jvmArgs) {
            this.jvmArgs = jvmArgs;
            return this;
        }

        public Builder workDirectory(Path workDirectory) {
            this.workDirectory = workDirectory;
            return this;
        }

        public Builder embeddedEvents(long embeddedEvents) {
            this.embeddedEvents = embeddedEvents;
            return this;
        }

        public Builder embeddedAnomalousShare(double embeddedAnomalousShare) {
            this.embeddedAnomalousShare = embeddedAnomalousShare;
            return this;
        }

        public Builder embeddedBehaviours(List<String> embeddedBehaviours) {
            this.embeddedBehaviours = embeddedBehaviours;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * @throws InvalidSettingException naming the Maven property of a setting the job would refuse
         */
        public RunRequest build() {
            return request(job.build(Setting.Naming.PROPERTY));
        }

        /**
         * Leaves the job's settings unchecked, so that the job's own checks (what a {@code spark-submit} user meets)
         * can be tested through the plugin's launcher.
         */
        public RunRequest buildUnchecked() {
            return request(job.unchecked());
        }

        private RunRequest request(RunSpec spec) {
            if (workDirectory == null || spec.get(RunSpec.OUTPUT) == null) {
                throw new IllegalStateException("a run needs an output and a work directory");
            }
            return new RunRequest(spec, kafkaProperties, sparkConf, jvmArgs, workDirectory, embeddedEvents,
                    embeddedAnomalousShare, embeddedBehaviours, timeout);
        }
    }
}
