package io.streamguard.pipeline.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

/** The consumer settings of a bounded read; reading itself is tested against a broker ({@code KafkaRangeReaderIT}). */
class KafkaRangeReaderTest {

    private static final String FETCH_BYTES = ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG;
    private static final String POLL_RECORDS = ConsumerConfig.MAX_POLL_RECORDS_CONFIG;

    @Test
    void aFetchHoldsTheRangeBetweenTheSmallestAndTheLargestFetch() {
        assertThat(KafkaRangeReader.partitionFetchBytes(0)).isEqualTo(256 * 1024);
        assertThat(KafkaRangeReader.partitionFetchBytes(250)).isEqualTo(256 * 1024); // 1,000 events over 4 partitions
        assertThat(KafkaRangeReader.partitionFetchBytes(1024)).isEqualTo(256 * 1024);
        assertThat(KafkaRangeReader.partitionFetchBytes(1025)).isEqualTo(1025 * 256);
        assertThat(KafkaRangeReader.partitionFetchBytes(4095)).isEqualTo(4095 * 256);
        assertThat(KafkaRangeReader.partitionFetchBytes(4096)).isEqualTo(1024 * 1024);
        assertThat(KafkaRangeReader.partitionFetchBytes(250_000)).isEqualTo(1024 * 1024);
        // No overflow for the longest range a partition can hold.
        assertThat(KafkaRangeReader.partitionFetchBytes(Long.MAX_VALUE)).isEqualTo(1024 * 1024);
        assertThat(KafkaRangeReader.partitionFetchBytes(-1)).isEqualTo(256 * 1024);
    }

    @Test
    void aPollHandsOverNoMoreThanTheRangeUnlessItIsShorterThanTheConsumersDefault() {
        assertThat(KafkaRangeReader.maxPollRecords(0)).isEqualTo(500);
        assertThat(KafkaRangeReader.maxPollRecords(250)).isEqualTo(500);
        assertThat(KafkaRangeReader.maxPollRecords(501)).isEqualTo(501);
        assertThat(KafkaRangeReader.maxPollRecords(4_999)).isEqualTo(4_999);
        assertThat(KafkaRangeReader.maxPollRecords(250_000)).isEqualTo(5_000);
        assertThat(KafkaRangeReader.maxPollRecords(Long.MAX_VALUE)).isEqualTo(5_000);
        assertThat(KafkaRangeReader.maxPollRecords(-1)).isEqualTo(500);
    }

    @Test
    void eachReadFetchesForItsOwnRangeUnlessTheUserChose() {
        KafkaRangeReader defaults = new KafkaRangeReader("localhost:9092", Map.of(), 30_000);
        Properties small = defaults.consumerProperties(250);
        assertThat(small.getProperty(FETCH_BYTES)).isEqualTo("262144");
        assertThat(small.getProperty(POLL_RECORDS)).isEqualTo("500");
        Properties large = defaults.consumerProperties(250_000);
        assertThat(large.getProperty(FETCH_BYTES)).isEqualTo("1048576");
        assertThat(large.getProperty(POLL_RECORDS)).isEqualTo("5000");

        KafkaRangeReader chosen = new KafkaRangeReader("localhost:9092",
                Map.of(FETCH_BYTES, "65536", POLL_RECORDS, "100"), 30_000);
        assertThat(chosen.consumerProperties(250_000).getProperty(FETCH_BYTES)).isEqualTo("65536");
        assertThat(chosen.consumerProperties(250_000).getProperty(POLL_RECORDS)).isEqualTo("100");
        assertThat(KafkaRangeReader.problem("localhost:9092", Map.of(FETCH_BYTES, "65536"), 30_000)).isEmpty();
        assertThat(KafkaRangeReader.problem("localhost:9092", Map.of(FETCH_BYTES, "lots"), 30_000))
                .hasValueSatisfying(m -> assertThat(m).contains(FETCH_BYTES).contains("lots"));
    }
}
