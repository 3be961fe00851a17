package io.streamguard.pipeline;

import org.apache.spark.sql.SparkSession;

/**
 * One local Spark session per test JVM: each new session costs seconds, so every test class shares this one.
 * Configured like the job's local mode.
 */
public final class SparkTestSession {

    private static SparkSession session;

    private SparkTestSession() {
    }

    public static synchronized SparkSession get() {
        if (session == null) {
            session = LocalSpark.builder("streamguard-tests", "local[2]",
                    java.util.Map.of("spark.sql.shuffle.partitions", "2")).getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
        }
        return session;
    }
}
