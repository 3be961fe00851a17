package io.streamguard.pipeline;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The settings every local-mode Spark session of StreamGuard shares (the job, the evaluation, the benchmarks, the
 * tests): no web UI or console progress bars, a driver on loopback, UTC. One place, so they cannot drift.
 */
public final class LocalSpark {

    /** Applied unless the user set the same key. */
    static final Map<String, String> DEFAULTS = Map.of(
            "spark.ui.enabled", "false",
            "spark.ui.showConsoleProgress", "false",
            "spark.driver.host", "127.0.0.1",
            "spark.driver.bindAddress", "127.0.0.1",
            "spark.sql.session.timeZone", "UTC");

    private LocalSpark() {
    }

    /** A builder for {@code master} with the local defaults, then {@code userConf} on top. */
    public static SparkSession.Builder builder(String appName, String master, Map<String, String> userConf) {
        SparkSession.Builder builder = SparkSession.builder().appName(appName).master(master);
        DEFAULTS.forEach((k, v) -> {
            if (!userConf.containsKey(k)) {
                builder.config(k, v);
            }
        });
        userConf.forEach(builder::config);
        return builder;
    }
}
