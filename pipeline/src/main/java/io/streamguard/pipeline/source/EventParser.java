package io.streamguard.pipeline.source;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.encode;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Turns Kafka records ({@code topic, partition, offset, timestamp, value}) into events, parsing each value once.
 *
 * <p>Every record comes out either as an event ({@code reject_reason} null) or as a rejected record with the
 * reason and its raw bytes, so nothing is silently dropped. Reasons: {@code null_value} (tombstone),
 * {@code oversized}, {@code invalid_utf8}, {@code not_json} (unparsable, not an object, or a field of the wrong
 * type), {@code missing_user}, {@code missing_timestamp}, {@code threat_score_out_of_range}.
 */
public final class EventParser {

    public static final String REJECT_REASON = "reject_reason";
    public static final String RAW_VALUE = "raw_value";

    /** Event columns kept for the feature stage (flattened from the parsed struct). */
    public static final String[] EVENT_COLUMNS = {
        "user", "timestamp", "event_type", "source_ip", "destination_ip", "status", "threat_score",
        "geo_location", "process_name", "domain", "bytes_transferred", "partition", "offset"
    };

    private EventParser() {
    }

    /**
     * @param records Kafka records with at least {@code topic, partition, offset, timestamp, value}
     * @return one row per record: the event columns, {@code topic}, {@code kafka_timestamp},
     *     {@link #REJECT_REASON} and {@link #RAW_VALUE} (the bytes, kept only for rejected records)
     */
    public static Dataset<Row> parse(Dataset<Row> records, int maxRecordBytes) {
        Column value = col("value");
        Column text = value.cast("string");
        Column event = from_json(text, SecurityEventSchema.EVENT,
                Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", SecurityEventSchema.CORRUPT_RECORD));
        Dataset<Row> parsed = records.select(
                col("topic"), col("partition"), col("offset"), col("timestamp").as("kafka_timestamp"),
                value, event.as("e"));

        Column threat = col("e.threat_score");
        // Decoding replaces invalid UTF-8 with U+FFFD, so a value whose re-encoding differs was not valid UTF-8.
        Column invalidUtf8 = encode(value.cast("string"), "UTF-8").notEqual(value);
        Column reason = when(value.isNull(), lit("null_value"))
                .when(length(value).gt(maxRecordBytes), lit("oversized"))
                .when(invalidUtf8, lit("invalid_utf8"))
                .when(col("e").isNull().or(col("e." + SecurityEventSchema.CORRUPT_RECORD).isNotNull()), lit("not_json"))
                .when(coalesce(col("e.user"), lit("")).equalTo(""), lit("missing_user"))
                .when(col("e.timestamp").isNull(), lit("missing_timestamp"))
                .when(threat.isNotNull().and(threat.lt(0).or(threat.gt(1)).or(threat.isNaN())),
                        lit("threat_score_out_of_range"));

        return parsed.select(
                col("e.user").as("user"),
                col("e.timestamp").as("timestamp"),
                col("e.event_type").as("event_type"),
                col("e.source_ip").as("source_ip"),
                col("e.destination_ip").as("destination_ip"),
                col("e.status").as("status"),
                threat.as("threat_score"),
                col("e.metadata.geo_location").as("geo_location"),
                col("e.metadata.process_name").as("process_name"),
                col("e.metadata.domain").as("domain"),
                col("e.metadata.bytes_transferred").as("bytes_transferred"),
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
