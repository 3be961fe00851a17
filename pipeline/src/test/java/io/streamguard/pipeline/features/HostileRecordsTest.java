package io.streamguard.pipeline.features;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamguard.pipeline.SparkTestSession;
import io.streamguard.pipeline.detect.IsolationForestDetector;
import io.streamguard.pipeline.source.EventParser;
import io.streamguard.pipeline.source.KafkaRecords;
import io.streamguard.report.ReportJson;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Records no well-behaved producer sends, but a real topic holds: each is either rejected with a reason or
 * accepted with every feature defined. Before these checks, one negative byte count or two byte counts whose sum
 * overflowed a long made {@code log1p} null and the detector's {@code VectorAssembler} failed the whole run, and
 * {@code "user": {"id":1}} became a user named {@code {"id":1}}.
 */
class HostileRecordsTest {

    private static final long RUN_START = Instant.parse("2026-11-27T12:00:00Z").toEpochMilli();
    private static final long LATEST = EventParser.latestTimestampMs(RUN_START);
    private static final long T = Instant.parse("2026-11-20T03:00:00Z").toEpochMilli();

    private static String withUser(String userJson, String rest) {
        return "{\"user\":" + userJson + ",\"timestamp\":" + T + rest + "}";
    }

    @Test
    void recordsThatWouldBreakAFeatureOrAreNotTheFormatAreRejectedByName() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put(withUser("{\"id\":1}", ""), "wrong_type");
        cases.put(withUser("[\"a\",\"b\"]", ""), "wrong_type");
        cases.put(withUser("12345", ""), "wrong_type");
        cases.put(withUser("true", ""), "wrong_type");
        cases.put(withUser("\"u\"", ",\"event_type\":7"), "wrong_type");
        cases.put(withUser("\"u\"", ",\"status\":{\"s\":\"failed\"}"), "wrong_type");
        cases.put(withUser("\"u\"", ",\"source_ip\":167772161"), "wrong_type");
        cases.put(withUser("\"u\"", ",\"destination_ip\":[\"10.0.0.1\"]"), "wrong_type");
        cases.put(withUser("\"u\"", ",\"metadata\":\"none\""), "wrong_type");
        cases.put(withUser("\"u\"", ",\"metadata\":{\"bytes_transferred\":9223372036854775808}"), "wrong_type");
        cases.put(withUser("\"u\"", ",\"metadata\":{\"bytes_transferred\":1.5e3}"), "wrong_type");
        cases.put("{\"user\":\"u\",\"timestamp\":1.7e12}", "wrong_type");
        cases.put("{\"user\":\"u\",\"timestamp\":0}", "timestamp_out_of_range");
        cases.put("{\"user\":\"u\",\"timestamp\":-86400000}", "timestamp_out_of_range");
        cases.put("{\"user\":\"u\",\"timestamp\":" + (LATEST + 1) + "}", "timestamp_out_of_range");
        cases.put("{\"user\":\"u\",\"timestamp\":" + Long.MAX_VALUE + "}", "timestamp_out_of_range");
        cases.put(withUser("\"u\"", ",\"threat_score\":NaN"), "threat_score_not_finite");
        cases.put(withUser("\"u\"", ",\"threat_score\":Infinity"), "threat_score_not_finite");
        cases.put(withUser("\"u\"", ",\"threat_score\":-Infinity"), "threat_score_not_finite");
        cases.put(withUser("\"u\"", ",\"threat_score\":1e400"), "threat_score_not_finite");
        cases.put(withUser("\"u\"", ",\"threat_score\":-0.01"), "threat_score_out_of_range");
        cases.put(withUser("\"u\"", ",\"metadata\":{\"bytes_transferred\":-1}"), "negative_bytes");
        cases.put(withUser("\"u\"", "} trailing"), "not_json");
        cases.put("[".repeat(5_000) + "]".repeat(5_000), "not_json");
        cases.put(withUser("\"u\"", ",\"deep\":" + "[".repeat(5_000) + "]".repeat(5_000)), "not_json");

        KafkaRecords records = new KafkaRecords();
        cases.keySet().forEach(records::add);
        Dataset<Row> parsed = EventParser.parse(records.toDataset(SparkTestSession.get()), 1 << 20, LATEST);

