package io.streamguard.pipeline.source;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SortedMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Turns Kafka records ({@code topic, partition, offset, timestamp, value}) into events, parsing each value once
 * (with {@link StrictJsonReader}, which also checks the JSON type of every field of the format; values of the common
 * shape are read by {@link PlainEventReader}, which gives the same result faster or declines). It is plain Java
 * over one record at a time, so the same code parses inside the read's tasks ({@link KafkaSliceSource}) and over
 * any Dataset of records ({@link #parse(Dataset, int, long)}).
 *
 * <p>Every record comes out either as an event ({@code reject_reason} null) or as a rejected record with the
 * reason and its raw bytes, so nothing is silently dropped. Every event it accepts gives finite values for every
 * feature: what would not (a negative byte count, a timestamp at 0 or far in the future, a non-finite score) is
 * rejected here, by name, rather than crashing the run later. The reasons, in the order they are checked, are
 * {@link #REASONS}.
 */
public final class EventParser implements Serializable {

    private static final long serialVersionUID = 1L;

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

    /**
     * One row per record: the event columns (null for a rejected record), {@code topic}, {@code kafka_timestamp},
     * {@link #REJECT_REASON} and {@link #RAW_VALUE} (the bytes, kept only for rejected records).
     */
    public static final StructType SCHEMA = new StructType()
            .add("user", DataTypes.StringType)
            .add("timestamp", DataTypes.LongType)
            .add("event_type", DataTypes.StringType)
            .add("source_ip", DataTypes.StringType)
            .add("destination_ip", DataTypes.StringType)
            .add("status", DataTypes.StringType)
            .add("threat_score", DataTypes.DoubleType)
            .add("geo_location", DataTypes.StringType)
            .add("process_name", DataTypes.StringType)
            .add("domain", DataTypes.StringType)
            .add("bytes_transferred", DataTypes.LongType)
            .add("topic", DataTypes.StringType)
            .add("partition", DataTypes.IntegerType)
            .add("offset", DataTypes.LongType)
            .add("kafka_timestamp", DataTypes.TimestampType)
            .add(REJECT_REASON, DataTypes.StringType)
            .add(RAW_VALUE, DataTypes.BinaryType);

    private static final StructType EVENT = SecurityEventSchema.EVENT;
    private static final int ERROR = EVENT.size(); // StrictJsonReader's error follows the schema's fields
    /** The event columns, the first of {@link #SCHEMA}: what an accepted value fills. */
    private static final List<String> EVENT_FIELDS = List.of(SCHEMA.fieldNames()).subList(0, 11);
    private static final int USER = EVENT_FIELDS.indexOf("user");
    private static final int TIMESTAMP = EVENT_FIELDS.indexOf("timestamp");
    private static final int THREAT_SCORE = EVENT_FIELDS.indexOf("threat_score");
    private static final int BYTES_TRANSFERRED = EVENT_FIELDS.indexOf("bytes_transferred");
    private static final int METADATA = EVENT.fieldIndex("metadata");
    /**
     * Where the strict reader's row holds each event column: at this index of the event, or (when negative) at
     * {@code -1 - index} of its metadata.
     */
    private static final int[] STRICT_INDEX = EVENT_FIELDS.stream()
            .mapToInt(name -> EVENT.getFieldIndex(name).isDefined()
                    ? EVENT.fieldIndex(name) : -1 - SecurityEventSchema.METADATA.fieldIndex(name))
            .toArray();

    private final int maxRecordBytes;
    private final long latestTimestampMs;
    private final boolean plainFirst;
    private final StrictJsonReader reader = new StrictJsonReader(EVENT);
    /**
     * The fast path of the thread that used this parser last: it holds a string cache and its position in a value, so
     * each thread has its own (Spark gives each task its own copy of the parser anyway), and none is shipped.
     */
    private transient PlainEventReader plainReader;

    /**
     * @param maxRecordBytes a value longer than this is rejected as {@code oversized} without being parsed
     * @param latestTimestampMs events stamped after this (epoch millis) are rejected ({@link #latestTimestampMs})
     */
    public EventParser(int maxRecordBytes, long latestTimestampMs) {
        this(maxRecordBytes, latestTimestampMs, true);
    }

    private EventParser(int maxRecordBytes, long latestTimestampMs, boolean plainFirst) {
        this.maxRecordBytes = maxRecordBytes;
        this.latestTimestampMs = latestTimestampMs;
        this.plainFirst = plainFirst;
    }

    /** A parser that reads every value with {@link StrictJsonReader} only: the reference its fast path must match. */
    static EventParser strictOnly(int maxRecordBytes, long latestTimestampMs) {
        return new EventParser(maxRecordBytes, latestTimestampMs, false);
    }

    /** The latest event timestamp accepted by a run started at {@code runStartMs}. */
    public static long latestTimestampMs(long runStartMs) {
        return runStartMs + FUTURE_TOLERANCE.toMillis();
    }

    /** One record as a row of {@link #SCHEMA}. */
    public Row parse(String topic, int partition, long offset, Timestamp kafkaTimestamp, byte[] value) {
        return parse(topic, partition, offset, kafkaTimestamp, value == null ? null : ByteBuffer.wrap(value));
    }

    /**
     * One record as a row of {@link #SCHEMA}, its value read in place: the bytes between the buffer's position and
     * limit, as Kafka's consumer hands them over ({@code ByteBufferDeserializer}), copied only for a rejected record.
     */
    public Row parse(String topic, int partition, long offset, Timestamp kafkaTimestamp, ByteBuffer value) {
        Object[] row = new Object[SCHEMA.size()];
        row[11] = topic;
        row[12] = partition;
        row[13] = offset;
        row[14] = kafkaTimestamp;
        String reason;
        if (value == null) {
            reason = "null_value";
        } else if (value.hasArray()) {
            reason = accept(value.array(), value.arrayOffset() + value.position(), value.remaining(), row);
        } else {
            byte[] copy = bytes(value);
            reason = accept(copy, 0, copy.length, row);
        }
        if (reason != null) {
            Arrays.fill(row, 0, 11, null);
            row[15] = reason;
            row[16] = value == null ? null : bytes(value);
        }
        return new GenericRow(row);
    }

    private static byte[] bytes(ByteBuffer value) {
        byte[] copy = new byte[value.remaining()];
        value.duplicate().get(copy);
        return copy;
    }

    /**
     * Fills the event columns of {@code row} from the value in {@code data[from, from + length)} and returns null,
     * or returns why the value is rejected. A value of the common shape is read by {@link PlainEventReader}, any
     * other by {@link StrictJsonReader}; the checks after the parse are the same for both.
     */
    private String accept(byte[] data, int from, int length, Object[] row) {
        if (length > maxRecordBytes) {
            return "oversized";
        }
        if (!plainFirst || !plainReader().read(data, from, length, row)) {
            String reason = readStrictly(data, from, length, row);
            if (reason != null) {
                return reason;
            }
        }
        String user = (String) row[USER];
        if (user == null || user.isEmpty()) {
            return "missing_user";
        }
        Long timestamp = (Long) row[TIMESTAMP];
        if (timestamp == null) {
            return "missing_timestamp";
        }
        if (timestamp <= 0 || timestamp > latestTimestampMs) {
            return "timestamp_out_of_range";
        }
        Double threat = (Double) row[THREAT_SCORE];
        if (threat != null && (threat.isNaN() || threat.isInfinite())) {
            return "threat_score_not_finite";
        }
        if (threat != null && (threat < 0 || threat > 1)) {
            return "threat_score_out_of_range";
        }
        Long bytes = (Long) row[BYTES_TRANSFERRED];
        if (bytes != null && bytes < 0) {
            return "negative_bytes";
        }
        return null;
    }

    /**
     * This thread's fast path. Without a lock: a thread that sees another thread's reader (the field is read racily,
     * but the reader's owner is final) makes its own, so a reader is only ever used by the thread that made it.
     */
    private PlainEventReader plainReader() {
        PlainEventReader plain = plainReader;
        if (plain == null || plain.owner() != Thread.currentThread()) {
            plain = new PlainEventReader(EVENT, EVENT_FIELDS);
            plainReader = plain;
        }
        return plain;
    }

    /**
     * Reads the value with {@link StrictJsonReader} into the event columns of {@code row} (all of them, so nothing a
     * declined fast read left stays) and returns null, or returns why the value is not an event's JSON.
     */
    private String readStrictly(byte[] data, int from, int length, Object[] row) {
        if (!isUtf8(data, from, length)) {
            return "invalid_utf8";
        }
        Row event = reader.parse(data, from, length);
        if (!event.isNullAt(ERROR)) {
            return event.getString(ERROR);
        }
        Row metadata = (Row) event.get(METADATA);
        for (int column = 0; column < STRICT_INDEX.length; column++) {
            int index = STRICT_INDEX[column];
            row[column] = index >= 0 ? event.get(index) : metadata == null ? null : metadata.get(-1 - index);
        }
        return null;
    }

    /**
     * Strict decoding fails exactly where a lenient one would substitute U+FFFD. ASCII, the common case, is UTF-8
     * without decoding: the decoder allocated a buffer of the whole value per record, 4% of a 1M-event read.
     */
    private static boolean isUtf8(byte[] bytes, int from, int length) {
        boolean ascii = true;
        for (int i = from; i < from + length && ascii; i++) {
            ascii = bytes[i] >= 0;
        }
        if (ascii) {
            return true;
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, length));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** {@link #parse(Dataset, int, long)} for a run starting now. */
    public static Dataset<Row> parse(Dataset<Row> records, int maxRecordBytes) {
        return parse(records, maxRecordBytes, latestTimestampMs(System.currentTimeMillis()));
    }

    /**
     * Parses records that are already in a Dataset, in their partitions and order.
     *
     * @param records Kafka records with at least {@code topic, partition, offset, timestamp, value}
     * @return one row of {@link #SCHEMA} per record
     */
    public static Dataset<Row> parse(Dataset<Row> records, int maxRecordBytes, long latestTimestampMs) {
        EventParser parser = new EventParser(maxRecordBytes, latestTimestampMs);
        Dataset<Row> kafka = records.select("topic", "partition", "offset", "timestamp", "value");
        return kafka.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                Row r = rows.next();
                return parser.parse(r.getString(0), r.getInt(1), r.getLong(2), (Timestamp) r.get(3),
                        (byte[]) r.get(4));
            }
        }, Encoders.row(SCHEMA));
    }

    /**
     * How many records a slice holds, and how many of them were rejected, by reason.
     *
     * @param rejectedByReason by reason, in the reasons' alphabetical order; reasons with no record are absent
     */
    public record Counts(long records, SortedMap<String, Long> rejectedByReason) {

        public long rejected() {
            return rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
        }

        public long valid() {
            return records - rejected();
        }
    }

    /** The accepted events of a {@link #parse} result. */
    public static Dataset<Row> events(Dataset<Row> parsed) {
        return parsed.where(col(REJECT_REASON).isNull()).select(
                Arrays.stream(EVENT_COLUMNS).map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
    }

    /** The rejected records of a {@link #parse} result, as written to {@code quarantine/}. */
    public static Dataset<Row> rejected(Dataset<Row> parsed) {
        return parsed.where(col(REJECT_REASON).isNotNull()).select(
                col("topic"), col("partition"), col("offset"), col("kafka_timestamp"), col(REJECT_REASON).as("reason"),
                col(RAW_VALUE).cast("string").as("value"), col(RAW_VALUE).as("value_bytes"));
    }
}
