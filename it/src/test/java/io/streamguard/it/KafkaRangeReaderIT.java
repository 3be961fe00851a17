package io.streamguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamguard.pipeline.plan.OffsetRange;
import io.streamguard.pipeline.source.KafkaRangeReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The read's own consumer against a real broker: exactly the offsets of a range, in order, whatever the batches the
 * broker ships around them; and records deleted before they are read are an error, never a shorter read.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaRangeReaderIT {

    static final String TOPIC = "ranges";
    static final int RECORDS = 3_000;

    @BeforeAll
    static void produce(TestBroker broker) {
        broker.createTopic(TOPIC, 2, Map.of());
        // Large batches, so every range below starts and ends inside a batch the broker ships whole.
        Events.produce(broker.bootstrapServers(), Map.of("linger.ms", 50, "batch.size", 1_048_576), p -> {
            for (int i = 0; i < RECORDS; i++) {
                p.send(Events.raw(TOPIC, 0, null, ("r" + i).getBytes(StandardCharsets.UTF_8)));
            }
        });
    }

    private static List<ConsumerRecord<ByteBuffer, ByteBuffer>> read(TestBroker broker, OffsetRange range) {
        List<ConsumerRecord<ByteBuffer, ByteBuffer>> records = new ArrayList<>();
        try (KafkaRangeReader.Records it = new KafkaRangeReader(broker.bootstrapServers(), Map.of(), 10_000)
                .read(range)) {
            it.forEachRemaining(records::add);
        }
        return records;
    }

    @Test
    void readsExactlyTheRangeInOrder(TestBroker broker) {
        List<ConsumerRecord<ByteBuffer, ByteBuffer>> records = read(broker, new OffsetRange(TOPIC, 0, 1_234, 2_345));

        assertThat(records).hasSize(1_111);
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<ByteBuffer, ByteBuffer> r = records.get(i);
            assertThat(r.offset()).isEqualTo(1_234L + i);
            assertThat(StandardCharsets.UTF_8.decode(r.value()).toString()).isEqualTo("r" + (1_234 + i));
        }
    }

    /**
     * A long range of event-sized records, compressed as the seeder writes them: read in fetches of the largest size
     * ({@link KafkaRangeReader#partitionFetchBytes}) and polls of thousands of records, it is still exactly the range.
     */
    @Test
    void aLongRangeReadInLargeFetchesIsExactlyTheRange(TestBroker broker) {
        String topic = "ranges-long";
        broker.createTopic(topic, 1, Map.of());
        String padding = "x".repeat(470);
        Events.produce(broker.bootstrapServers(), Map.of("compression.type", "lz4", "linger.ms", 20), p -> {
            for (int i = 0; i < 12_000; i++) {
                p.send(Events.raw(topic, 0, null, ("e" + i + padding).getBytes(StandardCharsets.UTF_8)));
            }
        });
        assertThat(KafkaRangeReader.partitionFetchBytes(10_500)).isEqualTo(KafkaRangeReader.MAX_PARTITION_FETCH_BYTES);

        List<ConsumerRecord<ByteBuffer, ByteBuffer>> records = read(broker, new OffsetRange(topic, 0, 1_000, 11_500));

        assertThat(records).hasSize(10_500);
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<ByteBuffer, ByteBuffer> r = records.get(i);
            assertThat(r.offset()).isEqualTo(1_000L + i);
            assertThat(StandardCharsets.UTF_8.decode(r.value()).toString()).isEqualTo("e" + (1_000 + i) + padding);
        }
    }

    @Test
    void theLastRecordOfAPartitionAndAnEmptyRange(TestBroker broker) {
        assertThat(read(broker, new OffsetRange(TOPIC, 0, RECORDS - 1, RECORDS)))
                .extracting(ConsumerRecord::offset).containsExactly((long) RECORDS - 1);
        // An empty partition: nothing to fetch, so no poll waits for records that will never come.
        assertThat(read(broker, new OffsetRange(TOPIC, 1, 0, 0))).isEmpty();
    }

    @Test
    void recordsDeletedBeforeTheyAreReadFailTheRead(TestBroker broker) throws Exception {
        String topic = "ranges-deleted";
        broker.createTopic(topic, 1, Map.of());
        Events.produce(broker.bootstrapServers(), Map.of(), p -> {
            for (int i = 0; i < 100; i++) {
                p.send(Events.raw(topic, 0, null, ("d" + i).getBytes(StandardCharsets.UTF_8)));
            }
        });
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(60)))
                    .all().get(10, TimeUnit.SECONDS);
        }

        assertThatThrownBy(() -> read(broker, new OffsetRange(topic, 0, 10, 100)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Some data may have been lost: offset 10 of " + topic + "-0 is no longer in "
                        + "Kafka");
        assertThat(read(broker, new OffsetRange(topic, 0, 60, 100))).hasSize(40);
    }
}
