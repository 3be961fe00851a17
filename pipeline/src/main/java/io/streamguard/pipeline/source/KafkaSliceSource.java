package io.streamguard.pipeline.source;

import io.streamguard.pipeline.plan.OffsetPlan;
import io.streamguard.pipeline.plan.OffsetRange;
import java.nio.ByteBuffer;
import java.sql.Timestamp;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Reads exactly the planned ranges of a topic into Spark, and nothing else, parsing as it reads.
 */
public final class KafkaSliceSource {

    private KafkaSliceSource() {
    }

    /**
     * The planned slice, parsed: one Spark partition per planned range (empty ones too), in partition order, each
     * read by its task with a plain consumer ({@link KafkaRangeReader}) and parsed record by record as it arrives
     * ({@link EventParser}).
     *
     * <p>Not Spark's Kafka source: the plan already holds every offset, so that source's own offset lookups (an
     * admin client on the driver) and its query planning are overhead, and it parsed in a second pass of SQL
     * expressions over the records' bytes. Measured on this read of 1M events: 16.5 s with Spark's source and the
     * SQL parse, 9.4-10.5 s with this one.
     *
     * @return rows of {@link EventParser#SCHEMA}
     */
    public static JavaRDD<Row> records(SparkSession spark, String bootstrapServers, OffsetPlan plan,
                                       Map<String, String> kafkaProperties, long pollTimeoutMs, EventParser parser) {
        KafkaRangeReader reader = new KafkaRangeReader(bootstrapServers, kafkaProperties, pollTimeoutMs);
        List<OffsetRange> ranges = plan.ranges();
        // The RDD's data is the ranges' indices, the ranges travel in the tasks' closure: data goes through
        // spark.serializer, and Kryo (a common setting) cannot construct a record such as OffsetRange.
        List<Integer> indices = IntStream.range(0, ranges.size()).boxed().toList();
        return JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(indices, Math.max(1, ranges.size()))
                .mapPartitions(planned -> parsedRecords(planned, ranges, reader, parser));
    }

    /**
     * The records of a task's range ({@link #records} slices one per task; none when the plan has no range), parsed;
     * the consumer closes with the task.
     */
    private static Iterator<Row> parsedRecords(Iterator<Integer> planned, List<OffsetRange> ranges,
                                               KafkaRangeReader reader, EventParser parser) {
        if (!planned.hasNext()) {
            return Collections.emptyIterator();
        }
        KafkaRangeReader.Records records = reader.read(ranges.get(planned.next()));
        TaskContext task = TaskContext.get();
        if (task != null) { // a failed or killed task does not exhaust its iterator
            task.addTaskCompletionListener((TaskCompletionListener) done -> records.close());
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return records.hasNext();
            }

            @Override
            public Row next() {
                ConsumerRecord<ByteBuffer, ByteBuffer> r = records.next();
                return parser.parse(r.topic(), r.partition(), r.offset(), new Timestamp(r.timestamp()), r.value());
            }
        };
    }
}
