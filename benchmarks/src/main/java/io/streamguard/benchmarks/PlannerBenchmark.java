package io.streamguard.benchmarks;

import io.streamguard.pipeline.plan.OffsetPlan;
import io.streamguard.pipeline.plan.OffsetPlanner;
import io.streamguard.pipeline.plan.PartitionWindow;
import io.streamguard.pipeline.plan.Take;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Water-filling over many uneven partitions: the planner must never be what a bounded read waits for. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class PlannerBenchmark {

    @Param({"4", "256"})
    public int partitions;

    private List<PartitionWindow> windows;

    @Setup
    public void windows() {
        Random random = new Random(1);
        windows = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            long low = random.nextInt(1_000_000);
            windows.add(new PartitionWindow(p, low, low + (p % 7 == 0 ? random.nextInt(10) : random.nextInt(5_000_000))));
        }
    }

    @Benchmark
    public OffsetPlan planNewest1000() {
        return OffsetPlanner.plan("bench", windows, 1_000, Take.NEWEST);
    }

    @Benchmark
    public OffsetPlan planOldestMillion() {
        return OffsetPlanner.plan("bench", windows, 1_000_000, Take.OLDEST);
    }
}
