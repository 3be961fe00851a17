package io.streamguard.plugin.launch;

import io.streamguard.plugin.embedded.EmbeddedDataset;
import io.streamguard.plugin.Console;
import io.streamguard.plugin.PluginVersions;
import io.streamguard.report.AnomalyReport;
import io.streamguard.report.GroundTruth;
import io.streamguard.report.ReportJson;
import io.streamguard.spec.RunSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One {@code streamguard:run}: resolves the job's classpath, gets its data (the user's brokers, or an
 * {@link EmbeddedDataset}), writes the job's command line from the request's {@link RunSpec}, hands the secrets
 * over on standard input ({@link Secrets}), launches the job ({@link JobLauncher}) and reads the report it committed.
 */
public final class StreamGuardRunner {

    public static final String JOB_MAIN_CLASS = "io.streamguard.pipeline.StreamGuardJob";

    private final ClasspathResolver resolver;
    private final PluginVersions versions;
    private final Console console;
    private final JobLauncher launcher;
    private final EmbeddedDataset embeddedDataset;

    public StreamGuardRunner(ClasspathResolver resolver, PluginVersions versions, Console console) {
        this.resolver = resolver;
        this.versions = versions;
        this.console = console;
        this.launcher = new JobLauncher(console);
        this.embeddedDataset = new EmbeddedDataset(resolver, versions, console);
    }

    /** What a finished run produced. */
    public record Outcome(AnomalyReport report, Path reportFile, GroundTruth groundTruth, String bootstrapServers,
                          long seededEvents) {
    }

    /** The Spark job's classpath: the pipeline, Spark, and Spark's own versions of Jackson and kafka-clients. */
    public List<Path> jobClasspath() {
        return SparkApplicationClasspath.resolve(resolver, versions, "streamguard-pipeline");
    }

    /** Forks the job and reads its end. */
    public JobLauncher launcher() {
        return launcher;
    }

    /** The broker and the synthetic events of a run without brokers. */
    public EmbeddedDataset embeddedDataset() {
        return embeddedDataset;
    }


    public Outcome run(RunRequest request) {
        List<Path> classpath = jobClasspath();
        if (!request.embedded()) {
            return runJob(request, request.bootstrapServers(), classpath, null, 0);
        }
        console.warn("No streamguard.bootstrapServers: starting an embedded Kafka broker with SYNTHETIC events; "
                + "this run scores them, not your topic.");
        try (EmbeddedDataset.Seeded data = embeddedDataset.start(request)) {
            try {
                return runJob(request, data.bootstrapServers(), classpath, data.groundTruth(), data.events());
            } catch (JobFailedException e) {
                // Storage whose bytes changed still holds the seeded count, and crashes every run that reads it (Kafka's
                // client fails the read on a batch's CRC). A failure that is the user's to fix (settings, a deadline,
                // the output, a JVM option the fork refused) says nothing of the storage.
                if (data.reused() && e.jobCrashed() && data.forgetSeed()) {
                    throw new JobFailedException(e.exitCode(), e.getMessage() + "\nThe job crashed on events an "
                            + "earlier run seeded into the embedded broker (" + data.broker().directory() + "): in case "
                            + "that storage is damaged, the next run seeds them anew.", true);
                }
                throw e;
            }
        }
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
            // env:NAME values are resolved only here, for the stdin block: they never pass through a command line.
            Map<String, String> secretSparkConf = new java.util.TreeMap<>();
            List<String> sparkArgs = new ArrayList<>();
            sparkConf.forEach((k, v) -> {
                if (Secrets.isSecret(k, v)) {
                    secretSparkConf.put(k, Secrets.resolve("sparkConf " + k, v, System::getenv));
                } else {
                    sparkArgs.addAll(List.of("--conf", k + "=" + v));
                }
            });
            List<String> jvmArgs = request.jvmArgs().stream().filter(a -> !Secrets.isSecretSystemProperty(a)).toList();
            List<String> secretJvmArgs = Secrets.resolveJvmArgs(
                    request.jvmArgs().stream().filter(Secrets::isSecretSystemProperty).toList(), System::getenv);
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
            // Reading the report needs Jackson's classes and deserializers: about 0.45 s in this JVM if built after
            // the job; built while the job runs, on a core it leaves idle, reading it takes about 20 ms.
            Thread reportReader = new Thread(() -> {
                try {
                    ReportJson.prepareReading();
                } catch (RuntimeException | LinkageError e) {
                    // then reading the report after the job fails too, and the build says why
                }
            }, "streamguard-report-reader");
            reportReader.setDaemon(true);
            reportReader.start();
            launcher.forkSparkMain(JOB_MAIN_CLASS, "streamguard-job", classpath, args, jvmArgs, request.maxEvents(), work,
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
}
