package io.streamguard.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.streamguard.pipeline.detect.IsolationForestDetector;
import io.streamguard.pipeline.features.UserFeatures;
import io.streamguard.pipeline.output.OutputCommitter;
import io.streamguard.pipeline.output.QuarantineWriter;
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
import io.streamguard.report.Evaluation;
import io.streamguard.report.GroundTruth;
import io.streamguard.report.ReportJson;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run: plan offsets, read and parse the slice, compute features, score users, and commit Parquet, quarantine
 * and report together. Spark actions are few and deliberate: one to read and count, one to count users, the
 * forest's own, one summary, one top-N, and the writes.
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
     * @param jobStartNanos {@link System#nanoTime()} when the job started, so {@code timings_ms.total} includes
     *     Spark's start-up
     */
    public static AnomalyReport run(SparkSession spark, JobConfig config, long jobStartNanos) {
        Instant startedAt = Instant.now();
        String runId = UUID.randomUUID().toString();
        Stopwatch clock = new Stopwatch();
        try (OutputCommitter committer = OutputCommitter.begin(config.output(),
                spark.sparkContext().hadoopConfiguration(), runId)) {
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

            Dataset<Row> parsed;
            Map<String, Long> malformedByReason = new TreeMap<>();
            long eventsRead = 0;
            List<Row> countsByReason;
            try {
                // Spark's source asks the broker for offsets when loading; the count is the only action that
                // reads records: from here on the parsed records are cached.
                Dataset<Row> records = KafkaSliceSource.read(spark, config.bootstrapServers(), plan,
                        config.kafkaProperties(), config.kafkaTimeout().toMillis());
                parsed = EventParser.parse(records, config.maxRecordBytes(),
                        EventParser.latestTimestampMs(startedAt.toEpochMilli())).persist(StorageLevel.MEMORY_AND_DISK());
                countsByReason = parsed.groupBy(EventParser.REJECT_REASON).count().collectAsList();
            } catch (Exception e) { // Spark throws its checked SparkException from Scala, undeclared
                throw ReadFailures.classify(e, config.bootstrapServers()).orElseThrow(() -> sneaky(e));
            }
            for (Row row : countsByReason) {
                long n = row.getLong(1);
                eventsRead += n;
                if (!row.isNullAt(0)) {
                    malformedByReason.put(row.getString(0), n);
                }
            }
            long malformed = malformedByReason.values().stream().mapToLong(Long::longValue).sum();
            long readMs = clock.lap();
            LOG.info("Read {} records ({} malformed{}) in {} ms", eventsRead, malformed,
                    malformed == 0 ? "" : ", by reason " + malformedByReason, readMs);

            Dataset<Row> features = UserFeatures.compute(EventParser.events(parsed), shufflePartitions,
                            eventsRead - malformed)
                    .sortWithinPartitions("user")
                    .persist(StorageLevel.MEMORY_AND_DISK());
            long users = features.count();
            long featuresMs = clock.lap();
            if (users < 2) {
                throw new StreamGuardException(StreamGuardException.EXIT_NO_DATA,
                        "Found " + users + " user(s) in " + (eventsRead - malformed) + " valid events (" + malformed
                                + " malformed: " + malformedByReason + "); the Isolation Forest needs at least 2 "
                                + "users to compare. Read more events (--max-events / streamguard.maxEvents).");
            }

            IsolationForestDetector.Params params = new IsolationForestDetector.Params(
                    config.numTrees(), config.maxSamples(), config.contamination(), config.seed());
            IsolationForestDetector.Result result = IsolationForestDetector.fitAndScore(
                    features, UserFeatures.FEATURE_COLUMNS, params, users);
            Dataset<Row> scored = result.scored().persist(StorageLevel.MEMORY_AND_DISK());
            Row summary = scored.agg(count(lit(1)), sum(col(IsolationForestDetector.LABEL))).first();
            long totalUsers = summary.getLong(0);
            long anomalous = summary.isNullAt(1) ? 0 : summary.getLong(1);
            List<AnomalyReport.TopAnomaly> top = topAnomalies(scored, config.reportTopN());
            long trainMs = clock.lap();

            if (config.groundTruth() != null) {
                writeEvaluation(committer, scored, config, result.threshold(), runId);
            }
            scored.write().partitionBy(IsolationForestDetector.LABEL)
                    .parquet(committer.staged(TRAINING_DATA).toString());
            int files = (int) Math.max(1, Math.min(MAX_SHUFFLE_PARTITIONS, malformed / 1_000_000));
            QuarantineWriter.Written quarantined = QuarantineWriter.write(EventParser.rejected(parsed), malformed,
                    committer.fileSystem(), committer.staged(QUARANTINE), config.maxQuarantineBytes(), files);
            if (quarantined.truncated()) {
                LOG.warn("Quarantined {} of {} malformed records ({} bytes): the cap of {} bytes "
                        + "(streamguard.maxQuarantineBytes / --max-quarantine-bytes) left the others out; the counts by "
                        + "reason are exact", quarantined.records(), malformed, quarantined.bytes(),
                        config.maxQuarantineBytes());
            }
            long writeMs = clock.lap();

            AnomalyReport report = new AnomalyReport(
                    AnomalyReport.SCHEMA_VERSION,
                    new AnomalyReport.Run(runId, startedAt.toString(), Instant.now().toString(), version(),
                            spark.version(), spark.sparkContext().master(), config.bootstrapServers(),
                            config.topic(), config.modeDescription(),
                            config.from() == null ? config.modeDescription() : config.from().toString(),
                            config.until() == null ? null : config.until().toString(), config.maxEvents(),
                            config.isolationLevel()),
                    plan.available(), plan.plannedOffsets(), eventsRead, malformed, malformedByReason,
                    new AnomalyReport.Quarantine(quarantined.records(), quarantined.bytes(),
                            config.maxQuarantineBytes(), quarantined.truncated()),
                    plan.ranges().stream()
                            .map(r -> new AnomalyReport.OffsetRangeEntry(r.topic(), r.partition(), r.from(), r.until()))
                            .toList(),
                    totalUsers, anomalous, (double) anomalous / totalUsers,
                    new AnomalyReport.Model("isolation_forest", config.numTrees(), config.maxSamples(),
                            result.samplesPerTree(), config.contamination(), config.seed(), result.threshold(),
                            UserFeatures.FEATURE_COLUMNS),
                    new AnomalyReport.Timings(planMs, readMs, featuresMs, trainMs, writeMs,
                            (System.nanoTime() - jobStartNanos) / 1_000_000),
                    top);
            try (OutputStream out = committer.fileSystem().create(committer.staged(ReportJson.REPORT_FILE), true)) {
                out.write(ReportJson.toBytes(report));
            }
            // Listed even when this run has none: a stale evaluation must not sit beside a new report.
            committer.commit(List.of(TRAINING_DATA, QUARANTINE, GroundTruth.FILE, Evaluation.FILE),
                    ReportJson.REPORT_FILE);
            parsed.unpersist();
            features.unpersist();
            scored.unpersist();
            LOG.info("Committed {} users ({} anomalous) to {}", totalUsers, anomalous, committer.output());
            return report;
        } catch (IOException e) {
            throw new StreamGuardException(StreamGuardException.EXIT_OUTPUT,
                    "Could not write the outputs to " + config.output() + ": " + e.getMessage(), e);
        }
    }

    /** Scores every user against the planted ones; users are few (one row each), so they are collected. */
    private static void writeEvaluation(OutputCommitter committer, Dataset<Row> scored, JobConfig config,
                                        double threshold, String runId) throws IOException {
        GroundTruth truth = GroundTruth.read(java.nio.file.Path.of(config.groundTruth()));
        List<String> users = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        for (Row r : scored.select("user", IsolationForestDetector.SCORE).collectAsList()) {
            users.add(r.getString(0));
            scores.add(r.getDouble(1));
        }
        Evaluation evaluation = Evaluations.ofGroundTruth(users,
                scores.stream().mapToDouble(Double::doubleValue).toArray(), truth, threshold, 0, // k = planted users
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

    private static List<AnomalyReport.TopAnomaly> topAnomalies(Dataset<Row> scored, int n) {
        if (n == 0) {
            return List.of();
        }
        List<AnomalyReport.TopAnomaly> top = new ArrayList<>();
        for (Row r : scored.orderBy(col(IsolationForestDetector.SCORE).desc(), col("user").asc())
                .select(col("user"), col(IsolationForestDetector.SCORE), col("total_events"), col("avg_threat_score"))
                .limit(n).collectAsList()) {
            top.add(new AnomalyReport.TopAnomaly(r.getString(0), r.getDouble(1), (long) r.getDouble(2),
                    r.getDouble(3)));
        }
        return top;
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
