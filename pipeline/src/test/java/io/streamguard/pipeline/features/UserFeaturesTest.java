package io.streamguard.pipeline.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamguard.pipeline.SparkTestSession;
import io.streamguard.pipeline.source.EventParser;
import io.streamguard.pipeline.source.KafkaRecords;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UserFeaturesTest {

    private static final long T0 = Instant.parse("2026-01-05T02:00:00Z").toEpochMilli();
    private static Dataset<Row> features;
    private static Map<String, Row> byUser;

    @BeforeAll
    static void compute() {
        KafkaRecords records = new KafkaRecords()
                .add(KafkaRecords.event("alice", T0, "auth_attempt", "1.1.1.1", "failed", 0.8, "US", 100))
                .add(KafkaRecords.event("bob", Instant.parse("2026-01-05T12:00:00Z").toEpochMilli(),
                        "network_connection", "3.3.3.3", "blocked", 0.5, "FR", 5000))
                .add(KafkaRecords.event("alice", T0 + 5_000, "auth_attempt", "1.1.1.1", "failed", 0.6, "US", 100))
                .add(KafkaRecords.event("alice", T0 + 65_000, "auth_attempt", "2.2.2.2", "success", 0.1, "DE", 0))
                .add(KafkaRecords.event("alice", Instant.parse("2026-01-06T10:00:00Z").toEpochMilli(),
                        "file_access", "1.1.1.1", "success", 0.1, "US", 1000));
        features = Features.of(EventParser.parse(records.toDataset(SparkTestSession.get()), 1 << 20), 2);
        byUser = new HashMap<>();
        for (Row r : features.collectAsList()) {
            byUser.put(r.getString(0), r);
        }
    }

    private static double f(String user, String column) {
        Row r = byUser.get(user);
        return r.getDouble(r.fieldIndex(column));
    }

    @Test
    void oneRowPerUserWithEveryFeatureColumn() {
        assertThat(byUser).containsOnlyKeys("alice", "bob");
        assertThat(features.columns()).startsWith("user");
        assertThat(List.of(features.columns()).subList(1, features.columns().length))
                .containsExactlyElementsOf(UserFeatures.FEATURE_COLUMNS);
    }

    @Test
    void aliceMatchesValuesComputedByHand() {
        Map<String, Double> expected = new HashMap<>();
        expected.put("total_events", 4.0);
        expected.put("unique_source_ips", 2.0);
        expected.put("unique_destination_ips", 1.0);
        expected.put("unique_event_types", 2.0);
        expected.put("unique_locations", 2.0);
        expected.put("unique_processes", 1.0);
        expected.put("unique_domains", 1.0);
        expected.put("avg_threat_score", 0.4);
        expected.put("max_threat_score", 0.8);
        expected.put("failed_events", 2.0);
        expected.put("failed_auth_rate", 2.0 / 3);
        expected.put("blocked_rate", 0.0);
        expected.put("unusual_hour_rate", 0.75);     // 02:00, 02:00:05, 02:01:05 of 4 events
        expected.put("ip_diversity", 0.5);
        expected.put("activity_days", 2.0);
        expected.put("events_per_day", 2.0);
        expected.put("share_auth_attempt", 0.75);
        expected.put("share_network_connection", 0.0);
        expected.put("share_file_access", 0.25);
        expected.put("share_process_execution", 0.0);
        expected.put("share_dns_query", 0.0);
        expected.put("hour_entropy", 0.8112781244591328);  // hours {2,2,2,10}
        expected.put("top_ip_share", 0.75);
        expected.put("single_use_ip_rate", 0.25);
        expected.put("mean_interval_s", 38_400.0);          // intervals 5, 60, 115135 s
        expected.put("stddev_interval_s", 54_259.84350020433);
        expected.put("burst_rate", 1.0 / 3);
        expected.put("log_total_bytes", Math.log1p(1200));
        expected.put("log_max_bytes", Math.log1p(1000));
        expected.put("rare_process_rate", 0.0);   // every event runs bash: 5 of 5, common
        expected.put("rare_domain_rate", 0.0);
        assertThat(expected.keySet()).containsExactlyInAnyOrderElementsOf(UserFeatures.FEATURE_COLUMNS);
        expected.forEach((column, value) -> assertThat(f("alice", column)).as(column).isCloseTo(value, within(1e-9)));
    }

    @Test
    void aSingleEventUserHasZeroIntervalsAndNoAuthFailureRate() {
        assertThat(f("bob", "total_events")).isEqualTo(1.0);
        assertThat(f("bob", "failed_auth_rate")).isZero();
        assertThat(f("bob", "blocked_rate")).isEqualTo(1.0);
        assertThat(f("bob", "unusual_hour_rate")).isZero();
        assertThat(f("bob", "share_network_connection")).isEqualTo(1.0);
        assertThat(f("bob", "hour_entropy")).isZero();
        assertThat(f("bob", "single_use_ip_rate")).isEqualTo(1.0);
        assertThat(f("bob", "mean_interval_s")).isZero();
        assertThat(f("bob", "stddev_interval_s")).isZero();
        assertThat(f("bob", "burst_rate")).isZero();
        assertThat(f("bob", "log_total_bytes")).isCloseTo(Math.log1p(5000), within(1e-12));
    }

    @Test
    void processesAndDomainsSeenByFewEventsAreRare() {
        KafkaRecords records = new KafkaRecords();
        for (int i = 0; i < 4; i++) {
            records.add(KafkaRecords.event("carol", T0 + i * 60_000L, "process_execution", "1.1.1.1", "success", 0.1,
                    "US", 10));
        }
        // one event whose process and domain no other event has
        records.add(KafkaRecords.event("dave", T0, "process_execution", "2.2.2.2", "success", 0.1, "US", 10)
                .replace("\"bash\"", "\"mimikatz.exe\"").replace("example.com", "qzxkvbnwe.xyz"));
        Dataset<Row> parsed = EventParser.parse(records.toDataset(SparkTestSession.get()), 1 << 20);
        Map<String, Row> rows = new HashMap<>();
        for (Row r : Features.of(parsed, 1).collectAsList()) {
            rows.put(r.getString(0), r);
        }
        assertThat(rows.get("dave").getDouble(rows.get("dave").fieldIndex("rare_process_rate"))).isEqualTo(1.0);
        assertThat(rows.get("dave").getDouble(rows.get("dave").fieldIndex("rare_domain_rate"))).isEqualTo(1.0);
        assertThat(rows.get("carol").getDouble(rows.get("carol").fieldIndex("rare_process_rate"))).isZero();
    }

    @Test
    void theSameEventsGiveTheSameFeaturesToTheLastBitHoweverTheyArePartitionedAndOrdered() {
        // Random threat scores and times: summed in a different order, plain double sums differ in the last bits.
        KafkaRecords records = new KafkaRecords();
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < 3_000; i++) {
            records.add(KafkaRecords.event("user-" + random.nextInt(20), T0 + random.nextInt(86_400_000),
                    "auth_attempt", "10.0.0." + random.nextInt(5), "failed", random.nextDouble(), "US",
                    random.nextInt(1_000_000)));
        }
        Dataset<Row> parsed = EventParser.parse(records.toDataset(SparkTestSession.get()), 1 << 20);
        List<Row> inOrder = Features.of(parsed.coalesce(1), 3).collectAsList();
        List<Row> reversed = Features.of(parsed.coalesce(1).orderBy(
                org.apache.spark.sql.functions.col("timestamp").desc()), 3).collectAsList();
        List<Row> spread = Features.of(parsed.repartition(7), 3).collectAsList();
        // Each task hands its state to the shuffle after every record: the shuffle merges 3,000 states.
        List<Row> handedOnEveryRecord = Features.of(parsed.repartition(7), 3, 0).collectAsList();
        assertThat(inOrder).hasSize(20);
        assertThat(reversed).isEqualTo(inOrder);
        assertThat(spread).isEqualTo(inOrder);
        assertThat(handedOnEveryRecord).isEqualTo(inOrder);
    }

    @Test
    void usersArePartitionedAndOrderedAsSparkSqlWouldHashAndSortThem() {
        // Names that stress the hash and the order: non-ASCII (UTF-8 order is not UTF-16 order), empty-ish, long.
        java.util.Set<String> users = new java.util.LinkedHashSet<>();
        java.util.Random random = new java.util.Random(7);
        while (users.size() < 500) {
            StringBuilder name = new StringBuilder("u");
            int length = random.nextInt(40);
            for (int j = 0; j < length; j++) {
                name.appendCodePoint(random.nextBoolean() ? 'a' + random.nextInt(26)
                        : random.nextBoolean() ? 0xE9 + random.nextInt(200) : 0x1F600 + random.nextInt(50));
            }
            users.add(name.toString());
        }
        KafkaRecords records = new KafkaRecords();
        for (String user : users) {
            records.add(KafkaRecords.event(user, T0, "auth_attempt", "1.1.1.1", "failed", 0.5,
                    "US", 1));
        }
        Dataset<Row> events = EventParser.events(EventParser.parse(records.toDataset(SparkTestSession.get()), 1 << 20));
        assertThat(events.count()).isEqualTo(users.size());
        List<List<String>> ours = partitionsOfUsers(
                Features.of(EventParser.parse(records.toDataset(SparkTestSession.get()), 1 << 20), 7));
        List<List<String>> sparkSql = partitionsOfUsers(events.select("user")
                .repartition(7, org.apache.spark.sql.functions.col("user")).sortWithinPartitions("user"));
        assertThat(ours).hasSize(7).isEqualTo(sparkSql);
    }

    private static List<List<String>> partitionsOfUsers(Dataset<Row> rows) {
        return rows.select("user").javaRDD().glom().collect().stream()
                .map(p -> p.stream().map(r -> r.getString(0)).toList()).toList();
    }
}
