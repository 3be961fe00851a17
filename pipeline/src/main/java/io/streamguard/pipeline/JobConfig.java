package io.streamguard.pipeline;

import io.streamguard.pipeline.plan.OffsetPlanner;
import io.streamguard.pipeline.plan.Take;
import io.streamguard.pipeline.source.KafkaSliceSource;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything one run of the job needs, parsed from the command line that {@code spark-submit} or the Maven plugin
 * passes to {@link StreamGuardJob}. Invalid values fail here, before Spark starts, with a message naming the
 * option and what it accepts.
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

    public static final String DEFAULT_TOPIC = "security-events";
    public static final long DEFAULT_MAX_EVENTS = 10_000;
    public static final double DEFAULT_CONTAMINATION = 0.1;
    public static final int DEFAULT_NUM_TREES = 100;
    public static final int DEFAULT_MAX_SAMPLES = 256;
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_TOP_N = 10;
    public static final int DEFAULT_MAX_RECORD_BYTES = 512 * 1024;
    public static final Duration DEFAULT_KAFKA_TIMEOUT = Duration.ofSeconds(30);
    /** 100 MiB of quarantined JSON lines: hundreds of thousands of typical records, never a full disk. */
    public static final long DEFAULT_MAX_QUARANTINE_BYTES = 100L * 1024 * 1024;


    /** Ends the secrets block on standard input; {@link java.util.Properties#store} never writes such a line. */
    public static final String END_OF_SECRETS = "--end-of-secrets--";

    public static final String USAGE = String.join("\n",
            "Usage: StreamGuardJob --bootstrap-servers HOST:PORT --output DIR [options]",
            "  --topic NAME                 topic of security events (default " + DEFAULT_TOPIC + ")",
            "  --max-events N               events to read; -1 = everything in range (default " + DEFAULT_MAX_EVENTS + ")",
            "  --start-from MODE            newest | oldest | ISO-8601 instant (default newest)",
            "  --until INSTANT              ISO-8601 instant; read only records before it",
            "  --master URL                 Spark master (default: the one spark-submit sets)",
            "  --conf KEY=VALUE             Spark setting (spark.executor.memory=4g, spark.jars=...); repeatable",
            "  --kafka-property KEY=VALUE   Kafka client property (SASL/SSL...); repeatable; values never logged",
            "  --kafka-properties-file F    Kafka client properties file (keeps secrets off the command line)",
            "  --secrets stdin              read secret settings from standard input (to its end or a line "
                    + END_OF_SECRETS + "):",
            "                               properties kafka.KEY (Kafka client), spark.KEY (Spark), system.KEY (JVM)",
            "  --exit-with-parent true      exit when standard input closes (the plugin's fork: Maven is gone)",
            "  --kafka-timeout-ms MS        how long to wait for the broker (default " + DEFAULT_KAFKA_TIMEOUT.toMillis() + ")",
            "  --contamination F            expected share of anomalous users, (0, 0.5] (default " + DEFAULT_CONTAMINATION + ")",
            "  --num-trees N                isolation trees (default " + DEFAULT_NUM_TREES + ")",
            "  --max-samples N              users sampled per tree (default " + DEFAULT_MAX_SAMPLES + ")",
            "  --seed N                     random seed (default " + DEFAULT_SEED + ")",
            "  --report-top-n N             users listed in top_anomalies (default " + DEFAULT_TOP_N + ")",
            "  --max-record-bytes N         larger records are quarantined (default " + DEFAULT_MAX_RECORD_BYTES + ")",
            "  --max-quarantine-bytes N     cap on quarantined JSON lines; counts stay exact; -1 = no cap (default "
                    + DEFAULT_MAX_QUARANTINE_BYTES + ")",
            "  --ground-truth FILE          ground_truth.json of synthetic events: adds evaluation.json to the outputs");

    public JobConfig {
        kafkaProperties = Map.copyOf(kafkaProperties);
        sparkConf = Map.copyOf(sparkConf);
    }

    /** Parses {@code --name value} / {@code --name=value} arguments; {@code --secrets stdin} reads System.in. */
    public static JobConfig parse(String[] args) {
        return parse(args, System.in);
    }

    /** Like {@link #parse(String[])}, with the stream that {@code --secrets stdin} reads. */
    public static JobConfig parse(String[] args, java.io.InputStream stdin) {
        Map<String, String> single = new LinkedHashMap<>();
        Map<String, String> kafka = new LinkedHashMap<>();
        Map<String, String> spark = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                positional.add(arg);
                continue;
            }
            String name;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(2, eq);
                value = arg.substring(eq + 1);
            } else {
                name = arg.substring(2);
                if (i + 1 >= args.length) {
                    throw StreamGuardException.badConfig("Option --" + name + " needs a value.\n" + USAGE);
                }
                value = args[++i];
            }
            if (name.equals("kafka-property")) {
                int sep = value.indexOf('=');
                if (sep <= 0) {
                    throw StreamGuardException.badConfig(
                            "--kafka-property expects KEY=VALUE (e.g. security.protocol=SASL_SSL); got a value"
                                    + " without a key (not shown, it may be a secret).");
                }
                kafka.put(value.substring(0, sep).trim(), value.substring(sep + 1));
            } else if (name.equals("conf")) {
                int sep = value.indexOf('=');
                if (sep <= 0 || !value.startsWith("spark.")) {
                    throw StreamGuardException.badConfig("--conf expects spark.KEY=VALUE (e.g. spark.executor.memory=4g); "
                            + "got '" + Redaction.redactAssignment(value) + "'.");
                }
                spark.put(value.substring(0, sep).trim(), value.substring(sep + 1));
            } else if (single.put(name, value) != null) {
                throw StreamGuardException.badConfig("Option --" + name + " was given twice.");
            }
        }
        if (!positional.isEmpty()) {
            throw StreamGuardException.badConfig("Unexpected argument(s) " + positional + ".\n" + USAGE);
        }

        String propertiesFile = single.remove("kafka-properties-file");
        if (propertiesFile != null) {
            Map<String, String> fromFile = loadProperties(propertiesFile);
            fromFile.forEach(kafka::putIfAbsent);
        }
        String secrets = single.remove("secrets");
        if (secrets != null) {
            if (!secrets.equals("stdin")) {
                throw StreamGuardException.badConfig("--secrets accepts only 'stdin'; was '" + secrets + "'.");
            }
            readSecrets(stdin, kafka, spark);
        }
        String exitWithParent = single.remove("exit-with-parent");
        if (exitWithParent != null && !exitWithParent.equals("true") && !exitWithParent.equals("false")) {
            throw StreamGuardException.badConfig("--exit-with-parent must be true or false; was '" + exitWithParent
                    + "'.");
        }
        String bootstrap = required(single, "bootstrap-servers");
        String output = required(single, "output");
        String topic = single.getOrDefault("topic", DEFAULT_TOPIC);
        if (!topic.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw StreamGuardException.badConfig("--topic '" + topic
                    + "' is not a valid Kafka topic name (1-249 characters of a-z, A-Z, 0-9, '.', '_', '-').");
        }
        long maxEvents = longOption(single, "max-events", DEFAULT_MAX_EVENTS);
        if (maxEvents < 0 && maxEvents != OffsetPlanner.ALL) {
            throw StreamGuardException.badConfig("--max-events must be a positive number, 0, or -1 for everything; was "
                    + maxEvents + ".");
        }
        Take take = Take.NEWEST;
        Instant from = null;
        String startFrom = single.getOrDefault("start-from", "newest").trim();
        switch (startFrom.toLowerCase(Locale.ROOT)) {
            case "newest", "latest" -> take = Take.NEWEST;
            case "oldest", "earliest" -> take = Take.OLDEST;
            default -> {
                from = instant("start-from", startFrom);
                take = Take.OLDEST;
            }
        }
        Instant until = single.containsKey("until") ? instant("until", single.get("until").trim()) : null;
        if (from != null && until != null && !until.isAfter(from)) {
            throw StreamGuardException.badConfig(
                    "--until (" + until + ") must be after --start-from (" + from + ").");
        }
        double contamination = doubleOption(single, "contamination", DEFAULT_CONTAMINATION);
        if (!(contamination > 0 && contamination <= 0.5)) {
            throw StreamGuardException.badConfig(
                    "--contamination must be in (0, 0.5], the expected share of anomalous users; was " + contamination + ".");
        }
        int numTrees = intOption(single, "num-trees", DEFAULT_NUM_TREES, 1);
        int maxSamples = intOption(single, "max-samples", DEFAULT_MAX_SAMPLES, 2);
        long seed = longOption(single, "seed", DEFAULT_SEED);
        int topN = intOption(single, "report-top-n", DEFAULT_TOP_N, 0);
        int maxRecordBytes = intOption(single, "max-record-bytes", DEFAULT_MAX_RECORD_BYTES, 1);
        long maxQuarantineBytes = longOption(single, "max-quarantine-bytes", DEFAULT_MAX_QUARANTINE_BYTES);
        if (maxQuarantineBytes < -1) {
            throw StreamGuardException.badConfig("--max-quarantine-bytes must be 0 or more, or -1 for no cap; was "
                    + maxQuarantineBytes + ".");
        }
        String isolation = kafka.get(KafkaSliceSource.ISOLATION_LEVEL);
        if (isolation != null && !List.of("read_committed", "read_uncommitted").contains(isolation.trim())) {
            throw StreamGuardException.badConfig("Kafka property " + KafkaSliceSource.ISOLATION_LEVEL
                    + " must be read_committed or read_uncommitted; was '" + isolation + "'.");
        }
        long timeoutMs = longOption(single, "kafka-timeout-ms", DEFAULT_KAFKA_TIMEOUT.toMillis());
        if (timeoutMs <= 0) {
            throw StreamGuardException.badConfig("--kafka-timeout-ms must be positive; was " + timeoutMs + ".");
        }
        String master = single.get("master");
        String groundTruth = single.get("ground-truth");
        if (groundTruth != null && !java.nio.file.Files.isRegularFile(java.nio.file.Path.of(groundTruth))) {
            throw StreamGuardException.badConfig("--ground-truth " + groundTruth + " is not a readable file.");
        }

        for (String known : List.of("bootstrap-servers", "output", "topic", "max-events", "start-from", "until",
                "contamination", "num-trees", "max-samples", "seed", "report-top-n", "max-record-bytes",
                "max-quarantine-bytes", "kafka-timeout-ms", "master", "ground-truth")) {
            single.remove(known);
        }
        if (!single.isEmpty()) {
            throw StreamGuardException.badConfig("Unknown option(s) " + single.keySet() + ".\n" + USAGE);
        }
        return new JobConfig(bootstrap, topic, maxEvents, take, from, until, output, master, kafka,
                Duration.ofMillis(timeoutMs), contamination, numTrees, maxSamples, seed, topN, maxRecordBytes,
                maxQuarantineBytes, groundTruth, spark, "true".equals(exitWithParent));
    }

    /**
     * Reads the secrets block: Kafka client properties ({@code kafka.}), Spark settings ({@code spark.}) and JVM
     * system properties ({@code system.}, set here, before anything reads them). Values are never echoed.
     */
    private static void readSecrets(java.io.InputStream stdin, Map<String, String> kafka, Map<String, String> spark) {
        StringBuilder block = new StringBuilder();
        try {
            java.io.BufferedReader reader = new java.io.BufferedReader(
                    new java.io.InputStreamReader(stdin, java.nio.charset.StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null && !line.equals(END_OF_SECRETS)) {
                block.append(line).append('\n');
            }
            java.util.Properties props = new java.util.Properties();
            props.load(new java.io.StringReader(block.toString()));
            for (String key : new java.util.TreeSet<>(props.stringPropertyNames())) {
                String value = props.getProperty(key);
                if (key.startsWith("kafka.") && key.length() > 6) {
                    kafka.put(key.substring(6), value);
                } else if (key.startsWith("spark.")) {
                    spark.put(key, value);
                } else if (key.startsWith("system.") && key.length() > 7) {
                    System.setProperty(key.substring(7), value);
                } else {
                    throw StreamGuardException.badConfig("--secrets stdin: '" + key + "' starts with neither kafka., "
                            + "spark. nor system.");
                }
            }
        } catch (java.io.IOException e) {
            throw StreamGuardException.badConfig("--secrets stdin: cannot read standard input: " + e.getMessage());
        }
    }

    /** {@code read_committed} unless the Kafka properties ask for {@code read_uncommitted}. */
    public String isolationLevel() {
        return KafkaSliceSource.isolationLevel(kafkaProperties);
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

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw StreamGuardException.badConfig("Missing required option --" + name + ".\n" + USAGE);
        }
        return value.trim();
    }

    private static Instant instant(String option, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw StreamGuardException.badConfig("--" + option + " '" + value
                    + "' is neither 'newest', 'oldest' nor an ISO-8601 instant such as 2026-11-26T08:00:00Z.");
        }
    }

    private static long longOption(Map<String, String> options, String name, long defaultValue) {
        String value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw StreamGuardException.badConfig("--" + name + " must be a whole number; was '" + value + "'.");
        }
    }

    private static int intOption(Map<String, String> options, String name, int defaultValue, int min) {
        long value = longOption(options, name, defaultValue);
        if (value < min || value > Integer.MAX_VALUE) {
            throw StreamGuardException.badConfig("--" + name + " must be at least " + min + "; was " + value + ".");
        }
        return (int) value;
    }

    private static double doubleOption(Map<String, String> options, String name, double defaultValue) {
        String value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw StreamGuardException.badConfig("--" + name + " must be a number; was '" + value + "'.");
        }
    }

    @Override
    public String toString() {
        return "JobConfig[bootstrapServers=" + bootstrapServers + ", topic=" + topic + ", maxEvents=" + maxEvents
                + ", mode=" + modeDescription() + ", from=" + from + ", until=" + until + ", output=" + output
                + ", master=" + master + ", kafkaProperties=" + Redaction.redact(kafkaProperties)
                + ", contamination=" + contamination + ", numTrees=" + numTrees + ", maxSamples=" + maxSamples
                + ", seed=" + seed + "]";
    }
}
