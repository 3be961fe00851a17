package io.streamguard.pipeline.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

/** The consumer settings of a bounded read; reading itself is tested against a broker ({@code KafkaRangeReaderIT}). */
class KafkaRangeReaderTest {

    private static final String FETCH_BYTES = ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG;

    @Test
    void aFetchHoldsTheRangeBetweenTheSmallestAndTheLargestFetch() {
        assertThat(KafkaRangeReader.partitionFetchBytes(0)).isEqualTo(256 * 1024);
        assertThat(KafkaRangeReader.partitionFetchBytes(250)).isEqualTo(256 * 1024); // 1,000 events over 4 partitions
        assertThat(KafkaRangeReader.partitionFetchBytes(1024)).isEqualTo(256 * 1024);
        assertThat(KafkaRangeReader.partitionFetchBytes(1025)).isEqualTo(1025 * 256);
        assertThat(KafkaRangeReader.partitionFetchBytes(10_000)).isEqualTo(10_000 * 256);
        assertThat(KafkaRangeReader.partitionFetchBytes(16_384)).isEqualTo(4 * 1024 * 1024);
        assertThat(KafkaRangeReader.partitionFetchBytes(250_000)).isEqualTo(4 * 1024 * 1024);
        // No overflow for the longest range a partition can hold.
        assertThat(KafkaRangeReader.partitionFetchBytes(Long.MAX_VALUE)).isEqualTo(4 * 1024 * 1024);
        assertThat(KafkaRangeReader.partitionFetchBytes(-1)).isEqualTo(256 * 1024);
    }

    @Test
    void eachReadFetchesForItsOwnRangeUnlessTheUserChose() {
        KafkaRangeReader defaults = new KafkaRangeReader("localhost:9092", Map.of(), 30_000);
        assertThat(defaults.consumerProperties(250).getProperty(FETCH_BYTES)).isEqualTo("262144");
        assertThat(defaults.consumerProperties(250_000).getProperty(FETCH_BYTES)).isEqualTo("4194304");
        assertThat(defaults.consumerProperties(250_000).getProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG))
                .isEqualTo("5000");

        KafkaRangeReader chosen = new KafkaRangeReader("localhost:9092", Map.of(FETCH_BYTES, "65536"), 30_000);
        assertThat(chosen.consumerProperties(250_000).getProperty(FETCH_BYTES)).isEqualTo("65536");
        assertThat(KafkaRangeReader.problem("localhost:9092", Map.of(FETCH_BYTES, "65536"), 30_000)).isEmpty();
        assertThat(KafkaRangeReader.problem("localhost:9092", Map.of(FETCH_BYTES, "lots"), 30_000))
                .hasValueSatisfying(m -> assertThat(m).contains(FETCH_BYTES).contains("lots"));
    }
}
