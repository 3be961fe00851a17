package io.streamguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamguard.plugin.embedded.SyntheticEvents;
import io.streamguard.report.AnomalyReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Records written by other teams' producers: no keys, headers, every codec, compaction, transactions. */
@ExtendWith(KafkaBrokerExtension.class)
class ForeignProducersIT {

    @TempDir
    Path temp;

    @Test
    void nullKeysHeadersAndEveryCompressionCodecAreRead(TestBroker broker) {
        String topic = "codecs";
        List<String> codecs = List.of("none", "gzip", "snappy", "lz4", "zstd");
        broker.createTopic(topic, codecs.size(), Map.of());
        List<SyntheticEvents.Event> events = Events.sorted(5_000, 3);
        for (int p = 0; p < codecs.size(); p++) {
            int partition = p;
            Events.produce(broker.bootstrapServers(), Map.of("compression.type", codecs.get(p), "linger.ms", 5),
                    producer -> {
                        for (int i = partition; i < events.size(); i += codecs.size()) {
                            SyntheticEvents.Event e = events.get(i);
                            producer.send(new ProducerRecord<>(topic, partition, e.timestamp(), null,
                                    e.json().getBytes(StandardCharsets.UTF_8),
                                    List.of(new RecordHeader("trace-id", ("t-" + i).getBytes(StandardCharsets.UTF_8)),
                                            new RecordHeader("schema", "v1".getBytes(StandardCharsets.UTF_8)))));
                        }
                    });
        }
        AnomalyReport r = Jobs.run(broker.bootstrapServers(), topic, temp.resolve("out"),
                Jobs.Options.defaults().maxEvents(-1).startFrom("oldest")).report();
        assertThat(r.eventsRead()).isEqualTo(5_000);
        assertThat(r.malformedEvents()).isZero();
        assertThat(r.offsetRanges()).hasSize(5).allSatisfy(o -> assertThat(o.until() - o.from()).isEqualTo(1_000));
    }

    @Test
    void abortedTransactionsAreSkippedWhenReadCommittedIsAsked(TestBroker broker) {
        String topic = "transactional";
        broker.createTopic(topic, 1, Map.of());
        List<SyntheticEvents.Event> events = Events.sorted(3_000, 9);
        Events.produce(broker.bootstrapServers(), Map.of("transactional.id", "streamguard-it-tx",
                "enable.idempotence", true), p -> {
                    p.initTransactions();
                    p.beginTransaction();
                    events.subList(0, 1_000).forEach(e -> p.send(Events.record(topic, 0, e)));
                    p.commitTransaction();
                    p.beginTransaction();
                    events.subList(1_000, 1_500).forEach(e -> p.send(Events.record(topic, 0, e)));
                    p.flush();
                    p.abortTransaction();
                    p.beginTransaction();
                    events.subList(1_500, 3_000).forEach(e -> p.send(Events.record(topic, 0, e)));
                    p.commitTransaction();
                });
        // 3,000 records and three transaction markers: offsets are not records.
        AnomalyReport committed = Jobs.run(broker.bootstrapServers(), topic, temp.resolve("committed"),
                Jobs.Options.defaults().maxEvents(-1).startFrom("oldest")
                        .kafka(Map.of("isolation.level", "read_committed"))).report();
        assertThat(committed.eventsPlanned()).isEqualTo(3_003);
        assertThat(committed.eventsRead()).isEqualTo(2_500);

        assertThat(committed.run().isolationLevel()).isEqualTo("read_committed");

        // Committed records are the default: events of an aborted transaction never happened.
        AnomalyReport byDefault = Jobs.run(broker.bootstrapServers(), topic, temp.resolve("default"),
                Jobs.Options.defaults().maxEvents(-1).startFrom("oldest")).report();
        assertThat(byDefault.eventsRead()).isEqualTo(2_500);
        assertThat(byDefault.run().isolationLevel()).isEqualTo("read_committed");

        AnomalyReport uncommitted = Jobs.run(broker.bootstrapServers(), topic, temp.resolve("uncommitted"),
                Jobs.Options.defaults().maxEvents(-1).startFrom("oldest")
                        .kafka(Map.of("isolation.level", "read_uncommitted"))).report();
        assertThat(uncommitted.eventsRead()).isEqualTo(3_000);
        assertThat(uncommitted.run().isolationLevel()).isEqualTo("read_uncommitted");
    }

