package io.streamguard.pipeline.source;

import io.streamguard.pipeline.plan.OffsetRange;
import io.streamguard.spec.Redaction;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;

/**
 * Reads exactly one planned offset range of one partition with a plain Kafka consumer: {@code assign}, {@code seek}
 * to the range's start, poll until the consumer's position reaches its end. No consumer group, no commits.
 *
 * <p>Offsets in the range that hold no record (compaction, transaction markers, aborted records under
 * {@code read_committed}) are skipped by the consumer; its position still moves past them, so the read ends.
 * Records deleted before they are read (retention, {@code deleteRecords}) fail the read: the consumer resets no
 * offset ({@code auto.offset.reset=none}), so a range that starts below the partition's log start is an error that
 * names the offsets, never a shorter read. A poll that brings neither records nor progress within the timeout
 * fails too: every planned offset existed when planned, so waiting means the broker is gone.
 *
 * <p>Serializable, so that Spark ships it to the tasks; each task opens its own consumer.
 */
public final class KafkaRangeReader implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Client properties the read sets itself, whatever the user's properties say: they decide what is read (the
     * offsets are planned, values are bytes) and that nothing is written back to Kafka.
     */
    public static final List<String> FIXED_PROPERTIES = List.of(
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG);

    /**
     * The smallest {@code max.partition.fetch.bytes} of a bounded read: the broker ships whole record batches up to
     * this many bytes per partition and fetch. A read of a few thousand events needs far less than the consumer's
     * 1 MiB default, and a smaller fetch stops it pulling megabytes past the end of its range.
     */
    public static final int MIN_PARTITION_FETCH_BYTES = 256 * 1024;

    /**
     * The largest {@code max.partition.fetch.bytes} of a bounded read, the consumer's own default. A long range is
     * read in as few fetches as this allows: each fetch costs the broker and the consumer a request, and on one
     * machine the broker's share competes with the read for the cores. Measured here, 1M events (4 ranges of about
     * 250,000) with the broker on the same 2 cores: at 256 KiB the broker spent 1.1-1.7 s of CPU and the read stage
     * took 5.0-6.2 s; at 1 MiB, 0.8 s and 5.0-5.1 s; at 4 MiB, 0.6-0.8 s and 4.3-5.8 s. Not 4 MiB: a whole fetch
     * must arrive within the Kafka timeout ({@code request.timeout.ms}), and over a slow or shared link 4 MiB in
     * 30 s needs about 140 KB/s per task.
     */
    public static final int MAX_PARTITION_FETCH_BYTES = 1024 * 1024;

    /**
     * Room per record when sizing a fetch: between an event of the format compressed with lz4 (about 105 bytes on
     * the wire) and one uncompressed (about 480).
     */
    static final int RECORD_BYTES = 256;

    /**
     * The {@code max.partition.fetch.bytes} of a read of {@code records} offsets: room for them at
     * {@link #RECORD_BYTES} each, within {@link #MIN_PARTITION_FETCH_BYTES} and {@link #MAX_PARTITION_FETCH_BYTES}.
     */
    public static int partitionFetchBytes(long records) {
        long wanted = Math.min(Math.max(records, 0), MAX_PARTITION_FETCH_BYTES / RECORD_BYTES) * RECORD_BYTES;
        return (int) Math.max(MIN_PARTITION_FETCH_BYTES, wanted);
    }

    /** The consumer's default {@code max.poll.records}. */
    static final int MIN_POLL_RECORDS = 500;

    /**
     * The most records one poll of a long range hands over. Every poll also costs the consumer its bookkeeping
     * (positions, metadata, the next fetch) and the read a position lookup: with 4 MiB fetches, 1M events, the read
     * stage took 4.3-4.4 s at 5,000 records per poll vs 4.2-5.6 s at 500 (3 interleaved pairs).
     */
    static final int MAX_POLL_RECORDS = 5000;

    /**
     * The {@code max.poll.records} of a read of {@code records} offsets: the range's size, within
     * {@link #MIN_POLL_RECORDS} and {@link #MAX_POLL_RECORDS}. Not more than the range: a poll that empties what the
     * consumer holds makes it fetch ahead, and past the range's end that fetch is wasted. A read of up to 500 records
     * polls as the consumer's default does.
     */
    public static int maxPollRecords(long records) {
        return (int) Math.max(MIN_POLL_RECORDS, Math.min(MAX_POLL_RECORDS, records));
    }

    /**
     * Every planned offset already exists, so a fetch never needs to wait for new records. At the end of a
     * partition (every {@code newest} read ends there) the consumer's read-ahead fetch would otherwise make the
     * broker hold the response for the default 500 ms: measured here, 250 records per task took 580 ms at the
     * default and 100 ms at 10 ms.
     */
    public static final int BOUNDED_FETCH_MAX_WAIT_MS = 10;

    /** The Kafka client property that says whether records of open and aborted transactions are read. */
    public static final String ISOLATION_LEVEL = "isolation.level";

    /**
     * Events of an aborted transaction never happened, and those of an open one may never happen: scoring them
     * would score events that no consumer of the topic's committed history ever sees. Kafka's consumer and Spark's
     * Kafka source default to {@code read_uncommitted} (the consumer's default since transactions were added, for
     * compatibility); we read committed records unless the Kafka properties set {@code isolation.level}. The
     * planner then ends {@code newest} reads at the last stable offset, not the high watermark.
     */
    public static final String DEFAULT_ISOLATION_LEVEL = "read_committed";

    /** The isolation level a read with these Kafka client properties uses. */
    public static String isolationLevel(Map<String, String> kafkaProperties) {
        return kafkaProperties.getOrDefault(ISOLATION_LEVEL, DEFAULT_ISOLATION_LEVEL).trim()
                .toLowerCase(java.util.Locale.ROOT);
    }

    private final String bootstrapServers;
    private final Map<String, String> kafkaProperties;
    private final long pollTimeoutMs;

    /**
     * @param kafkaProperties the user's client properties (security, tuning); they override the read's defaults
     *     except {@link #FIXED_PROPERTIES}
     * @param pollTimeoutMs how long a poll may bring nothing before the read fails
     */
    public KafkaRangeReader(String bootstrapServers, Map<String, String> kafkaProperties, long pollTimeoutMs) {
        this.bootstrapServers = bootstrapServers;
        this.kafkaProperties = Map.copyOf(kafkaProperties);
        this.pollTimeoutMs = pollTimeoutMs;
    }

    /** The consumer's settings for a bounded read of {@code records} offsets. */
    Properties consumerProperties(long records) {
        return consumerProperties(bootstrapServers, kafkaProperties, pollTimeoutMs, records);
    }

    private static Properties consumerProperties(String bootstrapServers, Map<String, String> kafkaProperties,
                                                 long pollTimeoutMs, long records) {
        Properties p = new Properties();
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(partitionFetchBytes(records)));
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Integer.toString(BOUNDED_FETCH_MAX_WAIT_MS));
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords(records)));
        // The consumer's own waits (positions, metadata) get the poll's bound instead of 60 s.
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(pollTimeoutMs));
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(pollTimeoutMs));
        // The plan ends at the last stable offset when reading committed records (KafkaTopicInspector).
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel(kafkaProperties));
        // The user's client properties come next and win (security settings, or their own fetch tuning).
        p.putAll(kafkaProperties);
        // The planner asked these brokers for the offsets (KafkaTopicInspector): the read must ask the same.
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // The record's own bytes, not a copy: the parser reads values in place and copies only rejected ones.
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class.getName());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }

    /**
     * What is wrong with these client properties for a bounded read, checked before anything starts: an isolation
     * level Kafka does not know, a property the read must own ({@link #FIXED_PROPERTIES}), other brokers than the run's (the plan would come from one
     * cluster and the records from another), a fetch wait as long as the poll timeout (a healthy broker would look
     * lost), or a value Kafka's consumer refuses.
     *
     * @return the message of a configuration error, or empty
     */
    public static Optional<String> problem(String bootstrapServers, Map<String, String> kafkaProperties,
                                           long pollTimeoutMs) {
        String isolation = kafkaProperties.get(ISOLATION_LEVEL);
        if (isolation != null && !List.of("read_committed", "read_uncommitted").contains(isolation.trim())) {
            return Optional.of("Kafka property " + ISOLATION_LEVEL + " must be read_committed or read_uncommitted; "
                    + "was '" + isolation + "'.");
        }
        for (String fixed : FIXED_PROPERTIES) {
            if (kafkaProperties.containsKey(fixed)) {
                return Optional.of("Kafka property " + fixed + " cannot be set: the read chooses its offsets by plan "
                        + "(--start-from, --max-events, --until), reads values as bytes and commits nothing. Remove "
                        + "it from the Kafka properties.");
            }
        }
        String brokers = kafkaProperties.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
        if (brokers != null && !brokers.trim().equals(bootstrapServers.trim())) {
            return Optional.of("Kafka property bootstrap.servers (" + brokers + ") differs from the run's brokers ("
                    + bootstrapServers + ", --bootstrap-servers / streamguard.bootstrapServers): the offsets are "
                    + "planned and read on one cluster. Remove bootstrap.servers from the Kafka properties, or set the "
                    + "run's brokers to it.");
        }
        Properties consumer = consumerProperties(bootstrapServers, kafkaProperties, pollTimeoutMs, 0);
        try {
            ConsumerConfig config = new ConsumerConfig(consumer);
            int fetchWaitMs = config.getInt(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG);
            if (fetchWaitMs >= pollTimeoutMs) {
                return Optional.of("Kafka property fetch.max.wait.ms (" + fetchWaitMs + ") must be below the Kafka "
                        + "timeout (" + pollTimeoutMs + " ms, --kafka-timeout-ms / streamguard.kafkaTimeoutMs): a "
                        + "healthy broker may hold a fetch that long, and a poll that brings nothing within the "
                        + "timeout fails the run as a lost broker.");
            }
        } catch (ConfigException e) {
            String message = String.valueOf(e.getMessage());
            for (Map.Entry<String, String> property : kafkaProperties.entrySet()) {
                if (Redaction.isSecret(property.getKey()) && !property.getValue().isEmpty()) {
                    message = message.replace(property.getValue(), Redaction.MASK);
                }
            }
            return Optional.of("Kafka properties: " + message + ". Fix the value in the Kafka properties.");
        }
        return Optional.empty();
    }

    /**
     * The records of {@code range}, in offset order, fetched as they are consumed. The consumer opens on the first
     * call to {@code hasNext} and closes when the range is exhausted or the iterator is closed.
     */
    public Records read(OffsetRange range) {
        return new Records(range);
    }

    /** The records of one range; close it if you stop before the end. */
    public final class Records implements Iterator<ConsumerRecord<ByteBuffer, ByteBuffer>>, AutoCloseable {

        private final TopicPartition partition;
        private final long rangeSize;
        private final long until;
        private long position;
        private KafkaConsumer<ByteBuffer, ByteBuffer> consumer;
        private Iterator<ConsumerRecord<ByteBuffer, ByteBuffer>> fetched = Collections.emptyIterator();
        private boolean closed;

        private Records(OffsetRange range) {
            this.partition = new TopicPartition(range.topic(), range.partition());
            this.rangeSize = range.size();
            this.until = range.until();
            this.position = range.from();
        }

        @Override
        public boolean hasNext() {
            while (!fetched.hasNext()) {
                if (position >= until || closed) {
                    close();
                    return false;
                }
                fetch();
            }
            return true;
        }

        @Override
        public ConsumerRecord<ByteBuffer, ByteBuffer> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return fetched.next();
        }

        private void fetch() {
            if (consumer == null) {
                consumer = new KafkaConsumer<>(consumerProperties(rangeSize));
                consumer.assign(List.of(partition));
                consumer.seek(partition, position);
            }
            List<ConsumerRecord<ByteBuffer, ByteBuffer>> records;
            long next;
            try {
                records = consumer.poll(Duration.ofMillis(pollTimeoutMs)).records(partition);
                next = consumer.position(partition);
            } catch (OffsetOutOfRangeException e) {
                throw new IllegalStateException(ReadFailures.DATA_LOST + ": offset " + position + " of " + partition
                        + " is no longer in Kafka (" + e.getMessage() + ").", e);
            }
            if (records.isEmpty() && next == position) {
                throw new IllegalStateException(ReadFailures.NO_RECORDS + " " + position + " of " + partition
                        + " within " + pollTimeoutMs + " ms.");
            }
            List<ConsumerRecord<ByteBuffer, ByteBuffer>> inRange = new ArrayList<>(records.size());
            for (ConsumerRecord<ByteBuffer, ByteBuffer> record : records) {
                if (record.offset() >= until) {
                    break;
                }
                inRange.add(record);
            }
            position = next;
            fetched = inRange.iterator();
        }

        @Override
        public void close() {
            closed = true;
            if (consumer != null) {
                consumer.close();
                consumer = null;
            }
        }
    }
}
