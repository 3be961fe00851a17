package io.streamguard.plugin.mojo;

import io.streamguard.plugin.launch.CommandLineExecution;
import io.streamguard.plugin.launch.JobFailedException;
import io.streamguard.plugin.launch.RunRequest;
import io.streamguard.plugin.launch.RunSummary;
import io.streamguard.plugin.launch.Secrets;
import io.streamguard.spec.RunSpec;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.model.Plugin;
import org.apache.maven.model.PluginExecution;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.codehaus.plexus.util.xml.Xpp3Dom;
import org.eclipse.aether.RepositorySystem;

/**
 * Reads a bounded slice of a Kafka topic of security events, scores users with an Isolation Forest, and writes
 * {@code anomaly_report.json}, Parquet training data and a quarantine of malformed records to
 * {@link #outputDirectory}. The Spark job runs in a forked JVM. Without {@link #bootstrapServers} an embedded Kafka
 * broker is started, seeded with synthetic events (ground truth in {@code ground_truth.json}) and stopped again.
 *
 * <p>Bound to {@code integration-test} by default. Named on the command line it runs once, at the project Maven
 * starts in (from a multi-module root: once, not per module); bound in a parent POM's {@code <execution>} it runs in
 * every module that inherits the execution ({@code <inherited>false</inherited>} keeps it in the parent). A
 * command-line run ({@code default-cli}) sees the plugin-level configuration only, never an execution's.
 */
@Mojo(name = "run", aggregator = true, threadSafe = true,
        defaultPhase = LifecyclePhase.INTEGRATION_TEST)
public class RunMojo extends AbstractForkingMojo {

    /**
     * Skips the goal as Failsafe skips integration tests: {@code -DskipITs} builds and unit-tests a project without
     * scoring a topic.
     */
    @Parameter(property = "skipITs", defaultValue = "false")
    boolean skipITs;

    /** Kafka brokers to read from, {@code host:port[,host:port]}. Empty: start and seed an embedded broker. */
    @Parameter(property = "streamguard.bootstrapServers")
    String bootstrapServers;

    /** Topic of security events. */
    @Parameter(property = "streamguard.topic", defaultValue = RunSpec.DEFAULT_TOPIC)
    String topic;

    /** Events to read: exactly this many when the range holds them. {@code -1} reads everything in range. */
    @Parameter(property = "streamguard.maxEvents", defaultValue = RunSpec.DEFAULT_MAX_EVENTS)
    long maxEvents;

    /** {@code newest} (the last events of each partition), {@code oldest}, or an ISO-8601 instant. */
    @Parameter(property = "streamguard.startFrom", defaultValue = RunSpec.DEFAULT_START_FROM)
    String startFrom;

    /** Optional ISO-8601 instant: read only records with timestamps before it. */
    @Parameter(property = "streamguard.until")
    String until;

    /** Spark master URL of the job. */
    @Parameter(property = "streamguard.master", defaultValue = RunRequest.DEFAULT_MASTER)
    String master;

    /** Expected share of anomalous users, in (0, 0.5): sets the score threshold. */
    @Parameter(property = "streamguard.contamination", defaultValue = RunSpec.DEFAULT_CONTAMINATION)
    double contamination;

    /** Isolation trees. */
    @Parameter(property = "streamguard.numTrees", defaultValue = RunSpec.DEFAULT_NUM_TREES)
    int numTrees;

    /** Random seed, at least 1: the same data and seed give the same scores. */
    @Parameter(property = "streamguard.seed", defaultValue = RunSpec.DEFAULT_SEED)
    long seed;

    /** Users sampled per isolation tree (at least 2). */
    @Parameter(property = "streamguard.maxSamples", defaultValue = RunSpec.DEFAULT_MAX_SAMPLES)
    int maxSamples;

    /** Records larger than this many bytes are quarantined as {@code oversized} rather than parsed. */
    @Parameter(property = "streamguard.maxRecordBytes", defaultValue = RunSpec.DEFAULT_MAX_RECORD_BYTES)
    int maxRecordBytes;

    /** Users listed in the report's {@code top_anomalies}. */
    @Parameter(property = "streamguard.reportTopN", defaultValue = RunSpec.DEFAULT_REPORT_TOP_N)
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
    @Parameter(property = "streamguard.timeout", defaultValue = RunRequest.DEFAULT_TIMEOUT_TEXT)
    String timeout;

    /**
     * Cap on the bytes of malformed records written to {@code quarantine/} (JSON lines holding the raw payloads).
     * The counts by reason in the report stay exact; when the cap cuts, the report's {@code quarantine.truncated} is
     * true and every reason keeps examples. {@code 0} keeps no payloads, {@code -1} removes the cap.
     */
    @Parameter(property = "streamguard.maxQuarantineBytes", defaultValue = RunSpec.DEFAULT_MAX_QUARANTINE_BYTES)
    long maxQuarantineBytes;

    /**
     * How long to wait for the brokers before failing, in milliseconds. A whole fetch of the read (up to 1 MiB per
     * partition) must arrive within it: raise it over a slow link.
     */
    @Parameter(property = "streamguard.kafkaTimeoutMs", defaultValue = RunSpec.DEFAULT_KAFKA_TIMEOUT_MS)
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
    @Parameter(property = "streamguard.embedded.events", defaultValue = RunRequest.DEFAULT_EMBEDDED_EVENTS)
    long embeddedEvents;

    /** Share of the embedded data's users planted as anomalous, in (0, 1). */
    @Parameter(property = "streamguard.embedded.anomalousShare",
            defaultValue = RunRequest.DEFAULT_EMBEDDED_ANOMALOUS_SHARE)
    double embeddedAnomalousShare;

