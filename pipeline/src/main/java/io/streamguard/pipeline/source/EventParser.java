package io.streamguard.pipeline.source;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.encode;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Turns Kafka records ({@code topic, partition, offset, timestamp, value}) into events, parsing each value once
 * (with {@link StrictJsonReader}, which also checks the JSON type of every field of the format).
 *
 * <p>Every record comes out either as an event ({@code reject_reason} null) or as a rejected record with the
 * reason and its raw bytes, so nothing is silently dropped. Every event it accepts gives finite values for every
 * feature: what would not (a negative byte count, a timestamp at 0 or far in the future, a non-finite score) is
 * rejected here, by name, rather than crashing the run later. The reasons, in the order they are checked, are
 * {@link #REASONS}.
 */
public final class EventParser {

    public static final String REJECT_REASON = "reject_reason";
    public static final String RAW_VALUE = "raw_value";

    /**
     * Every reject reason, in the order they are tested (the first that applies wins). The report's JSON Schema
     * lists the same names.
     */
    public static final List<String> REASONS = List.of(
            "null_value", "oversized", "invalid_utf8", StrictJsonReader.NOT_JSON, StrictJsonReader.WRONG_TYPE,
            "missing_user", "missing_timestamp", "timestamp_out_of_range", "threat_score_not_finite",
            "threat_score_out_of_range", "negative_bytes");

    /**
     * How far after the run's start an event's timestamp may lie. Producers' clocks drift and some stamp local time
     * as UTC (at most 14 hours off), so a few hours ahead is a real event; more than a day ahead is a unit error
     * (micro- or nanoseconds) or a forged record, and would stretch the time features (activity days, intervals)
     * of its user without bound.
     */
    public static final Duration FUTURE_TOLERANCE = Duration.ofDays(1);

    /** Event columns kept for the feature stage (flattened from the parsed struct). */
    public static final String[] EVENT_COLUMNS = {
        "user", "timestamp", "event_type", "source_ip", "destination_ip", "status", "threat_score",
        "geo_location", "process_name", "domain", "bytes_transferred", "partition", "offset"
    };

    private EventParser() {
    }

    /** {@link #parse(Dataset, int, long)} for a run starting now. */
    public static Dataset<Row> parse(Dataset<Row> records, int maxRecordBytes) {
        return parse(records, maxRecordBytes, latestTimestampMs(System.currentTimeMillis()));
    }

    /** The latest event timestamp accepted by a run started at {@code runStartMs}. */
    public static long latestTimestampMs(long runStartMs) {
        return runStartMs + FUTURE_TOLERANCE.toMillis();
    }

    /**
     * @param records Kafka records with at least {@code topic, partition, offset, timestamp, value}
     * @param latestTimestampMs events stamped after this (epoch millis) are rejected ({@link #latestTimestampMs})
     * @return one row per record: the event columns, {@code topic}, {@code kafka_timestamp},
     *     {@link #REJECT_REASON} and {@link #RAW_VALUE} (the bytes, kept only for rejected records)
     */
    public static Dataset<Row> parse(Dataset<Row> records, int maxRecordBytes, long latestTimestampMs) {
        Column value = col("value");
        Column oversized = length(value).gt(maxRecordBytes);
        StrictJsonReader reader = new StrictJsonReader(SecurityEventSchema.EVENT);
        Column event = udf(reader, reader.resultType()).apply(when(not(oversized), value));
        Dataset<Row> parsed = records.select(
                col("topic"), col("partition"), col("offset"), col("timestamp").as("kafka_timestamp"),
                value, event.as("e"));

        Column threat = col("e.threat_score");
        Column timestamp = col("e.timestamp");
        Column bytes = col("e.metadata.bytes_transferred");
        // Decoding replaces invalid UTF-8 with U+FFFD, so a value whose re-encoding differs was not valid UTF-8.
        Column invalidUtf8 = encode(value.cast("string"), "UTF-8").notEqual(value);
        Column reason = when(value.isNull(), lit("null_value"))
                .when(oversized, lit("oversized"))
                .when(invalidUtf8, lit("invalid_utf8"))
                .when(col("e." + StrictJsonReader.ERROR).isNotNull(), col("e." + StrictJsonReader.ERROR))
                .when(coalesce(col("e.user"), lit("")).equalTo(""), lit("missing_user"))
                .when(timestamp.isNull(), lit("missing_timestamp"))
                .when(timestamp.leq(0).or(timestamp.gt(latestTimestampMs)), lit("timestamp_out_of_range"))
                .when(threat.isNaN().or(threat.equalTo(Double.POSITIVE_INFINITY))
                        .or(threat.equalTo(Double.NEGATIVE_INFINITY)), lit("threat_score_not_finite"))
                .when(threat.lt(0).or(threat.gt(1)), lit("threat_score_out_of_range"))
                .when(bytes.lt(0), lit("negative_bytes"));

        return parsed.select(
                col("e.user").as("user"),
                timestamp.as("timestamp"),
                col("e.event_type").as("event_type"),
                col("e.source_ip").as("source_ip"),
                col("e.destination_ip").as("destination_ip"),
                col("e.status").as("status"),
                threat.as("threat_score"),
                col("e.metadata.geo_location").as("geo_location"),
                col("e.metadata.process_name").as("process_name"),
                col("e.metadata.domain").as("domain"),
                bytes.as("bytes_transferred"),
                col("topic"), col("partition"), col("offset"), col("kafka_timestamp"),
                reason.as(REJECT_REASON),
                when(reason.isNotNull(), value).as(RAW_VALUE));
    }

    /** The accepted events of a {@link #parse} result. */
    public static Dataset<Row> events(Dataset<Row> parsed) {
        return parsed.where(col(REJECT_REASON).isNull()).select(
                java.util.Arrays.stream(EVENT_COLUMNS).map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
    }

    /** The rejected records of a {@link #parse} result, as written to {@code quarantine/}. */
    public static Dataset<Row> rejected(Dataset<Row> parsed) {
        return parsed.where(col(REJECT_REASON).isNotNull()).select(
                col("topic"), col("partition"), col("offset"), col("kafka_timestamp"), col(REJECT_REASON).as("reason"),
                col(RAW_VALUE).cast("string").as("value"), col(RAW_VALUE).as("value_bytes"));
    }
}
