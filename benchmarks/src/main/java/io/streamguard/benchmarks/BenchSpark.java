package io.streamguard.benchmarks;

import io.streamguard.pipeline.LocalSpark;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** The Spark session of one benchmark trial, configured like the job's local mode. */
final class BenchSpark {

    /** System property naming the broker the read benchmarks use; the benchmark goal sets it. */
    static final String BOOTSTRAP = "streamguard.bench.bootstrap";

    private BenchSpark() {
    }

    static SparkSession start() {
        SparkSession spark = LocalSpark.builder("streamguard-benchmark",
                System.getProperty("streamguard.bench.master", "local[2]"),
                Map.of("spark.sql.shuffle.partitions", "4")).getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }

    static String bootstrap() {
        String servers = System.getProperty(BOOTSTRAP);
        if (servers == null || servers.isBlank()) {
            throw new IllegalStateException("-D" + BOOTSTRAP + "=host:port is required: the read benchmarks need a "
                    + "broker with topics bench-<topicSize> (mvn streamguard:benchmark prepares both)");
        }
        return servers;
    }

    /** The topic the benchmark goal seeds with {@code topicSize} events. */
    static String topic(int topicSize) {
        return "bench-" + topicSize;
    }
}
