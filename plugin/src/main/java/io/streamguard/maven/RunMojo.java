package io.streamguard.maven;

import io.streamguard.plugin.run.JobFailedException;
import io.streamguard.plugin.run.RunRequest;
import io.streamguard.plugin.run.RunSummary;
import io.streamguard.plugin.run.Secrets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.inject.Inject;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.eclipse.aether.RepositorySystem;

/**
 * Reads a bounded slice of a Kafka topic of security events, scores users with an Isolation Forest, and writes
 * {@code anomaly_report.json}, Parquet training data and a quarantine of malformed records to
 * {@link #outputDirectory}. The Spark job runs in a forked JVM. Without {@link #bootstrapServers} an embedded Kafka
 * broker is started, seeded with synthetic events (ground truth in {@code ground_truth.json}) and stopped again.
 *
 * <p>Runs once per build, at the project where it is invoked (from an aggregator root: once, not per module).
 */
@Mojo(name = "run", aggregator = true, threadSafe = true)
public class RunMojo extends AbstractForkingMojo {

    /** Kafka brokers to read from, {@code host:port[,host:port]}. Empty: start and seed an embedded broker. */
    @Parameter(property = "streamguard.bootstrapServers")
    String bootstrapServers;

    /** Topic of security events. */
    @Parameter(property = "streamguard.topic", defaultValue = "security-events")
    String topic;

    /** Events to read: exactly this many when the range holds them. {@code -1} reads everything in range. */
    @Parameter(property = "streamguard.maxEvents", defaultValue = "10000")
    long maxEvents;

    /** {@code newest} (the last events of each partition), {@code oldest}, or an ISO-8601 instant. */
    @Parameter(property = "streamguard.startFrom", defaultValue = "newest")
    String startFrom;

    /** Optional ISO-8601 instant: read only records with timestamps before it. */
    @Parameter(property = "streamguard.until")
    String until;

    /** Spark master URL of the job. */
    @Parameter(property = "streamguard.master", defaultValue = "local[*]")
    String master;

    /** Expected share of anomalous users, in (0, 0.5]: sets the score threshold. */
    @Parameter(property = "streamguard.contamination", defaultValue = "0.1")
    double contamination;

    /** Isolation trees. */
    @Parameter(property = "streamguard.numTrees", defaultValue = "100")
    int numTrees;

    /** Random seed: the same data and seed give the same scores. */
    @Parameter(property = "streamguard.seed", defaultValue = "42")
    long seed;

    /** Users listed in the report's {@code top_anomalies}. */
    @Parameter(property = "streamguard.reportTopN", defaultValue = "10")
    int reportTopN;

    /**
     * Kafka client properties (SASL, SSL, ...). Never give a secret here as a literal or as {@code ${env.X}}: Maven
     * prints parameters with {@code -X} and interpolates them into the effective POM. Give {@code env:NAME} instead
     * (the plugin reads the variable itself), or use {@link #kafkaPropertiesFile}. The job gets them on its standard
     * input: on no command line, in no file, log or report.
     */
    @Parameter
    Map<String, String> kafkaProperties;

    /**
     * A properties file of Kafka client properties that the plugin reads itself (only its path is a parameter);
     * entries of {@link #kafkaProperties} win over it. Values may be {@code env:NAME} too.
     */
    @Parameter(property = "streamguard.kafkaPropertiesFile")
    java.io.File kafkaPropertiesFile;

    /**
     * Deadline of the whole job fork: an ISO-8601 duration ({@code PT30M}) or whole seconds, {@code 0} for none. A
     * job still running then is stopped and the build fails saying so; the previous outputs stay.
     */
    @Parameter(property = "streamguard.timeout", defaultValue = "PT2H")
    String timeout;

    /**
     * Cap on the bytes of malformed records written to {@code quarantine/} (JSON lines holding the raw payloads).
     * The counts by reason in the report stay exact; when the cap cuts, the report's {@code quarantine.truncated} is
     * true and every reason keeps examples. {@code 0} keeps no payloads, {@code -1} removes the cap.
     */
    @Parameter(property = "streamguard.maxQuarantineBytes", defaultValue = "104857600")
    long maxQuarantineBytes;

    /** How long to wait for the brokers before failing, in milliseconds. */
    @Parameter(property = "streamguard.kafkaTimeoutMs", defaultValue = "30000")
    long kafkaTimeoutMs;

    /**
     * Spark settings of the job ({@code spark.executor.memory}, {@code spark.executor.cores}, ...). Values may be
     * {@code env:NAME}; settings whose keys look like secrets (password, secret, key, token, jaas, credential) reach
     * the job on its standard input, not its command line. With a cluster
     * master the plugin adds {@code spark.submit.deployMode=client} and {@code spark.jars} (our jars and non-Spark
     * dependencies) unless set here.
     */
    @Parameter
    Map<String, String> sparkConf;

    /** Synthetic events seeded into the embedded broker. */
    @Parameter(property = "streamguard.embedded.events", defaultValue = "200000")
    long embeddedEvents;

    /** Share of the embedded data's users planted as anomalous, in (0, 1). */
    @Parameter(property = "streamguard.embedded.anomalousShare", defaultValue = "0.05")
    double embeddedAnomalousShare;

