package io.streamguard.plugin.run;

import io.streamguard.plugin.Console;
import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.broker.EmbeddedKafkaBroker;
import io.streamguard.plugin.fork.JavaProcess;
import io.streamguard.plugin.fork.SparkJvmOptions;
import io.streamguard.plugin.resolve.ClasspathResolver;
import io.streamguard.plugin.seed.SyntheticEvents;
import io.streamguard.plugin.seed.TopicSeeder;
import io.streamguard.report.AnomalyReport;
import io.streamguard.report.GroundTruth;
import io.streamguard.report.ReportJson;
import io.streamguard.spec.JobProtocol;
import io.streamguard.spec.RunSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the StreamGuard job in a forked JVM: resolves its classpath, starts and seeds an embedded broker when no
 * brokers are given, forks, streams the job's output, and reads the report it committed. Spark never runs in the
 * calling JVM.
 */
public final class StreamGuardRunner {

    public static final String JOB_MAIN_CLASS = "io.streamguard.pipeline.StreamGuardJob";

    private final ClasspathResolver resolver;
    private final PluginVersions versions;
    private final Console console;

    public StreamGuardRunner(ClasspathResolver resolver, PluginVersions versions, Console console) {
        this.resolver = resolver;
        this.versions = versions;
        this.console = console;
    }

    /** What a finished run produced. */
    public record Outcome(AnomalyReport report, Path reportFile, GroundTruth groundTruth, String bootstrapServers,
                          long seededEvents) {
    }

    /** The Spark job's classpath: the pipeline, Spark, and Spark's own versions of Jackson and kafka-clients. */
    public List<Path> jobClasspath() {
        return SparkApplicationClasspath.resolve(resolver, versions, "streamguard-pipeline");
    }

    /**
     * The embedded broker's classpath: Kafka (Scala 2.13) and log4j2's binding for the SLF4J 1.7 API that Kafka
     * brings; without a binding the broker logs nothing at all, not even why it failed to start.
     */
    public List<Path> brokerClasspath() {
        return resolver.resolve(List.of(
                "org.apache.kafka:kafka_2.13:" + versions.kafkaBrokerVersion(),
                "org.apache.logging.log4j:log4j-slf4j-impl:" + versions.brokerLog4jVersion()), Map.of());
    }

