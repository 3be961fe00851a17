package io.streamguard.spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The settings of one run of the StreamGuard job, defined once: {@link #SETTINGS} gives each its option, Maven
 * property, default and check. The job reads its command line into a RunSpec ({@link #fromArguments}); the Maven
 * goal maps its fields into one ({@link #builder()}) and hands the job {@link #toArguments()}. A new setting is one
 * definition here, its use in the job, and a mojo field.
 *
 * <p>Spark-free on purpose: the Maven plugin uses it in Maven's JVM.
 */
public final class RunSpec {

    /** The defaults as text: the settings below read them, and the Maven goals name them as parameter defaults. */
    public static final String DEFAULT_TOPIC = "security-events";
    public static final String DEFAULT_MAX_EVENTS = "10000";
    public static final String DEFAULT_START_FROM = "newest";
    public static final String DEFAULT_KAFKA_TIMEOUT_MS = "30000";
    public static final String DEFAULT_CONTAMINATION = "0.1";
    public static final String DEFAULT_NUM_TREES = "100";
    public static final String DEFAULT_MAX_SAMPLES = "256";
    public static final String DEFAULT_SEED = "42";
    public static final String DEFAULT_REPORT_TOP_N = "10";
    /** 512 KiB: larger records are quarantined. */
    public static final String DEFAULT_MAX_RECORD_BYTES = "524288";
    /** 100 MiB of quarantined JSON lines: hundreds of thousands of typical records, never a full disk. */
    public static final String DEFAULT_MAX_QUARANTINE_BYTES = "104857600";

    /** {@link #MAX_EVENTS} that reads everything in range. */
    public static final long ALL_EVENTS = -1;

    private static final String INSTANT_EXAMPLE = " (for example 2026-11-26T08:00:00Z).";

    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.text("bootstrap-servers",
            "streamguard.bootstrapServers", "HOST:PORT", null, "Kafka brokers", v -> null);
    public static final Setting<String> OUTPUT = Setting.text("output", "streamguard.outputDirectory", "DIR", null,
            "directory of the report and the outputs", v -> null);
    public static final Setting<String> TOPIC = Setting.text("topic", "streamguard.topic", "NAME", DEFAULT_TOPIC,
            "topic of security events", v -> v.matches("[a-zA-Z0-9._-]{1,249}") ? null : "'" + v
                    + "' is not a valid Kafka topic name (1-249 characters of a-z, A-Z, 0-9, '.', '_', '-').");
    public static final Setting<Long> MAX_EVENTS = Setting.whole("max-events", "streamguard.maxEvents", "N",
            DEFAULT_MAX_EVENTS, "events to read; -1 = everything in range",
            // 0 asks for nothing: accepted, the run planned no offsets and failed saying the topic was empty.
            v -> v > 0 || v == ALL_EVENTS ? null
                    : "must be a positive number of events, or -1 for everything in range; was " + v + ".");
    public static final Setting<String> START_FROM = Setting.text("start-from", "streamguard.startFrom", "MODE",
            DEFAULT_START_FROM, "newest | oldest | ISO-8601 instant",
            v -> List.of("newest", "latest", "oldest", "earliest").contains(Setting.keyword(v)) || isInstant(v)
                    ? null : "'" + v + "' is not 'newest', 'oldest' or an ISO-8601 instant" + INSTANT_EXAMPLE);
    public static final Setting<String> UNTIL = Setting.text("until", "streamguard.until", "INSTANT", null,
            "ISO-8601 instant; read only records before it",
            v -> isInstant(v) ? null : "'" + v + "' is not an ISO-8601 instant" + INSTANT_EXAMPLE);
    public static final Setting<String> MASTER = Setting.text("master", "streamguard.master", "URL", null,
            "Spark master (default: the one spark-submit sets)",
            v -> v.isBlank() ? "must be a Spark master URL such as local[*]." : null);
    public static final Setting<Long> KAFKA_TIMEOUT_MS = Setting.whole("kafka-timeout-ms",
            "streamguard.kafkaTimeoutMs", "MS", DEFAULT_KAFKA_TIMEOUT_MS, "how long to wait for the broker",
            v -> v > 0 ? null : "must be positive; was " + v + ".");
    public static final Setting<Double> CONTAMINATION = Setting.number("contamination", "streamguard.contamination",
            "F", DEFAULT_CONTAMINATION, "expected share of anomalous users, (0, 0.5)", v -> v > 0 && v < 0.5 ? null
                    : "must be in (0, 0.5), the expected share of anomalous users (the Isolation Forest rejects 0.5); "
                    + "was " + v + ".");
    public static final Setting<Integer> NUM_TREES = Setting.atLeast("num-trees", "streamguard.numTrees", "N",
            DEFAULT_NUM_TREES, 1, "isolation trees");
    public static final Setting<Integer> MAX_SAMPLES = Setting.atLeast("max-samples", "streamguard.maxSamples", "N",
            DEFAULT_MAX_SAMPLES, 2, "users sampled per tree");
    public static final Setting<Long> SEED = Setting.whole("seed", "streamguard.seed", "N", DEFAULT_SEED,
            "random seed, at least 1", v -> v >= 1 ? null
                    : "must be at least 1 (the Isolation Forest rejects 0 and negative seeds); was " + v + ".");
    public static final Setting<Integer> REPORT_TOP_N = Setting.atLeast("report-top-n", "streamguard.reportTopN", "N",
            DEFAULT_REPORT_TOP_N, 0, "users listed in top_anomalies");
    public static final Setting<Integer> MAX_RECORD_BYTES = Setting.atLeast("max-record-bytes",
            "streamguard.maxRecordBytes", "N", DEFAULT_MAX_RECORD_BYTES, 1, "larger records are quarantined");
    public static final Setting<Long> MAX_QUARANTINE_BYTES = Setting.whole("max-quarantine-bytes",
            "streamguard.maxQuarantineBytes", "N", DEFAULT_MAX_QUARANTINE_BYTES,
            "cap on quarantined JSON lines; counts stay exact; -1 = no cap",
            v -> v >= -1 ? null : "must be 0 or more, or -1 for no cap; was " + v + ".");
    public static final Setting<String> GROUND_TRUTH = Setting.text("ground-truth", "streamguard.groundTruth", "FILE",
            null, "ground_truth.json of synthetic events: adds evaluation.json to the outputs",
            v -> Files.isRegularFile(Path.of(v)) ? null : v + " is not a readable file.");

    /** Every setting of a run, in the order of the usage text and of {@link #toArguments()}. */
    public static final List<Setting<?>> SETTINGS = List.of(BOOTSTRAP_SERVERS, OUTPUT, TOPIC, MAX_EVENTS, START_FROM,
            UNTIL, MASTER, KAFKA_TIMEOUT_MS, CONTAMINATION, NUM_TREES, MAX_SAMPLES, SEED, REPORT_TOP_N,
            MAX_RECORD_BYTES, MAX_QUARANTINE_BYTES, GROUND_TRUTH);

    /** The options of {@link #SETTINGS}, without {@code --}. */
    public static final Set<String> OPTIONS = SETTINGS.stream().map(Setting::option)
            .collect(Collectors.toUnmodifiableSet());

    /** The settings given, as text; the others take their defaults. */
    private final Map<Setting<?>, String> texts;

    private RunSpec(Map<Setting<?>, String> texts) {
        this.texts = Collections.unmodifiableMap(new LinkedHashMap<>(texts));
    }

    /** The value of {@code setting}: as given, else its default (null for an optional one not given). */
    public <T> T get(Setting<T> setting) {
        String text = texts.get(setting);
        return text == null ? setting.defaultValue() : setting.read(text, Setting.Naming.OPTION);
    }

    /** This spec with {@code setting} set to {@code value} (checked), for what is known only at launch. */
    public <T> RunSpec with(Setting<T> setting, T value) {
        Map<Setting<?>, String> copy = new LinkedHashMap<>(texts);
        String text = setting.write(value);
        setting.read(text, Setting.Naming.OPTION);
        copy.put(setting, text);
        return new RunSpec(copy);
    }

    /**
     * The job's command line for these settings: {@code --option value} for each one given or defaulted, in the
     * order of {@link #SETTINGS}.
     */
    public List<String> toArguments() {
        List<String> args = new ArrayList<>();
        for (Setting<?> setting : SETTINGS) {
            String text = texts.containsKey(setting) ? texts.get(setting) : defaultText(setting);
            if (text != null) {
                args.add("--" + setting.option());
                args.add(text);
            }
        }
        return args;
    }

    private static <T> String defaultText(Setting<T> setting) {
        return setting.defaultValue() == null ? null : setting.write(setting.defaultValue());
    }

    /**
     * The settings on a job's command line; {@code --bootstrap-servers} and {@code --output} are required.
     *
     * @throws InvalidSettingException naming the option and what it accepts
     */
    public static RunSpec fromArguments(Arguments arguments, String usage) {
        Builder builder = new Builder();
        for (Setting<?> setting : SETTINGS) {
            String text = arguments.single().get(setting.option());
            if (text != null) {
                builder.texts.put(setting, text.trim());
            }
        }
        arguments.required(BOOTSTRAP_SERVERS, usage);
        arguments.required(OUTPUT, usage);
        return builder.build(Setting.Naming.OPTION);
    }

    /** The usage lines of {@link #SETTINGS} other than the two required ones. */
    public static String usageLines() {
        return SETTINGS.stream().filter(s -> s != BOOTSTRAP_SERVERS && s != OUTPUT).map(Setting::usageLine)
                .collect(Collectors.joining("\n"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects settings (typed values, as a Maven goal has them) and checks them all at {@link #build}. */
    public static final class Builder {

        private final Map<Setting<?>, String> texts = new LinkedHashMap<>();

        /** Sets {@code setting}; null leaves it at its default. */
        public <T> Builder set(Setting<T> setting, T value) {
            if (value == null) {
                texts.remove(setting);
            } else {
                texts.put(setting, setting.write(value));
            }
            return this;
        }

        /**
         * Checks every setting, then the ones that depend on each other.
         *
         * @param naming how messages name a setting: as the job's option or as the Maven property
         * @throws InvalidSettingException naming the setting and what it accepts
         */
        public RunSpec build(Setting.Naming naming) {
            for (Setting<?> setting : SETTINGS) {
                String text = texts.get(setting);
                if (text != null) {
                    setting.read(text, naming);
                }
            }
            RunSpec spec = new RunSpec(texts);
            String from = spec.get(START_FROM);
            String until = spec.get(UNTIL);
            if (until != null && isInstant(from) && !Instant.parse(until).isAfter(Instant.parse(from))) {
                throw new InvalidSettingException(UNTIL.name(naming) + " (" + until + ") must be after "
                        + START_FROM.name(naming) + " (" + from + ").");
            }
            return spec;
        }

        /**
         * The settings as given, unchecked: the job checks them itself. Only for tests of the job's own checks,
         * which must reach the job with a value the plugin would refuse.
         */
        public RunSpec unchecked() {
            return new RunSpec(texts);
        }
    }

    private static boolean isInstant(String text) {
        try {
            Instant.parse(text.trim());
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