    /**
     * Behaviours planted in the embedded data: {@code brute_force}, {@code off_hours}, {@code exfiltration},
     * {@code new_countries}, {@code suspicious_process}. Empty: all of them.
     */
    @Parameter(property = "streamguard.embedded.behaviours")
    List<String> embeddedBehaviours;

    @Inject
    public RunMojo(RepositorySystem repositorySystem) {
        super(repositorySystem);
    }

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skipped("run")) {
            return;
        }
        RunRequest request = validate();
        try {
            RunSummary.lines(runner().run(request)).forEach(getLog()::info);
        } catch (JobFailedException e) {
            rethrow(e);
        } catch (RuntimeException e) {
            throw new MojoExecutionException("streamguard:run failed: " + e.getMessage(), e);
        }
    }

    /** Checks every parameter before anything starts; each message names the property and what it accepts. */
    RunRequest validate() throws MojoFailureException {
        if (topic == null || !topic.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new MojoFailureException("streamguard.topic '" + topic
                    + "' is not a valid Kafka topic name (1-249 characters of a-z, A-Z, 0-9, '.', '_', '-').");
        }
        if (maxEvents < -1) {
            throw new MojoFailureException(
                    "streamguard.maxEvents must be a positive number, 0, or -1 for everything; was " + maxEvents + ".");
        }
        String mode = startFrom == null ? "" : startFrom.trim();
        if (!List.of("newest", "oldest", "latest", "earliest").contains(mode.toLowerCase(Locale.ROOT))) {
            parseInstant("streamguard.startFrom", mode, "'newest', 'oldest' or an ISO-8601 instant");
        }
        if (until != null && !until.isBlank()) {
            parseInstant("streamguard.until", until.trim(), "an ISO-8601 instant");
        }
        if (!(contamination > 0 && contamination <= 0.5)) {
            throw new MojoFailureException(
                    "streamguard.contamination must be in (0, 0.5], the expected share of anomalous users; was "
                            + contamination + ".");
        }
        if (numTrees < 1) {
            throw new MojoFailureException("streamguard.numTrees must be at least 1; was " + numTrees + ".");
        }
        if (reportTopN < 0) {
            throw new MojoFailureException("streamguard.reportTopN must be 0 or more; was " + reportTopN + ".");
        }
        if (kafkaTimeoutMs <= 0) {
            throw new MojoFailureException("streamguard.kafkaTimeoutMs must be positive; was " + kafkaTimeoutMs + ".");
        }
        if (maxQuarantineBytes < -1) {
            throw new MojoFailureException("streamguard.maxQuarantineBytes must be 0 or more, or -1 for no cap; was "
                    + maxQuarantineBytes + ".");
        }
        if (embeddedEvents < 1 && (bootstrapServers == null || bootstrapServers.isBlank())) {
            throw new MojoFailureException(
                    "streamguard.embedded.events must be at least 1 to seed the embedded broker; was "
                            + embeddedEvents + ".");
        }
        if (!(embeddedAnomalousShare > 0 && embeddedAnomalousShare < 1)) {
            throw new MojoFailureException("streamguard.embedded.anomalousShare must be in (0, 1); was "
                    + embeddedAnomalousShare + ".");
        }
        List<String> behaviours = embeddedBehaviours == null ? List.of() : embeddedBehaviours;
        for (String b : behaviours) {
            try {
                io.streamguard.plugin.seed.SyntheticEvents.Behaviour.of(b);
            } catch (IllegalArgumentException e) {
                throw new MojoFailureException("streamguard.embedded.behaviours: " + e.getMessage() + ".");
            }
        }
        if (master == null || master.isBlank()) {
            throw new MojoFailureException("streamguard.master must be a Spark master URL such as local[*].");
        }
        Duration deadline;
        Map<String, String> kafka;
        Map<String, String> spark;
        List<String> jvm;
        try {
            deadline = RunRequest.parseTimeout(timeout);
            kafka = Secrets.kafkaProperties(kafkaPropertiesFile == null ? null : kafkaPropertiesFile.toPath(),
                    kafkaProperties == null ? Map.of() : kafkaProperties, System::getenv);
            spark = sparkConf == null ? Map.of() : sparkConf;
            jvm = jvmArgs();
            // Fails now, naming the variable, when one is not set; the values themselves are resolved by the
            // runner only for the job's standard input, so they never reach a command line.
            Secrets.resolveAll("sparkConf", spark, System::getenv);
            Secrets.resolveJvmArgs(jvm, System::getenv);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException(e.getMessage());
        }
        return new RunRequest(bootstrapServers, topic, maxEvents, mode, until, outputDirectory.toPath(),
                master.trim(), kafka, Duration.ofMillis(kafkaTimeoutMs), contamination, numTrees, seed, reportTopN,
                jvm, embeddedEvents, workDirectory.toPath(), spark, embeddedAnomalousShare, behaviours,
                maxQuarantineBytes, deadline);
    }

    private static void parseInstant(String property, String value, String accepted) throws MojoFailureException {
        try {
            Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new MojoFailureException(property + " '" + value + "' is not " + accepted
                    + " (for example 2026-11-26T08:00:00Z).");
        }
    }
}