    public Outcome run(RunRequest request) {
        List<Path> classpath = jobClasspath();
        if (!request.embedded()) {
            return runJob(request, request.bootstrapServers(), classpath, null, 0);
        }
        console.info("No streamguard.bootstrapServers given: starting an embedded Kafka broker");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(brokerClasspath(),
                request.workDirectory().resolve("broker"), Map.of(), console)) {
            broker.createTopic(request.topic(), 4, Map.of());
            SyntheticEvents events = new SyntheticEvents(syntheticConfig(request));
            long seeded = TopicSeeder.seed(broker.bootstrapServers(), Map.of(), request.topic(), events, console);
            return runJob(request, broker.bootstrapServers(), classpath, events.groundTruth(), seeded);
        }
    }

    static SyntheticEvents.Config syntheticConfig(RunRequest request) {
        SyntheticEvents.Config defaults = SyntheticEvents.Config.defaults(request.embeddedEvents());
        List<SyntheticEvents.Behaviour> behaviours = request.embeddedBehaviours().isEmpty()
                ? List.of(SyntheticEvents.Behaviour.values())
                : request.embeddedBehaviours().stream().map(SyntheticEvents.Behaviour::of).toList();
        return new SyntheticEvents.Config(defaults.events(), defaults.seed(), defaults.end(), defaults.span(),
                request.embeddedAnomalousShare(), behaviours);
    }

    private Outcome runJob(RunRequest request, String bootstrapServers, List<Path> classpath, GroundTruth truth,
                           long seeded) {
        Path work = request.workDirectory();
        try {
            Files.createDirectories(work);
            RunSpec job = request.job().with(RunSpec.BOOTSTRAP_SERVERS, bootstrapServers)
                    .with(RunSpec.OUTPUT, request.outputDirectory().toAbsolutePath().toString());
            Map<String, String> sparkConf = new java.util.LinkedHashMap<>(request.sparkConf());
            if (request.cluster()) {
                // Client mode: the driver is this fork; executors on the cluster get our jars, not Spark's own.
                sparkConf.putIfAbsent("spark.submit.deployMode", "client");
                sparkConf.putIfAbsent("spark.jars", SparkApplicationClasspath.applicationJars(resolver, versions,
                        classpath).stream().map(p -> p.toUri().toString()).collect(java.util.stream.Collectors.joining(",")));
            }
            // Secrets (Kafka properties, secret-looking Spark settings and -D options) go over the fork's stdin:
            // on no command line (/proc/<pid>/cmdline), in no file a kill -9 could leave behind.
            Map<String, String> secretSparkConf = new java.util.TreeMap<>();
            List<String> sparkArgs = new ArrayList<>();
            sparkConf.forEach((k, v) -> {
                if (io.streamguard.pipeline.Redaction.isSecret(k)) {
                    secretSparkConf.put(k, v);
                } else {
                    sparkArgs.addAll(List.of("--conf", k + "=" + v));
                }
            });
            List<String> jvmArgs = request.jvmArgs().stream().filter(a -> !Secrets.isSecretSystemProperty(a)).toList();
            List<String> secretJvmArgs = request.jvmArgs().stream().filter(Secrets::isSecretSystemProperty).toList();
            if (truth != null) {
                // The job commits it with the outputs and measures its scores against it (evaluation.json).
                Path truthFile = work.resolve(GroundTruth.FILE);
                Files.write(truthFile, truth.toBytes());
                job = job.with(RunSpec.GROUND_TRUTH, truthFile.toString());
            }
            List<String> args = new ArrayList<>(job.toArguments());
            args.addAll(sparkArgs);
            args.addAll(List.of("--secrets", "stdin", "--exit-with-parent", "true"));
            console.info("Forking the Spark job (" + classpath.size() + " jars on its classpath, master "
                    + request.master() + ")");
            forkSparkMain(JOB_MAIN_CLASS, "streamguard-job", classpath, args, jvmArgs, request.maxEvents(), work,
                    Secrets.stdinBlock(request.kafkaProperties(), secretSparkConf, secretJvmArgs), request.timeout(),
                    request.outputDirectory());
            Path reportFile = request.outputDirectory().resolve(ReportJson.REPORT_FILE);
            AnomalyReport report;
            try (InputStream in = Files.newInputStream(reportFile)) {
                report = ReportJson.read(in);
            }
            return new Outcome(report, reportFile, truth, bootstrapServers, seeded);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare or read the job's files in " + work, e);
        }
    }

    /** Up to this many events a run is short-lived enough for the client compiler alone. */
    static final long SMALL_RUN_EVENTS = 200_000;

    /**
     * A bounded run of up to {@value #SMALL_RUN_EVENTS} events lives for seconds: C1 alone and the serial collector
     * start faster than tiered C2 and G1, whose compiler and GC threads compete for the same cores (1,000 events
     * from a 1M-event topic, 2 cores: 14.4 s with JVM defaults, 10.2 s with these; 200,000 events: 19.3 s vs 17.3 s).
     * Larger runs are throughput work: C2 and the parallel collector (1M events: 28.7 s vs 36.2 s with C1 only).
     */
    static List<String> jitAndGcOptions(long maxEvents) {
        if (maxEvents >= 0 && maxEvents <= SMALL_RUN_EVENTS) {
            return List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
        }
        return List.of("-XX:+UseParallelGC");
    }

    /**
     * Runs one of our Spark mains in a forked JVM: Spark's module flags, the job's log configuration, JIT and GC
     * options sized to {@code events}, then the user's JVM options (last, so they win). The job's error lines
     * ({@link JobProtocol#ERROR_PREFIX}) become the failure's message; all others stream to the console.
     *
     * @throws JobFailedException when the process exits non-zero
     */
    public void forkSparkMain(String mainClass, String name, List<Path> classpath, List<String> args,
                              List<String> userJvmArgs, long events, Path work) throws IOException {
        forkSparkMain(mainClass, name, classpath, args, userJvmArgs, events, work, "", java.time.Duration.ZERO, null);
    }

    /**
     * Like {@link #forkSparkMain(String, String, List, List, List, long, Path)}, with {@code input} on the fork's
     * standard input and a deadline.
     *
     * @param timeout zero for none; past it the fork is stopped and a {@link JobFailedException} says so
     * @param output the outputs the fork commits to, named in the timeout's message
     */
    public void forkSparkMain(String mainClass, String name, List<Path> classpath, List<String> args,
                              List<String> userJvmArgs, long events, Path work, String input,
                              java.time.Duration timeout, Path output) throws IOException {
        Files.createDirectories(work);
        List<String> jvm = new ArrayList<>(SparkJvmOptions.moduleOptions(classpath));
        jvm.add("-Dlog4j2.configurationFile=" + writeJobLogConfig(work).toUri());
        jvm.addAll(jitAndGcOptions(events));
        jvm.addAll(userJvmArgs);
        List<String> errors = new ArrayList<>();
        JavaProcess process = new JavaProcess(jvm, classpath, mainClass, args, Map.of(), work);
        // A main that reads its standard input (the job, for its secrets) watches for Maven's end itself
        // (--exit-with-parent); any other runs under ParentWatch, so that no fork outlives a killed Maven.
        process = input.isEmpty() ? process.exitingWithParent() : process.withInput(input);
        JavaProcess.Result result = process
                .run(name, line -> {
                    String error = JobProtocol.errorMessage(line);
                    if (error != null) {
                        errors.add(error);
                    } else {
                        console.info(line);
                    }
                }, timeout);
        if (result.timedOut()) {
            throw new JobFailedException(JobFailedException.TIMED_OUT, mainClass + " did not finish within "
                    + timeout + " (streamguard.timeout) and was stopped. "
                    + (output == null ? "" : "The outputs in " + output + " are those of the last complete run. ")
                    + "Raise streamguard.timeout if the job needs longer, or read fewer events.\nLast output:\n"
                    + String.join("\n", result.lastLines()));
        }
        if (result.exitCode() != 0) {
            String message = errors.isEmpty()
                    ? mainClass + " exited with code " + result.exitCode() + ".\nCommand: " + result.commandLine()
                            + "\nLast output:\n" + String.join("\n", result.lastLines())
                    : String.join("\n", errors) + "\n(exit code " + result.exitCode() + "; command: "
                            + result.commandLine() + ")";
            throw new JobFailedException(result.exitCode(), message);
        }
    }

    private static Path writeJobLogConfig(Path work) throws IOException {
        Path file = work.resolve("log4j2-job.properties");
        Files.writeString(file, String.join("\n",
                "# The job's own progress at INFO, Spark and Kafka only when something is wrong.",
                "rootLogger.level = warn",
                "rootLogger.appenderRef.out.ref = out",
                "appender.out.type = Console",
                "appender.out.name = out",
                "appender.out.target = SYSTEM_OUT",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = [job] %p %c{1} - %m%n",
                "logger.streamguard.name = io.streamguard",
                "logger.streamguard.level = info",
                // Spark warns about native Hadoop and loopback addresses on every start; not actionable here.
                "logger.nativecode.name = org.apache.hadoop.util.NativeCodeLoader",
                "logger.nativecode.level = error",
                "logger.utils.name = org.apache.spark.util.Utils",
                "logger.utils.level = error",
                // Spark's Kafka source hands consumer settings to its admin client, which warns about each one.
                "logger.adminconfig.name = org.apache.kafka.clients.admin.AdminClientConfig",
                "logger.adminconfig.level = error",
                "logger.planstring.name = org.apache.spark.sql.catalyst.util.SparkStringUtils",
                "logger.planstring.level = error",
                // The threshold is exact; with few users the flagged share differs from contamination only by
                // rounding (13 of 125 is 0.104), which the forest reports as a warning on every run.
                "logger.forest.name = com.linkedin.relevance.isolationforest.IsolationForest",
                "logger.forest.level = error", ""), StandardCharsets.UTF_8);
        return file;
    }
}