    /**
     * Behaviours planted in the embedded data: {@code brute_force}, {@code off_hours}, {@code exfiltration},
     * {@code new_countries}, {@code suspicious_process}. Empty: all of them.
     */
    @Parameter(property = "streamguard.embedded.behaviours")
    List<String> embeddedBehaviours;

    @Parameter(defaultValue = "${mojoExecution}", readonly = true)
    MojoExecution mojoExecution;

    /** To tell a map parameter given with {@code -D}, which Maven drops without a word. */
    @Parameter(defaultValue = "${session}", readonly = true)
    MavenSession session;

    @Parameter(defaultValue = "${project}", readonly = true)
    MavenProject project;

    @Inject
    public RunMojo(RepositorySystem repositorySystem) {
        super(repositorySystem);
    }

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skipped("run", skipITs)) {
            return;
        }
        RunRequest request = validate();
        requireSparkCapableJava();
        if (request.embedded()) {
            String unseen = CommandLineExecution.unseenBrokers(
                    mojoExecution == null ? null : mojoExecution.getExecutionId(), executionsWithBrokers());
            if (unseen != null) {
                getLog().warn(unseen);
            }
        }
        try {
            RunSummary.print(runner().run(request), new MavenConsole(getLog()));
        } catch (JobFailedException e) {
            rethrow(e);
        } catch (RuntimeException e) {
            throw new MojoExecutionException("streamguard:run failed: " + e.getMessage(), e);
        }
    }

    /**
     * Checks every parameter before anything starts; each message names the property and what it accepts. The
     * job's settings are checked by {@link RunSpec}, the same definitions the job parses its command line with.
     */
    RunRequest validate() throws MojoFailureException {
        for (String map : List.of("sparkConf", "kafkaProperties")) {
            if (session != null && session.getUserProperties().containsKey("streamguard." + map)) {
                throw new MojoFailureException("streamguard." + map + " cannot be given with -D: Maven does not fill "
                        + "a map parameter from a property, so the value would be ignored. Set <" + map + "> in the "
                        + "plugin's <configuration> in the POM"
                        + ("kafkaProperties".equals(map) ? ", or give -Dstreamguard.kafkaPropertiesFile=FILE" : "")
                        + ".");
            }
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
                io.streamguard.plugin.embedded.SyntheticEvents.Behaviour.of(b);
            } catch (IllegalArgumentException e) {
                throw new MojoFailureException("streamguard.embedded.behaviours: " + e.getMessage() + ".");
            }
        }
        Map<String, String> spark = sparkConf == null ? Map.of() : sparkConf;
        List<String> jvm = jvmArgs();
        try {
            // Fails now, naming the variable, when one is not set; the values themselves are resolved by the
            // launcher only for the job's standard input, so they never reach a command line.
            Secrets.resolveAll("sparkConf", spark, System::getenv);
            Secrets.resolveJvmArgs(jvm, System::getenv);
            return RunRequest.builder()
                    .set(RunSpec.BOOTSTRAP_SERVERS, blankToNull(bootstrapServers))
                    .set(RunSpec.TOPIC, topic == null ? "" : topic)
                    .set(RunSpec.MAX_EVENTS, maxEvents)
                    .set(RunSpec.START_FROM, startFrom == null ? "" : startFrom)
                    .set(RunSpec.UNTIL, blankToNull(until))
                    .set(RunSpec.MASTER, master == null ? "" : master)
                    .set(RunSpec.KAFKA_TIMEOUT_MS, kafkaTimeoutMs)
                    .set(RunSpec.CONTAMINATION, contamination)
                    .set(RunSpec.NUM_TREES, numTrees)
                    .set(RunSpec.MAX_SAMPLES, maxSamples)
                    .set(RunSpec.SEED, seed)
                    .set(RunSpec.REPORT_TOP_N, reportTopN)
                    .set(RunSpec.MAX_RECORD_BYTES, maxRecordBytes)
                    .set(RunSpec.MAX_QUARANTINE_BYTES, maxQuarantineBytes)
                    .outputDirectory(outputDirectory.toPath())
                    .timeout(RunRequest.parseTimeout(timeout))
                    .kafkaProperties(Secrets.kafkaProperties(
                            kafkaPropertiesFile == null ? null : kafkaPropertiesFile.toPath(),
                            kafkaProperties == null ? Map.of() : kafkaProperties, System::getenv))
                    .sparkConf(spark)
                    .jvmArgs(jvm)
                    .workDirectory(workDirectory.toPath())
                    .embeddedEvents(embeddedEvents)
                    .embeddedAnomalousShare(embeddedAnomalousShare)
                    .embeddedBehaviours(behaviours)
                    .build();
        } catch (IllegalArgumentException e) { // InvalidSettingException, and the secrets' and timeout's messages
            throw new MojoFailureException(e.getMessage());
        }
    }

    /** Ids of this plugin's executions in the POM whose configuration sets {@code bootstrapServers}. */
    List<String> executionsWithBrokers() {
        if (project == null || mojoExecution == null) {
            return List.of();
        }
        Plugin plugin = project.getPlugin(mojoExecution.getMojoDescriptor().getPluginDescriptor().getPluginLookupKey());
        if (plugin == null) {
            return List.of();
        }
        List<String> ids = new java.util.ArrayList<>();
        for (PluginExecution execution : plugin.getExecutions()) {
            if (execution.getConfiguration() instanceof Xpp3Dom configuration) {
                Xpp3Dom brokers = configuration.getChild("bootstrapServers");
                if (brokers != null && brokers.getValue() != null && !brokers.getValue().isBlank()) {
                    ids.add(execution.getId());
                }
            }
        }
        return ids;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
