package io.streamguard.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * {@code anomaly_report.json}: what one run read, found and how long it took. Keeps the predecessor's fields
 * ({@code total_users}, {@code anomalous_users}, {@code anomaly_rate}, {@code top_anomalies}) so existing consumers
 * keep working. Its JSON Schema is {@link ReportJson#SCHEMA_RESOURCE}; change both together and bump
 * {@link #SCHEMA_VERSION}.
 *
 * <p>This package has no Spark imports: the Maven plugin reads and checks reports with it.
 */
@JsonPropertyOrder({"schema_version", "run", "events_available", "events_planned", "events_read",
        "malformed_events", "malformed_by_reason", "offset_ranges", "total_users", "anomalous_users", "anomaly_rate",
        "model", "timings_ms", "top_anomalies"})
public record AnomalyReport(
        @JsonProperty("schema_version") int schemaVersion,
        @JsonProperty("run") Run run,
        @JsonProperty("events_available") long eventsAvailable,
        @JsonProperty("events_planned") long eventsPlanned,
        @JsonProperty("events_read") long eventsRead,
        @JsonProperty("malformed_events") long malformedEvents,
        @JsonProperty("malformed_by_reason") Map<String, Long> malformedByReason,
        @JsonProperty("offset_ranges") List<OffsetRangeEntry> offsetRanges,
        @JsonProperty("total_users") long totalUsers,
        @JsonProperty("anomalous_users") long anomalousUsers,
        @JsonProperty("anomaly_rate") double anomalyRate,
        @JsonProperty("model") Model model,
        @JsonProperty("timings_ms") Timings timingsMs,
        @JsonProperty("top_anomalies") List<TopAnomaly> topAnomalies) {

    public static final int SCHEMA_VERSION = 1;

    /** Where and how the run happened. Never holds secrets: Kafka properties are not recorded. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"run_id", "started_at", "finished_at", "streamguard_version", "spark_version", "master",
            "bootstrap_servers", "topic", "mode", "start_from", "until", "max_events"})
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
            @JsonProperty("max_events") long maxEvents) {
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

    @JsonPropertyOrder({"user", "anomaly_score", "total_events", "avg_threat_score"})
    public record TopAnomaly(
            @JsonProperty("user") String user,
            @JsonProperty("anomaly_score") double anomalyScore,
            @JsonProperty("total_events") long totalEvents,
            @JsonProperty("avg_threat_score") double avgThreatScore) {
    }
}
