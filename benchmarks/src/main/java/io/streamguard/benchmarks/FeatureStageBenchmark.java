package io.streamguard.benchmarks;

import io.streamguard.pipeline.features.SliceAggregation;
import io.streamguard.pipeline.source.EventParser;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
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

/** Parse once + per-user features, as the job folds them, on in-memory Kafka-shaped rows: no broker involved. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FeatureStageBenchmark {

    @Param({"10000", "100000"})
    public int events;

    private SparkSession spark;
    private Dataset<Row> records;
    private long users;

    @Setup(Level.Trial)
    public void data() {
        spark = BenchSpark.start();
        StructType schema = new StructType().add("topic", DataTypes.StringType).add("partition", DataTypes.IntegerType)
                .add("offset", DataTypes.LongType).add("timestamp", DataTypes.TimestampType)
                .add("value", DataTypes.BinaryType);
        Random random = new Random(5);
        String[] types = {"auth_attempt", "network_connection", "file_access", "process_execution", "dns_query"};
        List<Row> rows = new ArrayList<>(events);
        java.util.Set<String> distinctUsers = new java.util.HashSet<>();
        long t = 1_767_000_000_000L;
        for (int i = 0; i < events; i++) {
            t += random.nextInt(2_000);
            String json = String.format(Locale.ROOT, "{\"event_id\":\"e%d\",\"timestamp\":%d,\"event_type\":\"%s\","
                    + "\"user\":\"user-%s\",\"source_ip\":\"10.0.%d.%d\",\"destination_ip\":\"10.1.0.1\","
                    + "\"status\":\"%s\",\"threat_score\":%.3f,\"metadata\":{\"geo_location\":\"US\","
                    + "\"bytes_transferred\":%d,\"process_name\":\"bash\",\"domain\":\"example.com\"}}",
                    i, t, types[random.nextInt(types.length)], user(random, distinctUsers), random.nextInt(4),
                    random.nextInt(20), random.nextInt(20) == 0 ? "failed" : "success", random.nextDouble() * 0.3,
                    random.nextInt(100_000));
            rows.add(RowFactory.create("bench", i % 4, (long) i, new Timestamp(t), json.getBytes(StandardCharsets.UTF_8)));
        }
        users = distinctUsers.size();
        records = spark.createDataFrame(rows, schema).repartition(4).cache();
        records.count();
    }

    @TearDown(Level.Trial)
    public void stop() {
        spark.stop();
    }

    private static String user(Random random, java.util.Set<String> seen) {
        String user = Integer.toString(random.nextInt(500));
        seen.add(user);
        return user;
    }

    /** One feature row per user, checked: a stage that lost users would otherwise just look faster. */
    @Benchmark
    public long parseAndFeatures() {
        SliceAggregation slice = SliceAggregation.of(EventParser.parse(records, 512 * 1024).javaRDD(), 1);
        long rows = slice.features(slice.counts().valid()).count();
        return ReadCheck.expect("parseAndFeatures users", users, rows, "(in-memory records)");
    }
}
