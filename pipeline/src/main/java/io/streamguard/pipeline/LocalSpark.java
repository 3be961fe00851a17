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
 *
 * <p><b>Memory pages of {@value #PAGE_SIZE}.</b> Spark sizes the pages of its sorts and hash tables to the heap
 * (the execution memory over the cores, over 16): 64 MB with a heap of a few GB, and each task that sorts takes at
 * least one. The training data's write sorts its users by label (they are partitioned by it), so each of its tasks
 * allocated a 64 MB page for a few hundred rows: in a 1,000-event run two such pages were 128 MB of the run's
 * allocation, and 2 of its 6 young pauses (440 ms) copied them. With 1 MB pages (Spark's own size for small heaps)
 * those pauses are gone; {@code timings_ms} of interleaved runs, write stage: 1,000 events 1.20-1.55 s vs 1.43-1.77 s,
 * 100,000 events 1.15-1.19 s vs 1.53-1.73 s; 1M events, whose sort is as small, unchanged. A larger sort takes more
 * pages, as it would on a small heap. (Since then the driver writes the training data of up to 100,000 users itself,
 * {@code LocalPartitionedParquet}: the pages now matter to larger runs' write, the quarantine's sort and Spark's own
 * shuffle sorters; not measured again.)
 */
public final class LocalSpark {

    /** The size of Spark's memory pages ({@code spark.buffer.pageSize}). */
    static final String PAGE_SIZE = "1m";

    /** Applied unless the user set the same key. */
    static final Map<String, String> DEFAULTS = Map.of(
            "spark.buffer.pageSize", PAGE_SIZE,
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
