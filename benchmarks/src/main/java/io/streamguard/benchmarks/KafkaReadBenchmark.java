package io.streamguard.benchmarks;


import io.streamguard.pipeline.plan.KafkaTopicInspector;
import io.streamguard.pipeline.plan.OffsetPlan;
import io.streamguard.pipeline.plan.OffsetPlanner;
import io.streamguard.pipeline.plan.OffsetRange;
import io.streamguard.pipeline.plan.Take;
import io.streamguard.pipeline.source.EventParser;
import io.streamguard.pipeline.source.KafkaRangeReader;
import io.streamguard.pipeline.source.KafkaSliceSource;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Reading {@code maxEvents} events from a topic of {@code topicSize} events, three ways: the predecessor's first
 * version (read and parse the whole topic, then limit), our offset-bounded read (plan + Spark with concrete
 * offsets), and a plain consumer reading the same planned ranges (the floor). Each invocation is one complete
 * read of seconds, so single-shot time; the Spark session is created once per trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class KafkaReadBenchmark {

    @Param({"10000", "1000000"})
    public int topicSize;

    @Param({"1000"})
    public int maxEvents;

    private SparkSession spark;
    private String bootstrap;
    private String topic;

    @Setup(Level.Trial)
    public void startSpark() {
        spark = BenchSpark.start();
        bootstrap = BenchSpark.bootstrap();
        topic = BenchSpark.topic(topicSize);
    }

    @TearDown(Level.Trial)
    public void stopSpark() {
        spark.stop();
    }

    /** The predecessor's {@code read_batch}: the whole topic, earliest to latest, parsed, then {@code limit(n)}. */
    @Benchmark
    public long fullTopicReadThenLimit() {
        Dataset<Row> records = spark.read().format("kafka")
                .option("kafka.bootstrap.servers", bootstrap)
                .option("subscribe", topic)
                .option("startingOffsets", "earliest")
                .option("endingOffsets", "latest")
                .load();
        // It counted what it read before limiting; the count forces the whole topic through the parser.
        Dataset<Row> parsed = EventParser.events(EventParser.parse(records, Integer.MAX_VALUE)).cache();
        long all = parsed.count();
        long kept = parsed.limit(maxEvents).collectAsList().size();
        parsed.unpersist();
        ReadCheck.expect("fullTopicReadThenLimit read", topicSize, all, topic);
        ReadCheck.expect("fullTopicReadThenLimit kept", maxEvents, kept, topic);
        return all + kept;
    }

    @Benchmark
    public long boundedReadOldest() {
        return boundedRead(Take.OLDEST);
    }

    @Benchmark
    public long boundedReadNewest() {
        return boundedRead(Take.NEWEST);
    }

    /** The floor: kafka-clients reading the planned ranges, no Spark, no parsing. */
    @Benchmark
    public long consumerBoundedReadNewest() {
        OffsetPlan plan = plan(Take.NEWEST);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // The job's fetch settings, for its longest range: the floor fetches as the job's read does.
        long longest = plan.ranges().stream().mapToLong(OffsetRange::size).max().orElse(0);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, KafkaRangeReader.partitionFetchBytes(longest));
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, KafkaRangeReader.maxPollRecords(longest));
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, KafkaRangeReader.BOUNDED_FETCH_MAX_WAIT_MS);
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            Map<TopicPartition, Long> until = new HashMap<>();
            for (OffsetRange r : plan.ranges()) {
                if (r.size() > 0) {
                    until.put(new TopicPartition(r.topic(), r.partition()), r.until());
                }
            }
            consumer.assign(until.keySet());
            for (OffsetRange r : plan.ranges()) {
                if (r.size() > 0) {
                    consumer.seek(new TopicPartition(r.topic(), r.partition()), r.from());
                }
            }
            while (!until.isEmpty()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofSeconds(5));
                for (var record : records) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    Long end = until.get(tp);
                    if (end != null && record.offset() < end) {
                        read++;
                    }
                }
                until.keySet().removeIf(tp -> consumer.position(tp) >= until.get(tp));
                consumer.assign(until.keySet());
            }
        }
        return ReadCheck.expect("consumerBoundedReadNewest", maxEvents, read, topic);
    }

    private static final int REJECT_REASON = EventParser.SCHEMA.fieldIndex(EventParser.REJECT_REASON);

    private long boundedRead(Take take) {
        OffsetPlan plan = plan(take);
        // Read and parsed as the job reads, counted by an RDD action: the job runs no SQL query over its records.
        long read = KafkaSliceSource.records(spark, bootstrap, plan, Map.of(), 30_000,
                        new EventParser(Integer.MAX_VALUE, EventParser.latestTimestampMs(System.currentTimeMillis())))
                .filter(r -> r.isNullAt(REJECT_REASON))
                .count();
        return ReadCheck.expect("bounded read (" + take + ")", maxEvents, read, topic);
    }

    private OffsetPlan plan(Take take) {
        try (KafkaTopicInspector inspector = new KafkaTopicInspector(bootstrap, Map.of(), Duration.ofSeconds(30))) {
            return OffsetPlanner.plan(topic, inspector.windows(topic, null, null), maxEvents, take);
        }
    }
}
