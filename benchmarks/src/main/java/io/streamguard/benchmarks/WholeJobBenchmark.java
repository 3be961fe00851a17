package io.streamguard.benchmarks;

import io.streamguard.pipeline.StreamGuardJob;
import io.streamguard.report.AnomalyReport;
import io.streamguard.report.ReportJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The whole job as a user runs it, cold, in a fresh JVM per invocation ({@link ForkedJvm}): the newest
 * {@code maxEvents} of the topic of {@code topicSize} events, planned, read, featured, scored and written. Beside
 * it, in the same run and with the same JVM options, the floor: a Spark session and the cheapest job
 * ({@link SparkFloor}). Their ratio is what the README's Performance section reports; the read benchmarks say how
 * much of the gap is the read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class WholeJobBenchmark {

    @Param({"1000000"})
    public int topicSize;

    @Param({"1000"})
    public int maxEvents;

    private Path work;

    @Setup(Level.Trial)
    public void workDirectory() throws IOException {
        work = Files.createTempDirectory("streamguard-whole-job");
    }

    @TearDown(Level.Trial)
    public void deleteWorkDirectory() throws IOException {
        try (Stream<Path> paths = Files.walk(work)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * A Spark session and one group-by of 1,000 rows, with the job's JVM options for {@code maxEvents}. Named after
     * the job so that JMH (which runs benchmarks in name order) runs it second: it then maps the class-data archive
     * the job's first fork dumped, as a floor with the job's options must.
     */
    @Benchmark
    public void wholeJobSparkFloor() throws IOException, InterruptedException {
        ForkedJvm.run(SparkFloor.class, List.of(), maxEvents, work);
    }

    /** {@code streamguard:run}'s fork: the newest {@code maxEvents} events, checked in the report it commits. */
    @Benchmark
    public long wholeJob() throws IOException, InterruptedException {
        String topic = BenchSpark.topic(topicSize);
        Path output = work.resolve("output");
        ForkedJvm.run(StreamGuardJob.class, List.of("--bootstrap-servers", BenchSpark.bootstrap(), "--topic", topic,
                "--max-events", Integer.toString(maxEvents), "--output", output.toString()), maxEvents, work);
        AnomalyReport report;
        try (InputStream in = Files.newInputStream(output.resolve(ReportJson.REPORT_FILE))) {
            report = ReportJson.read(in);
        }
        return ReadCheck.expect("wholeJob", maxEvents, report.eventsRead(), topic);
    }
}
