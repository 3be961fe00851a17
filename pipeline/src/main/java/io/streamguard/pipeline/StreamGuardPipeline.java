package io.streamguard.pipeline;

import io.streamguard.pipeline.detect.IsolationForestDetector;
import io.streamguard.pipeline.features.SliceAggregation;
import io.streamguard.pipeline.features.UserFeatures;
import io.streamguard.pipeline.output.LocalPartitionedParquet;
import io.streamguard.pipeline.output.OutputCommitter;
import io.streamguard.pipeline.output.QuarantineWriter;
import io.streamguard.pipeline.output.ReportPage;
import io.streamguard.pipeline.plan.KafkaTopicInspector;
import io.streamguard.pipeline.plan.OffsetPlan;
import io.streamguard.pipeline.plan.OffsetPlanner;
import io.streamguard.pipeline.plan.OffsetRange;
import io.streamguard.pipeline.plan.PartitionWindow;
import io.streamguard.pipeline.source.EventParser;
import io.streamguard.pipeline.source.KafkaSliceSource;
import io.streamguard.pipeline.source.ReadFailures;
import io.streamguard.pipeline.evaluate.Evaluations;
import io.streamguard.report.AnomalyReport;
import io.streamguard.report.CommitFiles;
import io.streamguard.report.Evaluation;
import io.streamguard.report.GroundTruth;
import io.streamguard.report.ReportJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run: plan offsets, read, parse and fold the slice, compute features, score users, and commit Parquet, quarantine
 * and report together. Spark actions are few and deliberate: one to read and count by reject reason (it also folds
 * each user's events, {@link SliceAggregation}), one for the common processes and domains, one to count users, one to
 * collect them for the forest (up to 100,000 users; above, the forest's own jobs and one per partition to stream the
 * scores), and the writes. Up to 100,000 users the driver writes the training data itself
 * ({@link LocalPartitionedParquet}, unless the session asks for what only Spark's write does), and a run without
 * malformed records then runs no Spark SQL query at all: in a cold JVM each kind of query, even a DataFrame's
 * analysis, costs its planning and code generation. Everything the report says of the scored users is summed up on
 * the driver ({@link ScoredUsers}).
 */
public final class StreamGuardPipeline {

    public static final String TRAINING_DATA = "training_data";
    public static final String QUARANTINE = "quarantine";

    /** Events per shuffle partition: small data gets one partition instead of Spark's 200. */
    static final long EVENTS_PER_SHUFFLE_PARTITION = 250_000;
    static final int MAX_SHUFFLE_PARTITIONS = 400;

    private static final Logger LOG = LoggerFactory.getLogger(StreamGuardPipeline.class);

    private StreamGuardPipeline() {
    }

    /**
     * Plan, read, features, score, publish: each stage hands the next a typed result, and the report is made of
     * all of them.
     *
     * @param jobStartNanos {@link System#nanoTime()} when the job started, so {@code timings_ms.total} includes
     *     Spark's start-up
     */
    public static AnomalyReport run(SparkSession spark, JobConfig config, long jobStartNanos) {
        Instant startedAt = Instant.now();
        String runId = UUID.randomUUID().toString();
        Stopwatch clock = new Stopwatch();
        try (OutputCommitter committer = OutputCommitter.begin(config.output(),
                spark.sparkContext().hadoopConfiguration(), runId)) {
            Planned planned = plan(spark, config, clock);
            Read read = read(spark, config, planned, startedAt, clock);
            Featured featured = features(read, clock);
            Scored scored = score(spark, config, featured, clock);
            return publish(spark, config, committer, new Run(runId, startedAt, jobStartNanos), planned, read,
                    featured, scored, clock);
        } catch (IOException e) {
            throw new StreamGuardException(StreamGuardException.EXIT_OUTPUT,
                    "Could not write the outputs to " + config.output() + ": " + e.getMessage(), e);
        }
    }

    /** Who and when: the run's id, its start, and the job's start (for the total time). */
    private record Run(String id, Instant startedAt, long jobStartNanos) {
    }

    /** The offsets to read and the shuffle partitions they call for. */
    private record Planned(OffsetPlan plan, int shufflePartitions, long ms) {
    }

    /** The folded records, how many were read, and the malformed ones by reason. */
    private record Read(SliceAggregation slice, long events, Map<String, Long> malformedByReason, long malformed,
                        long ms) {
        long valid() {
            return events - malformed;
        }
    }

    /** One row of features per user (cached). */
    private record Featured(JavaRDD<Row> rows, long users, long ms) {
    }

    /** The forest's scores and what the report says of them (counts, histogram, the top with reasons). */
    private record Scored(IsolationForestDetector.Result result, ScoredUsers.Summary summary, long ms) {
    }

    /** Reasons given for each of the top users: its most deviating features. */
    static final int REASONS_PER_USER = 3;

    /** Plans the slice; nothing in range is the user's to fix. Sets the shuffle partitions for its size. */
    private static Planned plan(SparkSession spark, JobConfig config, Stopwatch clock) {
        OffsetPlan plan = plan(config);
        long planMs = clock.lap();
        LOG.info("Planned {} of {} available offsets of '{}' ({}, {}): {}", plan.plannedOffsets(),
                plan.available(), config.topic(), config.modeDescription(), config.isolationLevel(), describe(plan));
        if (plan.plannedOffsets() == 0) {
            throw new StreamGuardException(StreamGuardException.EXIT_NO_DATA,
                    "Nothing to read: topic '" + config.topic() + "' holds " + plan.available()
                            + " records in the requested range" + rangeText(config)
                            + ". Produce events first, or widen --start-from/--until.");
        }
        int shufflePartitions = shufflePartitions(plan.plannedOffsets());
        spark.conf().set("spark.sql.shuffle.partitions", shufflePartitions);
        // Scores must not depend on how AQE happened to merge partitions in this run.
        spark.conf().set("spark.sql.adaptive.coalescePartitions.enabled", false);
        return new Planned(plan, shufflePartitions, planMs);
    }

    /**
     * Reads, parses and folds the planned slice ({@link SliceAggregation}): counting the records by reject reason is
     * the only Spark job that reads records; from then on what the run needs of them is in the shuffle's files.
     */
    private static Read read(SparkSession spark, JobConfig config, Planned planned, Instant startedAt,
                             Stopwatch clock) {
        SliceAggregation slice;
        EventParser.Counts counts;
        try {
            slice = SliceAggregation.of(KafkaSliceSource.records(spark, config.bootstrapServers(), planned.plan(),
                    config.kafkaProperties(), config.kafkaTimeout().toMillis(),
                    new EventParser(config.maxRecordBytes(), EventParser.latestTimestampMs(startedAt.toEpochMilli()))),
                    planned.shufflePartitions());
            counts = slice.counts();
        } catch (Exception e) { // Spark throws its checked SparkException from Scala, undeclared
            throw ReadFailures.classify(e, config.bootstrapServers()).orElseThrow(() -> sneaky(e));
        }
        long readMs = clock.lap();
        LOG.info("Read {} records ({} malformed{}) in {} ms", counts.records(), counts.rejected(),
                counts.rejected() == 0 ? "" : ", by reason " + counts.rejectedByReason(), readMs);
        return new Read(slice, counts.records(), counts.rejectedByReason(), counts.rejected(), readMs);
    }

    /**
     * Features per user; fewer than 2 users cannot be compared. The rows are cached as an RDD and counted by an RDD
     * action: a cached DataFrame and its count would plan and compile a columnar cache and an aggregation, about
     * 0.4 s of a 1,000-event run, for a few hundred rows. The forest's input is the same rows, in the same partitions
     * and order in every run of the same events (the forest samples each partition with the seed). They are cached
     * serialized: cached as objects, Spark sampled their size by walking every row and boxed value with its
     * {@code SizeEstimator}, 6 % of a 1M-event run's task CPU; serialized, the features stage of that run took
     * 0.42-0.70 s instead of 0.75-1.10 s.
     */
    private static Featured features(Read read, Stopwatch clock) {
        JavaRDD<Row> rows = read.slice().features(read.valid()).persist(StorageLevel.MEMORY_AND_DISK_SER());
        long users = rows.count();
        long featuresMs = clock.lap();
        if (users < 2) {
            throw new StreamGuardException(StreamGuardException.EXIT_NO_DATA,
                    "Found " + users + " user(s) in " + read.valid() + " valid events (" + read.malformed()
                            + " malformed: " + read.malformedByReason() + "); the Isolation Forest needs at least 2 "
                            + "users to compare. Read more events (--max-events / streamguard.maxEvents).");
        }
        return new Featured(rows, users, featuresMs);
    }

    /** Fits the forest, scores every user, and sums the scores up for the report on the driver. */
    private static Scored score(SparkSession spark, JobConfig config, Featured featured, Stopwatch clock) {
        IsolationForestDetector.Params params = new IsolationForestDetector.Params(
                config.numTrees(), config.maxSamples(), config.contamination(), config.seed());
        IsolationForestDetector.Result result = IsolationForestDetector.fitAndScore(spark, featured.rows(),
                UserFeatures.SCHEMA, UserFeatures.FEATURE_COLUMNS, params, featured.users());
        ScoredUsers.Summary summary = ScoredUsers.summarize(result.rows().iterator(), result.schema(),
                featured.users(), UserFeatures.FEATURE_COLUMNS, config.reportTopN(), REASONS_PER_USER);
        return new Scored(result, summary, clock.lap());
    }

    /**
     * Stages the training data, the quarantine, the evaluation (with a ground truth) and the report, then commits
     * them together.
     */
    private static AnomalyReport publish(SparkSession spark, JobConfig config, OutputCommitter committer, Run run,
                                         Planned planned, Read read, Featured featured, Scored scored,
                                         Stopwatch clock) throws IOException {
        ScoredUsers.Summary summary = scored.summary();
        if (config.groundTruth() != null) {
            writeEvaluation(committer, scored.result(), config, run.id());
        }
        if (driverWritesTrainingData(spark, scored.result())) {
            LocalPartitionedParquet.write(spark, scored.result().rows(), scored.result().schema(),
                    IsolationForestDetector.LABEL, committer.staged(TRAINING_DATA), run.id());
        } else {
            scored.result().scored().write().partitionBy(IsolationForestDetector.LABEL)
                    .parquet(committer.staged(TRAINING_DATA).toString());
        }
        long malformed = read.malformed();
        int files = (int) Math.max(1, Math.min(MAX_SHUFFLE_PARTITIONS, malformed / 1_000_000));
        QuarantineWriter.Written quarantined = QuarantineWriter.write(
                () -> EventParser.rejected(spark.createDataFrame(read.slice().rejected(), EventParser.SCHEMA)),
                malformed, committer.fileSystem(), committer.staged(QUARANTINE), config.maxQuarantineBytes(), files);
        if (quarantined.truncated()) {
            LOG.warn("Quarantined {} of {} malformed records ({} bytes): the cap of {} bytes "
                    + "(streamguard.maxQuarantineBytes / --max-quarantine-bytes) left the others out; the counts by "
                    + "reason are exact", quarantined.records(), malformed, quarantined.bytes(),
                    config.maxQuarantineBytes());
        }
        long writeMs = clock.lap();

        OffsetPlan plan = planned.plan();
        AnomalyReport report = new AnomalyReport(
                AnomalyReport.SCHEMA_VERSION,
                new AnomalyReport.Run(run.id(), run.startedAt().toString(), Instant.now().toString(), version(),
                        spark.version(), spark.sparkContext().master(), config.bootstrapServers(),
                        config.topic(), config.modeDescription(),
                        config.from() == null ? config.modeDescription() : config.from().toString(),
                        config.until() == null ? null : config.until().toString(), config.maxEvents(),
                        config.isolationLevel()),
                plan.available(), plan.plannedOffsets(), read.events(), malformed, read.malformedByReason(),
                new AnomalyReport.Quarantine(quarantined.records(), quarantined.bytes(),
                        config.maxQuarantineBytes(), quarantined.truncated()),
                plan.ranges().stream()
                        .map(r -> new AnomalyReport.OffsetRangeEntry(r.topic(), r.partition(), r.from(), r.until()))
                        .toList(),
                summary.users(), summary.anomalous(), (double) summary.anomalous() / summary.users(),
                new AnomalyReport.Model("isolation_forest", config.numTrees(), config.maxSamples(),
                        scored.result().samplesPerTree(), config.contamination(), config.seed(),
                        scored.result().threshold(), UserFeatures.FEATURE_COLUMNS),
                new AnomalyReport.Timings(planned.ms(), read.ms(), featured.ms(), scored.ms(), writeMs,
                        (System.nanoTime() - run.jobStartNanos()) / 1_000_000),
                summary.top());
        try (OutputStream out = committer.fileSystem().create(committer.staged(CommitFiles.REPORT_PAGE), true)) {
            out.write(ReportPage.render(report, summary.histogram()).getBytes(StandardCharsets.UTF_8));
        }
        try (OutputStream out = committer.fileSystem().create(committer.staged(ReportJson.REPORT_FILE), true)) {
            out.write(ReportJson.toBytes(report));
        }
        // Listed even when this run has none: a stale evaluation must not sit beside a new report.
        committer.commit(List.of(TRAINING_DATA, QUARANTINE, GroundTruth.FILE, Evaluation.FILE,
                CommitFiles.REPORT_PAGE), ReportJson.REPORT_FILE);
        featured.rows().unpersist();
        scored.result().unpersist();
        LOG.info("Committed {} users ({} anomalous) to {}", summary.users(), summary.anomalous(),
                committer.output());
        return report;
    }

    /**
     * The driver writes the scored users when it holds them (the driver's fit), unless the session asks for what only
     * Spark's write does (then it says so, once).
     */
    private static boolean driverWritesTrainingData(SparkSession spark, IsolationForestDetector.Result scored) {
        if (!scored.onDriver()) {
            return false;
        }
        Optional<String> unsupported = LocalPartitionedParquet.unsupported(spark);
        unsupported.ifPresent(why -> LOG.info("Spark writes the training data, not the driver: {}", why));
        return unsupported.isEmpty();
    }

    /**
     * Scores every user against the planted ones: from the driver's memory after the driver's fit, else collected
     * in one job (users and scores only; streaming the scored rows would run a job per partition).
     */
    private static void writeEvaluation(OutputCommitter committer, IsolationForestDetector.Result scored,
                                        JobConfig config, String runId) throws IOException {
        GroundTruth truth = GroundTruth.read(java.nio.file.Path.of(config.groundTruth()));
        int user = scored.schema().fieldIndex("user");
        int score = scored.schema().fieldIndex(IsolationForestDetector.SCORE);
        List<String> users = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        if (scored.onDriver()) {
            for (Row r : scored.rows()) {
                users.add(r.getString(user));
                scores.add(r.getDouble(score));
            }
        } else {
            for (Row r : scored.scored().select("user", IsolationForestDetector.SCORE).collectAsList()) {
                users.add(r.getString(0));
                scores.add(r.getDouble(1));
            }
        }
        Evaluation evaluation = Evaluations.ofGroundTruth(users,
                scores.stream().mapToDouble(Double::doubleValue).toArray(), truth, scored.threshold(), 0, // k = planted
                java.util.Map.of("num_trees", config.numTrees(), "max_samples", config.maxSamples(),
                        "contamination", config.contamination(), "seed", config.seed()));
        try (OutputStream out = committer.fileSystem().create(committer.staged(Evaluation.FILE), true)) {
            out.write(evaluation.withRunId(runId).toBytes());
        }
        try (OutputStream out = committer.fileSystem().create(committer.staged(GroundTruth.FILE), true)) {
            out.write(truth.withRunId(runId).toBytes());
        }
        LOG.info(String.format(java.util.Locale.ROOT, "Against the ground truth: AUROC %.4f, precision in the top %d: "
                + "%.2f", evaluation.auroc(), evaluation.k(), evaluation.precisionAtK()));
    }

    private static RuntimeException sneaky(Exception e) {
        return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }

    static int shufflePartitions(long plannedEvents) {
        long n = (plannedEvents + EVENTS_PER_SHUFFLE_PARTITION - 1) / EVENTS_PER_SHUFFLE_PARTITION;
        return (int) Math.max(1, Math.min(MAX_SHUFFLE_PARTITIONS, n));
    }

    private static OffsetPlan plan(JobConfig config) {
        try (KafkaTopicInspector inspector = new KafkaTopicInspector(config.bootstrapServers(),
                config.kafkaProperties(), config.kafkaTimeout())) {
            List<PartitionWindow> windows = inspector.windows(config.topic(), config.from(), config.until());
            return OffsetPlanner.plan(config.topic(), windows, config.maxEvents(), config.take());
        }
    }

    private static String describe(OffsetPlan plan) {
        StringBuilder sb = new StringBuilder();
        for (OffsetRange r : plan.ranges()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(r.partition()).append(":[").append(r.from()).append(',').append(r.until()).append(')');
        }
        return sb.toString();
    }

    private static String rangeText(JobConfig config) {
        if (config.from() == null && config.until() == null) {
            return "";
        }
        return " [" + (config.from() == null ? "start" : config.from()) + ", "
                + (config.until() == null ? "end" : config.until()) + ")";
    }

    static String version() {
        String v = StreamGuardPipeline.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Milliseconds since the previous lap. */
    private static final class Stopwatch {
        private long last = System.nanoTime();

        long lap() {
            long now = System.nanoTime();
            long ms = (now - last) / 1_000_000;
            last = now;
            return ms;
        }
    }
}
