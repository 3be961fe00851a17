package io.streamguard.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * {@code anomaly_report.json}: what one run read, found and how long it took. Keeps the predecessor's fields
 * ({@code total_users}, {@code anomalous_users}, {@code anomaly_rate}, {@code top_anomalies}) so existing consumers
 * keep working. Its JSON Schema is {@link ReportJson#schema(int)} of {@link #SCHEMA_VERSION}; change both together
 * and bump the version, keeping the old schema as its own resource so that {@code verify-report} still reads reports
 * of every version in {@link #SUPPORTED_VERSIONS}.
 *
 * <p>This package has no Spark imports: the Maven plugin reads and checks reports with it.
 */
@JsonPropertyOrder({"schema_version", "run", "events_available", "events_planned", "events_read",
        "malformed_events", "malformed_by_reason", "quarantine", "offset_ranges", "total_users", "anomalous_users", "anomaly_rate",
        "model", "timings_ms", "top_anomalies"})
public record AnomalyReport(
        @JsonProperty("schema_version") int schemaVersion,
        @JsonProperty("run") Run run,
        @JsonProperty("events_available") long eventsAvailable,
        @JsonProperty("events_planned") long eventsPlanned,
        @JsonProperty("events_read") long eventsRead,
        @JsonProperty("malformed_events") long malformedEvents,
        @JsonProperty("malformed_by_reason") Map<String, Long> malformedByReason,
        @JsonProperty("quarantine") @JsonInclude(JsonInclude.Include.NON_NULL) Quarantine quarantine,
        @JsonProperty("offset_ranges") List<OffsetRangeEntry> offsetRanges,
        @JsonProperty("total_users") long totalUsers,
        @JsonProperty("anomalous_users") long anomalousUsers,
        @JsonProperty("anomaly_rate") double anomalyRate,
        @JsonProperty("model") Model model,
        @JsonProperty("timings_ms") Timings timingsMs,
        @JsonProperty("top_anomalies") List<TopAnomaly> topAnomalies) {

    /** Version 2 added {@link TopAnomaly#reasons()}. */
    public static final int SCHEMA_VERSION = 2;

    /** Versions {@code verify-report} reads, each checked against its own schema. */
    public static final List<Integer> SUPPORTED_VERSIONS = List.of(1, 2);

    /** A report without {@code quarantine} (as written before the quarantine was capped). */
    public AnomalyReport(int schemaVersion, Run run, long eventsAvailable, long eventsPlanned, long eventsRead,
                         long malformedEvents, Map<String, Long> malformedByReason,
                         List<OffsetRangeEntry> offsetRanges, long totalUsers, long anomalousUsers,
                         double anomalyRate, Model model, Timings timingsMs, List<TopAnomaly> topAnomalies) {
        this(schemaVersion, run, eventsAvailable, eventsPlanned, eventsRead, malformedEvents, malformedByReason, null,
                offsetRanges, totalUsers, anomalousUsers, anomalyRate, model, timingsMs, topAnomalies);
    }

    /**
     * What {@code quarantine/} holds. Reports written before the cap existed have none.
     *
     * @param records rejected records written (all of {@code malformed_events} unless {@code truncated})
     * @param bytes bytes of the JSON lines written
     * @param maxBytes the cap ({@code streamguard.maxQuarantineBytes}); -1 = none
     * @param truncated true when the cap left rejected records out: the counts by reason stay exact
     */
    @JsonPropertyOrder({"records", "bytes", "max_bytes", "truncated"})
    public record Quarantine(
            @JsonProperty("records") long records,
            @JsonProperty("bytes") long bytes,
            @JsonProperty("max_bytes") long maxBytes,
            @JsonProperty("truncated") boolean truncated) {
    }

    /** Where and how the run happened. Never holds secrets: Kafka properties are not recorded. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"run_id", "started_at", "finished_at", "streamguard_version", "spark_version", "master",
            "bootstrap_servers", "topic", "mode", "start_from", "until", "max_events", "isolation_level"})
    public record Run(
            @JsonProperty("run_id") String runId,
            @JsonProperty("started_at") String startedAt,
            @JsonProperty("finished_at") String finishedAt,
            @JsonProperty("streamguard_version") String streamguardVersion,
            @JsonProperty("spark_version") String sparkVersion,
            @JsonProperty("master") String master,
            @JsonProperty("bootstrap_servers") String bootstrapServers,
            @JsonProperty("topic") String topic,
            @JsonProperty("mode") String mode,
            @JsonProperty("start_from") String startFrom,
            @JsonProperty("until") String until,
            @JsonProperty("max_events") long maxEvents,
            @JsonProperty("isolation_level") @JsonInclude(JsonInclude.Include.NON_NULL) String isolationLevel) {

        /** A run recorded without its isolation level (reports written before it was recorded). */
        public Run(String runId, String startedAt, String finishedAt, String streamguardVersion, String sparkVersion,
                   String master, String bootstrapServers, String topic, String mode, String startFrom, String until,
                   long maxEvents) {
            this(runId, startedAt, finishedAt, streamguardVersion, sparkVersion, master, bootstrapServers, topic, mode,
                    startFrom, until, maxEvents, null);
        }
    }

    /** A planned read of one partition, offsets {@code [from, until)}. */
    @JsonPropertyOrder({"topic", "partition", "from", "until"})
    public record OffsetRangeEntry(
            @JsonProperty("topic") String topic,
            @JsonProperty("partition") int partition,
            @JsonProperty("from") long from,
            @JsonProperty("until") long until) {
    }

    @JsonPropertyOrder({"algorithm", "num_trees", "max_samples", "samples_per_tree", "contamination", "seed",
            "threshold", "features"})
    public record Model(
            @JsonProperty("algorithm") String algorithm,
            @JsonProperty("num_trees") int numTrees,
            @JsonProperty("max_samples") int maxSamples,
            @JsonProperty("samples_per_tree") int samplesPerTree,
            @JsonProperty("contamination") double contamination,
            @JsonProperty("seed") long seed,
            @JsonProperty("threshold") double threshold,
            @JsonProperty("features") List<String> features) {
    }

    /** Wall-clock milliseconds per stage; {@code total} runs from job start to the report being committed. */
    @JsonPropertyOrder({"plan", "read", "features", "train", "write", "total"})
    public record Timings(
            @JsonProperty("plan") long plan,
            @JsonProperty("read") long read,
            @JsonProperty("features") long features,
            @JsonProperty("train") long train,
            @JsonProperty("write") long write,
            @JsonProperty("total") long total) {
    }

    /**
     * One of the top users, with (from schema version 2) the features that set it apart most from the population.
     *
     * @param reasons null in version 1 reports; from version 2 always present, most deviating first
     */
    @JsonPropertyOrder({"user", "anomaly_score", "total_events", "avg_threat_score", "reasons"})
    public record TopAnomaly(
            @JsonProperty("user") String user,
            @JsonProperty("anomaly_score") double anomalyScore,
            @JsonProperty("total_events") long totalEvents,
            @JsonProperty("avg_threat_score") double avgThreatScore,
            @JsonProperty("reasons") @JsonInclude(JsonInclude.Include.NON_NULL) List<Reason> reasons) {

        /** An entry of a version 1 report: no reasons. */
        public TopAnomaly(String user, double anomalyScore, long totalEvents, double avgThreatScore) {
            this(user, anomalyScore, totalEvents, avgThreatScore, null);
        }
    }

    /**
     * Why a user stands out: one feature against the whole population of the run.
     *
     * @param robustZ {@code (value - median) / (1.4826 * MAD)}; when the MAD is 0 (most users share one value),
     *     {@code (value - median) / (1.2533 * mean absolute deviation)}; 0 when every user has the same value
     * @param text the same in an analyst's words, e.g. "412 failed events, 38x the median (11)"
     */
    @JsonPropertyOrder({"feature", "value", "median", "robust_z", "text"})
    public record Reason(
            @JsonProperty("feature") String feature,
            @JsonProperty("value") double value,
            @JsonProperty("median") double median,
            @JsonProperty("robust_z") double robustZ,
            @JsonProperty("text") String text) {
    }
}
