package io.streamguard.pipeline.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamguard.pipeline.SparkTestSession;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import io.streamguard.pipeline.features.SliceAggregation;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class EventParserTest {

    private static final int REASON = EventParser.SCHEMA.fieldIndex(EventParser.REJECT_REASON);

    @Test
    void everyRecordIsEitherAnEventOrRejectedWithItsReasonAndBytes() {
        byte[] invalidUtf8 = {'{', '"', 'u', 's', 'e', 'r', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        KafkaRecords records = new KafkaRecords()
                .add(KafkaRecords.event("alice", 1_700_000_000_000L, "auth_attempt", "1.1.1.1", "success", 0.2, "US", 10))
                .add("{\"user\":\"bob\",\"timestamp\":1700000000000,\"unknown_field\":{\"x\":1}}") // extra fields ok
                .add("not json at all")
                .add("{\"user\":\"carol\",\"timestamp\":17000")                                 // truncated
                .add("[1,2,3]")                                                                // array
                .add("42")                                                                     // scalar
                .add("{\"timestamp\":1700000000000}")                                          // no user
                .add("{\"user\":\"\",\"timestamp\":1700000000000}")                             // empty user
                .add("{\"user\":\"dave\"}")                                                    // no timestamp
                .add("{\"user\":\"erin\",\"timestamp\":1700000000000,\"threat_score\":\"high\"}") // wrong type
                .add("{\"user\":\"erin\",\"timestamp\":\"2026-01-01T00:00:00Z\"}")              // ISO timestamp
                .add("{\"user\":\"frank\",\"timestamp\":1700000000000,\"threat_score\":1.5}")  // out of range
                .add(invalidUtf8)
                .add("")                                                                       // empty value
                .add((byte[]) null)                                                            // tombstone
                .add("{\"user\":\"gina\",\"timestamp\":1700000000000,\"pad\":\"" + "x".repeat(2_000) + "\"}");

        Dataset<Row> parsed = EventParser.parse(records.toDataset(SparkTestSession.get()), 1_024);
        List<Row> rows = parsed.orderBy("offset").collectAsList();

        assertThat(rows).hasSize(16);
        Map<Long, String> reasons = new TreeMap<>();
        for (Row r : rows) {
            reasons.put(r.getLong(r.fieldIndex("offset")), r.getString(r.fieldIndex(EventParser.REJECT_REASON)));
        }
        String[] expected = {null, null, "not_json", "not_json", "not_json", "not_json", "missing_user",
            "missing_user", "missing_timestamp", "wrong_type", "wrong_type", "threat_score_out_of_range", "invalid_utf8",
            "not_json", "null_value", "oversized"};
        for (int offset = 0; offset < expected.length; offset++) {
            assertThat(reasons.get((long) offset)).as("reason of offset %d", offset).isEqualTo(expected[offset]);
        }

        // Counted and kept for the quarantine as a run does: folded in one shuffle, over two partitions.
        SliceAggregation slice = SliceAggregation.of(parsed.javaRDD(), 2);
        EventParser.Counts counts = slice.counts();
        assertThat(counts.records()).isEqualTo(16);
        assertThat(counts.rejected()).isEqualTo(14);
        assertThat(counts.rejectedByReason()).containsExactly(Map.entry("invalid_utf8", 1L),
                Map.entry("missing_timestamp", 1L), Map.entry("missing_user", 2L), Map.entry("not_json", 5L),
                Map.entry("null_value", 1L), Map.entry("oversized", 1L), Map.entry("threat_score_out_of_range", 1L),
                Map.entry("wrong_type", 2L));

        List<Row> events = EventParser.events(parsed).orderBy("offset").collectAsList();
        assertThat(events).extracting(r -> r.getString(0)).containsExactly("alice", "bob");
        Row alice = events.get(0);
        assertThat(alice.getLong(alice.fieldIndex("timestamp"))).isEqualTo(1_700_000_000_000L);
        assertThat(alice.getString(alice.fieldIndex("geo_location"))).isEqualTo("US");
        assertThat(alice.getDouble(alice.fieldIndex("threat_score"))).isEqualTo(0.2);
        assertThat(alice.getLong(alice.fieldIndex("bytes_transferred"))).isEqualTo(10L);

        List<Row> rejected = EventParser.rejected(parsed.sparkSession().createDataFrame(slice.rejected(),
                EventParser.SCHEMA)).orderBy("offset").collectAsList();
        assertThat(rejected).hasSize(14);
        Row notJson = rejected.get(0);
        assertThat(notJson.getLong(notJson.fieldIndex("offset"))).isEqualTo(2L);
        assertThat(notJson.getInt(notJson.fieldIndex("partition"))).isZero();
        assertThat(notJson.getString(notJson.fieldIndex("value"))).isEqualTo("not json at all");
        Row utf8 = rejected.stream().filter(r -> r.getLong(r.fieldIndex("offset")) == 12L).findFirst().orElseThrow();
        assertThat((byte[]) utf8.get(utf8.fieldIndex("value_bytes"))).isEqualTo(invalidUtf8);
        Row tombstone = rejected.stream().filter(r -> r.getLong(r.fieldIndex("offset")) == 14L).findFirst().orElseThrow();
        assertThat(tombstone.isNullAt(tombstone.fieldIndex("value_bytes"))).isTrue();
        assertThat(new String((byte[]) rejected.get(rejected.size() - 1).get(6), StandardCharsets.UTF_8))
                .startsWith("{\"user\":\"gina\"");
    }

    @Test
    void aDeclaredFieldTwiceOrALoneSurrogateIsRejectedNotGuessed() {
        KafkaRecords records = new KafkaRecords()
                .add("{\"user\":\"dupA\",\"user\":\"dupB\",\"timestamp\":1700000000000}")
                .add("{\"user\":\"x\",\"timestamp\":1700000000000,\"metadata\":{\"domain\":\"a\",\"domain\":\"b\"}}")
                .add("{\"user\":\"surrogate\\ud800\",\"timestamp\":1700000000000}")
                .add("{\"user\":\"low\\udc00first\",\"timestamp\":1700000000000}")
                .add("{\"user\":\"clef\\ud834\\udd1e\",\"timestamp\":1700000000000}") // a valid pair
                .add("{\"user\":\"ok\",\"timestamp\":1700000000000,\"extra\":1,\"extra\":2}"); // undeclared: skipped

        List<Row> rows = EventParser.parse(records.toDataset(SparkTestSession.get()), 1_024).orderBy("offset")
                .collectAsList();

        assertThat(rows).extracting(r -> r.getString(r.fieldIndex(EventParser.REJECT_REASON)))
                .containsExactly("not_json", "not_json", "invalid_utf8", "invalid_utf8", null, null);
        assertThat(rows.get(4).getString(rows.get(4).fieldIndex("user"))).isEqualTo("clef\ud834\udd1e");
    }

    /**
     * The format is UTF-8. The same ASCII text in UTF-16 or UTF-32 is valid UTF-8 too (zero bytes are), and Jackson
     * would detect the other encoding from the zeros and read an event; UTF-8 JSON has no zero byte.
     */
    @Test
    void jsonInUtf16OrUtf32IsNotJson() {
        String event = "{\"user\":\"wide\",\"timestamp\":1700000000000}";
        KafkaRecords records = new KafkaRecords()
                .add(event.getBytes(StandardCharsets.UTF_16BE))
                .add(event.getBytes(StandardCharsets.UTF_16LE))
                .add(event.getBytes(java.nio.charset.Charset.forName("UTF-32BE")))
                .add(event.getBytes(java.nio.charset.Charset.forName("UTF-32LE")))
                .add(event.getBytes(StandardCharsets.UTF_8));

        List<Row> rows = EventParser.parse(records.toDataset(SparkTestSession.get()), 1_024).orderBy("offset")
                .collectAsList();

        assertThat(rows).extracting(r -> r.getString(r.fieldIndex(EventParser.REJECT_REASON)))
                .containsExactly("not_json", "not_json", "not_json", "not_json", null);
    }
    /**
     * The read hands the parser Kafka's own buffer (a slice of the fetched batch), not a copy: only the bytes between
     * its position and limit are the value, whatever lies around them, and a rejected value is kept exactly.
     */
    @Test
    void aValueIsReadInPlaceBetweenTheBuffersPositionAndLimit() {
        byte[] event = KafkaRecords.event("alice", 1_700_000_000_000L, "auth_attempt", "1.1.1.1", "success", 0.2, "US",
                10).getBytes(StandardCharsets.UTF_8);
        // A zero byte or invalid UTF-8 around the value is not part of it; oversized counts the value's bytes only.
        EventParser parser = new EventParser(event.length, Long.MAX_VALUE / 2);
        Row expected = parser.parse("t", 0, 7L, new Timestamp(1L), event);
        assertThat(expected.isNullAt(REASON)).isTrue();
        for (byte pad : new byte[] {0, (byte) 0xFF, '{'}) {
            byte[] padded = padded(event, pad);
            ByteBuffer direct = ByteBuffer.allocateDirect(event.length).put(event).flip();
            for (ByteBuffer value : List.of(ByteBuffer.wrap(padded, 3, event.length),
                    ByteBuffer.wrap(padded, 3, event.length).slice(), direct)) {
                int position = value.position();
                assertThat(parser.parse("t", 0, 7L, new Timestamp(1L), value)).as("pad %d, %s", pad, value)
                        .isEqualTo(expected);
                assertThat(value.position()).isEqualTo(position);
            }
        }

        byte[] notJson = "{\"user\":".getBytes(StandardCharsets.UTF_8);
        Row rejected = parser.parse("t", 0, 8L, new Timestamp(1L), ByteBuffer.wrap(padded(notJson, (byte) '}'), 3,
                notJson.length));
        assertThat(rejected.getString(REASON)).isEqualTo("not_json");
        assertThat((byte[]) rejected.get(EventParser.SCHEMA.fieldIndex(EventParser.RAW_VALUE))).isEqualTo(notJson);
        Row oversized = parser.parse("t", 0, 9L, new Timestamp(1L), ByteBuffer.wrap(padded(event, (byte) ' '), 2,
                event.length + 1));
        assertThat(oversized.getString(REASON)).isEqualTo("oversized");
    }

    /** {@code value} with three {@code pad} bytes before and after it. */
    private static byte[] padded(byte[] value, byte pad) {
        byte[] padded = new byte[value.length + 6];
        java.util.Arrays.fill(padded, pad);
        System.arraycopy(value, 0, padded, 3, value.length);
        return padded;
    }
}
