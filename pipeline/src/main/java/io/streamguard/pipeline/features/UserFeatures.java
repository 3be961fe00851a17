package io.streamguard.pipeline.features;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.log2;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.stddev_pop;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.streamguard.pipeline.source.SecurityEventSchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * Per-user behavioural features, computed with a single shuffle.
 *
 * <p>Events are hash-partitioned by {@code user} once; the three windows (by user in time order, by user and
 * source IP, by user and hour) and the final {@code groupBy(user)} all cluster on keys that contain {@code user},
 * which that partitioning already satisfies, so Spark adds no further exchange (the predecessor ran five
 * aggregations and four joins). Distinct counts use {@code size(collect_set(..))}, which avoids the row-multiplying
 * {@code Expand} that several {@code countDistinct}s in one aggregation would plan.
 *
 * <p>Hours and days are computed from epoch milliseconds, so they are UTC whatever the session time zone.
 *
 * <p>Every feature is a finite double for every event {@link io.streamguard.pipeline.source.EventParser} accepts
 * (non-negative byte counts, timestamps in {@code (0, run start + 1 day]}, threat scores in [0, 1] or absent);
 * the detector's {@code VectorAssembler} fails the whole run on a single null.
 */
public final class UserFeatures {

    /** Hours 00:00-05:59 UTC count as unusual. */
    public static final int UNUSUAL_HOUR_END = 6;
    /** Consecutive events of one user closer than this many seconds are a burst. */
    public static final double BURST_INTERVAL_SECONDS = 10.0;

    /** A process or domain seen in fewer than this share of all events is rare. */
    public static final double RARE_SHARE = 0.001;

    /** Every feature column, in the order the detector assembles them. */
    public static final List<String> FEATURE_COLUMNS = featureColumns();

    private UserFeatures() {
    }

    private static List<String> featureColumns() {
        List<String> names = new ArrayList<>(List.of(
                "total_events", "unique_source_ips", "unique_destination_ips", "unique_event_types",
                "unique_locations", "unique_processes", "unique_domains",
                "avg_threat_score", "max_threat_score",
                "failed_events", "failed_auth_rate", "blocked_rate",
                "unusual_hour_rate", "ip_diversity", "activity_days", "events_per_day"));
        for (String type : SecurityEventSchema.EVENT_TYPES) {
            names.add(eventTypeColumn(type));
        }
        names.addAll(List.of(
                "hour_entropy", "top_ip_share", "single_use_ip_rate",
                "mean_interval_s", "stddev_interval_s", "burst_rate",
                "log_total_bytes", "log_max_bytes", "rare_process_rate", "rare_domain_rate"));
        return List.copyOf(names);
    }

    /** 1.0 when the value is present and not among the common ones, else 0.0. */
    private static Column rare(Column value, Set<String> common) {
        Column isCommon = common.isEmpty() ? lit(false) : value.isin(common.toArray());
        return when(value.isNotNull().and(not(isCommon)), 1.0).otherwise(0.0);
    }

    public static String eventTypeColumn(String eventType) {
        return "share_" + eventType;
    }

    /**
     * Per-user features, with processes and domains judged rare against all users' events: a value seen in fewer
     * than {@link #RARE_SHARE} of {@code totalEvents} (and at least twice) is rare. The common values are found by
     * one small aggregation whose result (at most 1/{@code RARE_SHARE} values per column) is collected, so the
     * per-user stage still shuffles once.
     *
     * @param events accepted events ({@code user, timestamp, event_type, source_ip, destination_ip, status,
     *     threat_score, geo_location, process_name, domain, bytes_transferred, partition, offset})
     * @param shufflePartitions partitions of the one shuffle, sized to the data by the caller
     * @return one row per user: {@code user} then {@link #FEATURE_COLUMNS}, all doubles
     */
    public static Dataset<Row> compute(Dataset<Row> events, int shufflePartitions, long totalEvents) {
        long minCount = Math.max(2, (long) Math.ceil(totalEvents * RARE_SHARE));
        Set<String> commonProcesses = new HashSet<>();
        Set<String> commonDomains = new HashSet<>();
        Dataset<Row> values = events.select(explode(array(
                struct(lit("p").as("kind"), col("process_name").as("value")),
                struct(lit("d").as("kind"), col("domain").as("value")))).as("v"))
                .where(col("v.value").isNotNull())
                .groupBy(col("v.kind").as("kind"), col("v.value").as("value")).count()
                .where(col("count").geq(minCount));
        for (Row r : values.collectAsList()) {
            (r.getString(0).equals("p") ? commonProcesses : commonDomains).add(r.getString(1));
        }
        return compute(events, shufflePartitions, commonProcesses, commonDomains);
    }

