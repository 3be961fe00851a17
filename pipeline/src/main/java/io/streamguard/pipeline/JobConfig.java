package io.streamguard.pipeline;

import io.streamguard.spec.Redaction;
import io.streamguard.spec.SecretsBlock;
import io.streamguard.pipeline.plan.Take;
import io.streamguard.pipeline.source.KafkaRangeReader;
import io.streamguard.spec.Arguments;
import io.streamguard.spec.InvalidSettingException;
import io.streamguard.spec.JobProtocol;
import io.streamguard.spec.RunSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Everything one run of the job needs, parsed from the command line that {@code spark-submit} or the Maven plugin
 * passes to {@link StreamGuardJob}. The settings, their defaults and checks are {@link RunSpec}'s; invalid values
 * fail here, before Spark starts, with a message naming the option and what it accepts.
 */
public record JobConfig(
        String bootstrapServers,
        String topic,
        long maxEvents,
        Take take,
        Instant from,
        Instant until,
        String output,
        String master,
        Map<String, String> kafkaProperties,
        Duration kafkaTimeout,
        double contamination,
        int numTrees,
        int maxSamples,
        long seed,
        int reportTopN,
        int maxRecordBytes,
        long maxQuarantineBytes,
        String groundTruth,
        Map<String, String> sparkConf,
        boolean exitWithParent) {

    /** Ends the secrets block on standard input (see {@link JobProtocol#END_OF_SECRETS}). */
    public static final String END_OF_SECRETS = JobProtocol.END_OF_SECRETS;

    private static final String KAFKA_PROPERTY = "kafka-property";
    private static final String CONF = "conf";
    private static final String KAFKA_PROPERTIES_FILE = "kafka-properties-file";
    private static final String SECRETS = "secrets";
    private static final String EXIT_WITH_PARENT = "exit-with-parent";

    public static final String USAGE = String.join("\n",
            "Usage: StreamGuardJob --bootstrap-servers HOST:PORT --output DIR [options]",
            RunSpec.usageLines(),
            "  --conf KEY=VALUE             Spark setting (spark.executor.memory=4g, spark.jars=...); repeatable",
            "  --kafka-property KEY=VALUE   Kafka client property (SASL/SSL...); repeatable; values never logged",
            "  --kafka-properties-file F    Kafka client properties file (keeps secrets off the command line)",
            "  --secrets stdin              read secret settings from standard input (to its end or a line "
                    + END_OF_SECRETS + "):",
            "                               properties kafka.KEY (Kafka client), spark.KEY (Spark), system.KEY (JVM)",
            "  --exit-with-parent true      exit when standard input closes (the plugin's fork: Maven is gone), and",
            "                               once the job is done, when its parent process changes");

    private static final Set<String> OPTIONS;

    static {
        Set<String> options = new HashSet<>(RunSpec.OPTIONS);
        options.addAll(List.of(KAFKA_PROPERTIES_FILE, SECRETS, EXIT_WITH_PARENT));
        OPTIONS = Set.copyOf(options);
    }

    public JobConfig {
        kafkaProperties = Map.copyOf(kafkaProperties);
        sparkConf = Map.copyOf(sparkConf);
    }

    /** Parses {@code --name value} / {@code --name=value} arguments; {@code --secrets stdin} reads System.in. */
    public static JobConfig parse(String[] args) {
        return parse(args, System.in);
    }

    /**
     * Like {@link #parse(String[])}, with the stream that {@code --secrets stdin} reads. The run's settings are
     * {@link RunSpec}'s; this adds what only the job's command line carries (Kafka properties, Spark settings,
     * secrets, the parent watch).
     *
     * @throws StreamGuardException with {@link JobProtocol#EXIT_BAD_CONFIG} naming the option and what it accepts
     */
    public static JobConfig parse(String[] args, java.io.InputStream stdin) {
        try {
            return parseOrThrow(args, stdin);
        } catch (InvalidSettingException e) {
            throw StreamGuardException.badConfig(e.getMessage());
        }
    }

    private static JobConfig parseOrThrow(String[] args, java.io.InputStream stdin) {
        Arguments arguments = Arguments.parse(args, OPTIONS, Set.of(KAFKA_PROPERTY, CONF), USAGE);
        Map<String, String> kafka = new LinkedHashMap<>();
        Map<String, String> spark = new LinkedHashMap<>();
        for (String value : arguments.all(KAFKA_PROPERTY)) {
            int sep = value.indexOf('=');
            if (sep <= 0) {
                throw StreamGuardException.badConfig(
                        "--kafka-property expects KEY=VALUE (e.g. security.protocol=SASL_SSL); got a value"
                                + " without a key (not shown, it may be a secret).");
            }
            kafka.put(value.substring(0, sep).trim(), value.substring(sep + 1));
        }
        for (String value : arguments.all(CONF)) {
            int sep = value.indexOf('=');
            if (sep <= 0 || !value.startsWith("spark.")) {
                throw StreamGuardException.badConfig("--conf expects spark.KEY=VALUE (e.g. spark.executor.memory=4g); "
                        + "got '" + Redaction.redactAssignment(value) + "'.");
            }
            spark.put(value.substring(0, sep).trim(), value.substring(sep + 1));
        }
        Map<String, String> single = arguments.single();
        String propertiesFile = single.get(KAFKA_PROPERTIES_FILE);
        if (propertiesFile != null) {
            Map<String, String> fromFile = loadProperties(propertiesFile);
            fromFile.forEach(kafka::putIfAbsent);
        }
        String secrets = single.get(SECRETS);
        if (secrets != null) {
            if (!secrets.equals("stdin")) {
                throw StreamGuardException.badConfig("--secrets accepts only 'stdin'; was '" + secrets + "'.");
            }
            SecretsBlock block = SecretsBlock.read(stdin);
            kafka.putAll(block.kafka());
            spark.putAll(block.spark());
            // Set here, before anything reads them.
            block.system().forEach(System::setProperty);
        }
        String exitWithParent = single.get(EXIT_WITH_PARENT);
        if (exitWithParent != null && !exitWithParent.equals("true") && !exitWithParent.equals("false")) {
            throw StreamGuardException.badConfig("--exit-with-parent must be true or false; was '" + exitWithParent
                    + "'.");
        }
        RunSpec spec = RunSpec.fromArguments(arguments, USAGE);
        Take take = Take.NEWEST;
        Instant from = null;
        String startFrom = spec.get(RunSpec.START_FROM);
        switch (startFrom.toLowerCase(Locale.ROOT)) {
            case "newest", "latest" -> take = Take.NEWEST;
            case "oldest", "earliest" -> take = Take.OLDEST;
            default -> {
                from = Instant.parse(startFrom);
                take = Take.OLDEST;
            }
        }
        String until = spec.get(RunSpec.UNTIL);
        KafkaRangeReader.problem(spec.get(RunSpec.BOOTSTRAP_SERVERS), kafka, spec.get(RunSpec.KAFKA_TIMEOUT_MS))
                .ifPresent(problem -> {
                    throw StreamGuardException.badConfig(problem);
                });
        return new JobConfig(spec.get(RunSpec.BOOTSTRAP_SERVERS), spec.get(RunSpec.TOPIC), spec.get(RunSpec.MAX_EVENTS),
                take, from, until == null ? null : Instant.parse(until), spec.get(RunSpec.OUTPUT),
                spec.get(RunSpec.MASTER), kafka, Duration.ofMillis(spec.get(RunSpec.KAFKA_TIMEOUT_MS)),
                spec.get(RunSpec.CONTAMINATION), spec.get(RunSpec.NUM_TREES), spec.get(RunSpec.MAX_SAMPLES),
                spec.get(RunSpec.SEED), spec.get(RunSpec.REPORT_TOP_N), spec.get(RunSpec.MAX_RECORD_BYTES),
                spec.get(RunSpec.MAX_QUARANTINE_BYTES), spec.get(RunSpec.GROUND_TRUTH), spark,
                "true".equals(exitWithParent));
    }

    /** {@code read_committed} unless the Kafka properties ask for {@code read_uncommitted}. */
    public String isolationLevel() {
        return KafkaRangeReader.isolationLevel(kafkaProperties);
    }

    /** How the read was bounded, in words for the report and the log. */
    public String modeDescription() {
        if (from != null) {
            return "time_range";
        }
        return take == Take.NEWEST ? "newest" : "oldest";
    }

    private static Map<String, String> loadProperties(String file) {
        java.util.Properties props = new java.util.Properties();
        try (java.io.Reader in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(file))) {
            props.load(in);
        } catch (java.io.IOException e) {
            throw StreamGuardException.badConfig("--kafka-properties-file " + file + " cannot be read: " + e);
        }
        Map<String, String> result = new LinkedHashMap<>();
        props.stringPropertyNames().stream().sorted().forEach(k -> result.put(k, props.getProperty(k)));
        return result;
    }

    /**
     * The settings for the log, with the Kafka properties' names only: their values reach the job on its standard
     * input, resolved from {@code env:} references or read from a properties file, and any of them may be a secret
     * whatever its name (a {@code client.id} from {@code env:} too). The isolation level is logged with the plan.
     */
    @Override
    public String toString() {
        return "JobConfig[bootstrapServers=" + bootstrapServers + ", topic=" + topic + ", maxEvents=" + maxEvents
                + ", mode=" + modeDescription() + ", from=" + from + ", until=" + until + ", output=" + output
                + ", master=" + master + ", kafkaProperties=" + new java.util.TreeSet<>(kafkaProperties.keySet())
                + ", contamination=" + contamination + ", numTrees=" + numTrees + ", maxSamples=" + maxSamples
                + ", seed=" + seed + "]";
    }
}