    /**
     * A live transactional producer keeps a transaction open at the end of the topic. A committed read receives
     * nothing at or past the transaction's first offset (the last stable offset) until it ends, so a {@code newest}
     * plan up to the high watermark waited for the poll timeout and then failed, blaming deleted records.
     */
    @Test
    void aTransactionLeftOpenAtTheEndOfTheTopicDoesNotStopANewestRead(TestBroker broker) {
        String topic = "open-transaction";
        broker.createTopic(topic, 1, Map.of());
        List<SyntheticEvents.Event> events = Events.sorted(1_600, 10);
        try (KafkaProducer<byte[], byte[]> open = Events.producer(broker.bootstrapServers(), Map.of(
                "transactional.id", "streamguard-it-open", "enable.idempotence", true,
                "transaction.timeout.ms", 600_000))) {
            open.initTransactions();
            open.beginTransaction();
            events.subList(0, 1_000).forEach(e -> open.send(Events.record(topic, 0, e)));
            open.commitTransaction();                                    // offsets 0..999, marker at 1000
            open.beginTransaction();
            events.subList(1_000, 1_200).forEach(e -> open.send(Events.record(topic, 0, e)));
            open.flush();                                                // offsets 1001..1200: never committed
            // Records of other producers behind the open transaction are held back from committed readers too.
            Events.produce(broker.bootstrapServers(), Map.of(),
                    p -> events.subList(1_200, 1_600).forEach(e -> p.send(Events.record(topic, 0, e))));

            AnomalyReport r = Jobs.run(broker.bootstrapServers(), topic, temp.resolve("out"),
                    Jobs.Options.defaults().maxEvents(500).startFrom("newest")).report();
            assertThat(r.run().isolationLevel()).isEqualTo("read_committed");
            assertThat(r.eventsAvailable()).isEqualTo(1_001);                // up to the last stable offset
            assertThat(r.offsetRanges()).singleElement().satisfies(o -> {
                assertThat(o.from()).isEqualTo(501);
                assertThat(o.until()).isEqualTo(1_001);
            });
            assertThat(r.eventsRead()).isEqualTo(499);                  // 500 offsets, one of them the marker
            assertThat(r.malformedEvents()).isZero();
            open.abortTransaction();
        }
    }

    @Test
    void aCompactedTopicIsReadByOffsetsAndCountsTheRecordsThatRemain(TestBroker broker) throws Exception {
        String topic = "compacted";
        broker.createTopic(topic, 1, Map.of("cleanup.policy", "compact", "segment.ms", "100",
                "min.cleanable.dirty.ratio", "0.01", "delete.retention.ms", "100", "segment.bytes", "1048576"));
        List<SyntheticEvents.Event> events = Events.sorted(6_000, 4);
        // Keys repeat: later events of a key supersede earlier ones once the cleaner runs.
        Events.produce(broker.bootstrapServers(), Map.of(), p -> {
            for (int i = 0; i < events.size(); i++) {
                SyntheticEvents.Event e = events.get(i);
                p.send(new ProducerRecord<>(topic, 0, e.timestamp(), ("k" + (i % 500)).getBytes(StandardCharsets.UTF_8),
                        e.json().getBytes(StandardCharsets.UTF_8)));
            }
        });
        long remaining = waitForCompaction(broker.bootstrapServers(), topic, 6_000);
        AnomalyReport r = Jobs.run(broker.bootstrapServers(), topic, temp.resolve("out"),
                Jobs.Options.defaults().maxEvents(-1).startFrom("oldest")).report();
        // Whatever the cleaner removed, the job reads exactly what a plain consumer sees in the same range.
        assertThat(r.eventsRead()).isEqualTo(countRecords(broker.bootstrapServers(), topic,
                r.offsetRanges().get(0).from(), r.offsetRanges().get(0).until()));
        assertThat(r.eventsPlanned()).isEqualTo(r.offsetRanges().get(0).until() - r.offsetRanges().get(0).from());
        System.err.println("[it] compacted topic: 6000 offsets, " + remaining + " records after cleaning, "
                + r.eventsRead() + " read");
    }

    /**
     * Waits (up to 30 s) for the log cleaner to drop superseded records, then stops it cleaning the topic again and
     * waits for the records left to hold still; returns how many are left. The cleaner runs in passes: a pass after
     * the job's read and before the test's count made them differ (the job read 816 records, the count found 515).
     */
    private static long waitForCompaction(String bootstrap, String topic, long produced) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long count = produced;
        while (count == produced && System.nanoTime() < deadline) {
            Thread.sleep(500);
            count = countRecords(bootstrap, topic, 0, latest(bootstrap, topic));
        }
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            // Cleaned only when all of it is dirty: never again, once a pass has cleaned some of it.
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic),
                    List.of(new AlterConfigOp(new ConfigEntry("min.cleanable.dirty.ratio", "1.0"),
                            AlterConfigOp.OpType.SET)))).all().get(10, TimeUnit.SECONDS);
        }
        long previous = -1;
        deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (count != previous && System.nanoTime() < deadline) { // a pass that had started may still be running
            Thread.sleep(1_000);
            previous = count;
            count = countRecords(bootstrap, topic, 0, latest(bootstrap, topic));
        }
        assertThat(count).as("records left after compaction, holding still").isLessThan(produced).isEqualTo(previous);
        return count;
    }

    private static long latest(String bootstrap, String topic) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get(10, TimeUnit.SECONDS).get(tp).offset();
        }
    }

    private static long countRecords(String bootstrap, String topic, long from, long until) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        long count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seek(tp, from);
            while (consumer.position(tp) < until) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (var record : records) {
                    if (record.offset() < until) {
                        count++;
                    }
                }
            }
        }
        return count;
    }
}