    static Dataset<Row> compute(Dataset<Row> events, int shufflePartitions, Set<String> commonProcesses,
                                Set<String> commonDomains) {
        Column hour = pmod(floor(col("timestamp").divide(3_600_000L)), lit(24));
        Column day = floor(col("timestamp").divide(86_400_000L));
        Dataset<Row> byUser = events
                .repartition(shufflePartitions, col("user"))
                .withColumn("hour", hour)
                .withColumn("day", day);

        // Offsets break timestamp ties so intervals (and everything after) are deterministic.
        WindowSpec inTime = Window.partitionBy("user").orderBy("timestamp", "partition", "offset");
        WindowSpec perIp = Window.partitionBy("user", "source_ip");
        WindowSpec perHour = Window.partitionBy("user", "hour");
        Dataset<Row> enriched = byUser
                .withColumn("interval_s",
                        col("timestamp").minus(lag(col("timestamp"), 1).over(inTime)).divide(1000.0))
                .withColumn("ip_events", count(lit(1)).over(perIp))
                .withColumn("hour_events", count(lit(1)).over(perHour));

        Column isAuth = col("event_type").equalTo("auth_attempt");
        Column isFailed = col("status").equalTo("failed");
        List<Column> aggregates = new ArrayList<>(List.of(
                count(lit(1)).as("n"),
                size(collect_set("source_ip")).as("unique_source_ips"),
                size(collect_set("destination_ip")).as("unique_destination_ips"),
                size(collect_set("event_type")).as("unique_event_types"),
                size(collect_set("geo_location")).as("unique_locations"),
                size(collect_set("process_name")).as("unique_processes"),
                size(collect_set("domain")).as("unique_domains"),
                avg("threat_score").as("avg_threat_score"),
                max("threat_score").as("max_threat_score"),
                sum(when(isFailed, 1).otherwise(0)).as("failed_events"),
                sum(when(isAuth, 1).otherwise(0)).as("auth_events"),
                sum(when(isAuth.and(isFailed), 1).otherwise(0)).as("failed_auth_events"),
                avg(when(col("status").equalTo("blocked"), 1.0).otherwise(0.0)).as("blocked_rate"),
                avg(when(col("hour").lt(UNUSUAL_HOUR_END), 1.0).otherwise(0.0)).as("unusual_hour_rate"),
                size(collect_set("day")).as("activity_days"),
                avg(log2(col("hour_events"))).as("avg_log2_hour_events"),
                max("ip_events").as("top_ip_events"),
                avg(when(col("ip_events").equalTo(1), 1.0).otherwise(0.0)).as("single_use_ip_rate"),
                avg("interval_s").as("mean_interval_s"),
                stddev_pop("interval_s").as("stddev_interval_s"),
                sum(when(col("interval_s").lt(BURST_INTERVAL_SECONDS), 1).otherwise(0)).as("bursts"),
                count("interval_s").as("intervals"),
                avg(rare(col("process_name"), commonProcesses)).as("rare_process_rate"),
                avg(rare(col("domain"), commonDomains)).as("rare_domain_rate"),
                // A sum of longs wraps around silently past 2^63 (two records near the maximum): summed as exact
                // decimals instead, whatever the order, and as doubles only at the end.
                sum(coalesce(col("bytes_transferred"), lit(0L)).cast(DataTypes.createDecimalType(38, 0)))
                        .as("total_bytes"),
                max(coalesce(col("bytes_transferred"), lit(0L))).as("max_bytes")));
        for (String type : SecurityEventSchema.EVENT_TYPES) {
            aggregates.add(avg(when(col("event_type").equalTo(type), 1.0).otherwise(0.0)).as(eventTypeColumn(type)));
        }
        Dataset<Row> perUser = enriched.groupBy("user")
                .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));

        Column n = col("n").cast("double");
        List<Column> out = new ArrayList<>();
        out.add(col("user"));
        out.add(n.as("total_events"));
        for (String c : List.of("unique_source_ips", "unique_destination_ips", "unique_event_types",
                "unique_locations", "unique_processes", "unique_domains")) {
            out.add(col(c).cast("double").as(c));
        }
        out.add(coalesce(col("avg_threat_score"), lit(0.0)).as("avg_threat_score"));
        out.add(coalesce(col("max_threat_score"), lit(0.0)).as("max_threat_score"));
        out.add(col("failed_events").cast("double").as("failed_events"));
        out.add(when(col("auth_events").gt(0), col("failed_auth_events").divide(col("auth_events")))
                .otherwise(0.0).as("failed_auth_rate"));
        out.add(col("blocked_rate"));
        out.add(col("unusual_hour_rate"));
        out.add(col("unique_source_ips").divide(n).as("ip_diversity"));
        out.add(col("activity_days").cast("double").as("activity_days"));
        out.add(n.divide(col("activity_days")).as("events_per_day"));
        for (String type : SecurityEventSchema.EVENT_TYPES) {
            out.add(col(eventTypeColumn(type)));
        }
        // Shannon entropy of the hour-of-day histogram: H = log2(n) - mean over events of log2(count of its hour).
        out.add(log2(n).minus(col("avg_log2_hour_events")).as("hour_entropy"));
        out.add(col("top_ip_events").divide(n).as("top_ip_share"));
        out.add(col("single_use_ip_rate"));
        out.add(coalesce(col("mean_interval_s"), lit(0.0)).as("mean_interval_s"));
        out.add(coalesce(col("stddev_interval_s"), lit(0.0)).as("stddev_interval_s"));
        // A user's first event has no interval: the rate is over intervals, not events.
        out.add(when(col("intervals").gt(0), col("bursts").divide(col("intervals")))
                .otherwise(0.0).as("burst_rate"));
        out.add(log1p(col("total_bytes").cast("double")).as("log_total_bytes"));
        out.add(log1p(col("max_bytes").cast("double")).as("log_max_bytes"));
        out.add(col("rare_process_rate"));
        out.add(col("rare_domain_rate"));
        return perUser.select(out.toArray(Column[]::new));
    }
}
