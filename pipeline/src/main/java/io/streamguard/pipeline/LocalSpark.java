package io.streamguard.pipeline;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The settings every local-mode Spark session of StreamGuard shares (the job, the evaluation, the benchmarks, the
 * tests): no web UI or console progress bars, a driver on loopback, UTC, and adaptive query execution off (measured
 * on the job, issue 15). One place, so they cannot drift.
 *
 * <p><b>Adaptive query execution off.</b> What it adapts is joins (none here) and the number of shuffle partitions,
 * which the job sizes itself and must not change between runs (the forest's sample depends on it). What it costs is
 * a Spark job per shuffle stage and per cache build, each planned separately: 10 jobs instead of 5 in a 1,000-event
 * run, and about 7 % of the run's time at 1,000 and 1,000,000 events alike.
 */
public final class LocalSpark {

    /** Applied unless the user set the same key. */
    static final Map<String, String> DEFAULTS = Map.of(
            "spark.ui.enabled", "false",
            "spark.ui.showConsoleProgress", "false",
            "spark.driver.host", "127.0.0.1",
            "spark.driver.bindAddress", "127.0.0.1",
            "spark.sql.session.timeZone", "UTC",
            "spark.sql.adaptive.enabled", "false");

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