        Map<String, String> actual = new LinkedHashMap<>();
        List<String> values = new ArrayList<>(cases.keySet());
        for (Row r : parsed.orderBy("offset").collectAsList()) {
            actual.put(values.get((int) r.getLong(r.fieldIndex("offset"))),
                    r.getString(r.fieldIndex(EventParser.REJECT_REASON)));
        }
        assertThat(actual).containsExactlyEntriesOf(cases);
        assertThat(EventParser.rejected(parsed).count()).isEqualTo(cases.size());
    }

    @Test
    void everyFeatureIsFiniteForEveryAcceptedRecordAndTheDetectorRuns() {
        String metadataNull = "\"metadata\":null";
        KafkaRecords records = new KafkaRecords()
                // Two byte counts whose sum overflows a long, for one user.
                .add(KafkaRecords.event("big", T, "network_connection", "1.1.1.1", "success", 0.5, "US",
                        Long.MAX_VALUE))
                .add(KafkaRecords.event("big", T + 1, "network_connection", "1.1.1.1", "success", 0.5, "US",
                        Long.MAX_VALUE))
                // Numeric-looking, empty-looking and control-character user names sent as JSON strings are users.
                .add(KafkaRecords.event("12345", T, "auth_attempt", "2.2.2.2", "failed", 0.0, "FR", 0))
                .add("{\"user\":\"evil\\n[INFO] BUILD SUCCESS\\u001b[2J\",\"timestamp\":" + T + "}")
                // The timestamp bounds themselves, and an event with nothing but user and timestamp.
                .add("{\"user\":\"edges\",\"timestamp\":1}")
                .add("{\"user\":\"edges\",\"timestamp\":" + LATEST + ",\"threat_score\":1," + metadataNull + "}")
                .add("{\"user\":\"bare\",\"timestamp\":" + T + "}")
                // Every optional field null, unknown types, an empty metadata object, the same instant twice.
                .add("{\"user\":\"nulls\",\"timestamp\":" + T + ",\"event_type\":null,\"status\":null,"
                        + "\"source_ip\":null,\"destination_ip\":null,\"threat_score\":null,\"metadata\":{},"
                        + "\"event_id\":null,\"extra\":[1,{\"x\":NaN}]}")
                .add("{\"user\":\"nulls\",\"timestamp\":" + T + ",\"event_type\":\"unheard_of\",\"status\":\"\"}")
                .add(KafkaRecords.event("plain", T, "dns_query", "3.3.3.3", "blocked", 0.3, "DE", 10))
                .add(KafkaRecords.event("plain", T + 86_400_000L * 3, "dns_query", "3.3.3.3", "success", 0.3, "DE",
                        20));
        Dataset<Row> parsed = EventParser.parse(records.toDataset(SparkTestSession.get()), 1 << 20, LATEST);
        assertThat(EventParser.rejected(parsed).count()).isZero();

        Dataset<Row> features = Features.of(parsed, 2);
        List<Row> rows = features.collectAsList();
        assertThat(rows).extracting(r -> r.getString(0)).containsExactlyInAnyOrder(
                "big", "12345", "evil\n[INFO] BUILD SUCCESS\u001b[2J", "edges", "bare", "nulls", "plain");
        for (Row r : rows) {
            for (String column : UserFeatures.FEATURE_COLUMNS) {
                int i = r.fieldIndex(column);
                assertThat(r.isNullAt(i)).as("%s of user %s is null", column, r.getString(0)).isFalse();
                assertThat(Double.isFinite(r.getDouble(i)))
                        .as("%s of user %s is %s", column, r.getString(0), r.get(i)).isTrue();
            }
        }
        Row big = rows.stream().filter(r -> r.getString(0).equals("big")).findFirst().orElseThrow();
        assertThat(big.getDouble(big.fieldIndex("log_total_bytes"))).isEqualTo(Math.log1p(2.0 * Long.MAX_VALUE));

        IsolationForestDetector.Result result = IsolationForestDetector.fitAndScore(features,
                UserFeatures.FEATURE_COLUMNS, new IsolationForestDetector.Params(10, 256, 0.1, 42), rows.size());
        assertThat(result.scored().count()).isEqualTo(rows.size());
    }

    @Test
    void theReportSchemaListsExactlyTheParsersReasons() throws Exception {
        try (InputStream in = ReportJson.class.getResourceAsStream(ReportJson.SCHEMA_RESOURCE)) {
            JsonNode reasons = new ObjectMapper().readTree(in)
                    .at("/properties/malformed_by_reason/propertyNames/enum");
            List<String> names = new ArrayList<>();
            reasons.forEach(n -> names.add(n.asText()));
            assertThat(names).containsExactlyElementsOf(EventParser.REASONS);
        }
    }
}
