package io.streamguard.pipeline;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of long Spark stages in the job's log: every interval (5 s by default), one line for each stage that has
 * been running at least that long, with its name and tasks done of total. Short stages, which are most of a run,
 * print nothing. Spark's own console progress bar is off (it draws with carriage returns, which a build log cannot
 * show), and without this a long read or write looks like a hung build.
 */
public final class StageProgress extends SparkListener implements AutoCloseable {

    /** Spark setting of the interval in milliseconds; {@code 0} turns progress lines off. */
    public static final String INTERVAL_CONF = "spark.streamguard.progressIntervalMs";
    public static final long DEFAULT_INTERVAL_MS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(StageProgress.class);

    /** A stage attempt that has started and not ended. */
    private record Running(String name, int tasks, long startedNanos, AtomicInteger done) {
    }

    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final long intervalMs;
    private final Consumer<String> out;
    private final ScheduledExecutorService timer;

    /** Reports to {@code out} every {@code intervalMs} (positive). */
    StageProgress(long intervalMs, Consumer<String> out) {
        if (intervalMs <= 0) {
            throw new IllegalArgumentException("progress interval must be positive; was " + intervalMs);
        }
        this.intervalMs = intervalMs;
        this.out = out;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "streamguard-stage-progress");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(this::report, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** Registers progress reporting on {@code session} at its {@value #INTERVAL_CONF}; null when that is 0. */
    public static StageProgress attach(SparkSession session) {
        long interval = Long.parseLong(session.conf().get(INTERVAL_CONF, Long.toString(DEFAULT_INTERVAL_MS)).trim());
        if (interval <= 0) {
            return null;
        }
        StageProgress progress = new StageProgress(interval, LOG::info);
        session.sparkContext().addSparkListener(progress);
        return progress;
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted event) {
        StageInfo stage = event.stageInfo();
        running.put(key(stage.stageId(), stage.attemptNumber()),
                new Running(stage.name(), stage.numTasks(), System.nanoTime(), new AtomicInteger()));
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
        Running stage = running.get(key(event.stageId(), event.stageAttemptId()));
        if (stage != null && event.taskInfo().successful()) {
            stage.done().incrementAndGet();
        }
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted event) {
        running.remove(key(event.stageInfo().stageId(), event.stageInfo().attemptNumber()));
    }

    private void report() {
        long now = System.nanoTime();
        running.forEach((key, stage) -> {
            long ms = TimeUnit.NANOSECONDS.toMillis(now - stage.startedNanos());
            if (ms >= intervalMs) {
                out.accept(line(key.substring(0, key.indexOf('.')), stage.name(), stage.done().get(), stage.tasks(),
                        ms));
            }
        });
    }

    /** {@code Stage 7 (parquet at StreamGuardPipeline.java:180): 12 of 40 tasks done, 15.4 s} */
    static String line(String stageId, String name, int done, int tasks, long elapsedMs) {
        return String.format(Locale.ROOT, "Stage %s (%s): %d of %d tasks done, %.1f s", stageId, name, done, tasks,
                elapsedMs / 1000.0);
    }

    private static String key(int stageId, int attempt) {
        return stageId + "." + attempt;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
