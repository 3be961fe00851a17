package io.streamguard.pipeline;

import io.streamguard.spec.ParentWatch;
import io.streamguard.report.AnomalyReport;
import io.streamguard.spec.JobProtocol;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's entry point, for {@code spark-submit --class io.streamguard.pipeline.StreamGuardJob} and for the Maven
 * plugin's forked JVM. Exits 0 on success and with {@link StreamGuardException#exitCode()} on a failure the user
 * can fix, printing one line that says what was wrong and what to do.
 */
public final class StreamGuardJob {

    private static final Logger LOG = LoggerFactory.getLogger(StreamGuardJob.class);

    private StreamGuardJob() {
    }

    public static void main(String[] args) {
        long start = System.nanoTime();
        int exit;
        ParentWatch.Watch watch = null;
        try {
            if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
                System.out.println(JobConfig.USAGE);
                return;
            }
            JobConfig config = JobConfig.parse(args);
            if (config.exitWithParent()) {
                watch = ParentWatch.exitWhenStandardInputCloses("the StreamGuard job");
            }
            LOG.info("StreamGuard {} starting: {}", StreamGuardPipeline.version(), config);
            SparkSession spark = session(config);
            try {
                AnomalyReport report = StreamGuardPipeline.run(spark, config, start);
                LOG.info("Done in {} ms: {} users, {} anomalous, report in {}", report.timingsMs().total(),
                        report.totalUsers(), report.anomalousUsers(), config.output());
            } finally {
                spark.stop();
            }
            exit = 0;
        } catch (StreamGuardException e) {
            System.err.println(JobProtocol.errorLine(e.getMessage()));
            if (e.getCause() != null) {
                LOG.debug("cause", e.getCause());
            }
            exit = e.exitCode();
        } catch (Exception | Error e) { // includes Spark's checked exceptions, thrown undeclared from Scala
            System.err.println(JobProtocol.errorLine(
                    StreamGuardException.crashMessage("the job", e, Runtime.getRuntime().maxMemory())));
            e.printStackTrace();
            exit = StreamGuardException.EXIT_INTERNAL;
        }
        if (watch != null) {
            watch.stopBeforeExit();
        }
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /**
     * A session for the job. Settings that suit one small machine (no UI, loopback driver) apply only in local
     * mode; on a cluster, what {@code spark-submit} and the cluster configure wins.
     */
    static SparkSession session(JobConfig config) {
        SparkSession session = newSession(config);
        StageProgress.attach(session);
        return session;
    }

    private static SparkSession newSession(JobConfig config) {
        String master = config.master() != null ? config.master() : System.getProperty("spark.master");
        if (master == null || master.toLowerCase(Locale.ROOT).startsWith("local")) {
            return LocalSpark.builder("StreamGuard", master == null ? "local[*]" : master, config.sparkConf())
                    .getOrCreate();
        }
        SparkSession.Builder builder = SparkSession.builder().appName("StreamGuard")
                .config("spark.sql.session.timeZone", "UTC");
        if (config.master() != null) {
            builder.master(config.master());
        }
        config.sparkConf().forEach(builder::config);
        return builder.getOrCreate();
    }
}
