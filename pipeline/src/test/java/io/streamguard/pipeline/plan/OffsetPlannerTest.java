package io.streamguard.pipeline.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OffsetPlannerTest {

    private static List<PartitionWindow> windows(long... sizes) {
        List<PartitionWindow> w = new ArrayList<>();
        for (int p = 0; p < sizes.length; p++) {
            w.add(new PartitionWindow(p, 0, sizes[p]));
        }
        return w;
    }

    private static long[] sizes(OffsetPlan plan) {
        return plan.ranges().stream().mapToLong(OffsetRange::size).toArray();
    }

    @Test
    void tenEventsOverThreeLargePartitionsGiveTheRemainderToTheLowestPartition() {
        OffsetPlan plan = OffsetPlanner.plan("t", windows(1000, 1000, 1000), 10, Take.OLDEST);
        assertThat(sizes(plan)).containsExactly(4, 3, 3);
        assertThat(plan.plannedOffsets()).isEqualTo(10);
        assertThat(plan.available()).isEqualTo(3000);
    }

    @Test
    void shortPartitionsGiveTheirUnusedShareToTheOthers() {
        OffsetPlan plan = OffsetPlanner.plan("t", windows(0, 2, 100), 60, Take.OLDEST);
        assertThat(sizes(plan)).containsExactly(0, 2, 58);
    }

    @Test
    void fewerEventsThanPartitionsStillReadsExactlyThatMany() {
        OffsetPlan plan = OffsetPlanner.plan("t", windows(50, 50, 50, 50, 50), 2, Take.OLDEST);
        assertThat(sizes(plan)).containsExactly(1, 1, 0, 0, 0);
    }

    @Test
    void emptyTopicPlansEmptyRangesForEveryPartition() {
        OffsetPlan plan = OffsetPlanner.plan("t", windows(0, 0, 0), 1000, Take.NEWEST);
        assertThat(plan.ranges()).hasSize(3).allSatisfy(r -> assertThat(r.size()).isZero());
        assertThat(plan.plannedOffsets()).isZero();
        assertThat(plan.ranges()).extracting(OffsetRange::partition).containsExactly(0, 1, 2);
    }

    @Test
    void maxEventsAtOrAboveTheTotalReadsEverything() {
        OffsetPlan plan = OffsetPlanner.plan("t", windows(3, 5, 7), 100, Take.OLDEST);
        assertThat(sizes(plan)).containsExactly(3, 5, 7);
        assertThat(OffsetPlanner.plan("t", windows(3, 5, 7), OffsetPlanner.ALL, Take.OLDEST).plannedOffsets())
                .isEqualTo(15);
    }

    @Test
    void lowWatermarkAboveZeroIsRespectedAtBothEnds() {
        List<PartitionWindow> w = List.of(new PartitionWindow(0, 500, 510), new PartitionWindow(1, 90, 100));
        OffsetPlan oldest = OffsetPlanner.plan("t", w, 6, Take.OLDEST);
        assertThat(oldest.ranges()).containsExactly(new OffsetRange("t", 0, 500, 503), new OffsetRange("t", 1, 90, 93));
        OffsetPlan newest = OffsetPlanner.plan("t", w, 6, Take.NEWEST);
        assertThat(newest.ranges()).containsExactly(new OffsetRange("t", 0, 507, 510), new OffsetRange("t", 1, 97, 100));
    }

    @Test
    void newestModeEndsAtTheHighWatermarkAndNeverPlansIntoTheFuture() {
        OffsetPlan plan = OffsetPlanner.plan("t", windows(10, 1, 4), 9, Take.NEWEST);
        assertThat(plan.ranges()).containsExactly(
                new OffsetRange("t", 0, 6, 10), new OffsetRange("t", 1, 0, 1), new OffsetRange("t", 2, 0, 4));
    }

    @Test
    void everyPartitionGetsConcreteOffsets() {
        OffsetPlan plan = OffsetPlanner.plan("events", windows(5, 5), 4, Take.OLDEST);
        assertThat(plan.ranges()).containsExactly(new OffsetRange("events", 0, 0, 2), new OffsetRange("events", 1, 0, 2));
    }

    @Test
    void partitionsArePlannedInPartitionOrderWhateverTheInputOrder() {
        List<PartitionWindow> shuffled = List.of(new PartitionWindow(2, 0, 9), new PartitionWindow(0, 0, 9),
                new PartitionWindow(1, 0, 9));
        assertThat(OffsetPlanner.plan("t", shuffled, 4, Take.OLDEST).ranges())
                .extracting(OffsetRange::partition, OffsetRange::size)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0, 2L), org.assertj.core.groups.Tuple.tuple(1, 1L),
                        org.assertj.core.groups.Tuple.tuple(2, 1L));
    }

    @Test
    void negativeMaxEventsOtherThanMinusOneIsRejected() {
        assertThatThrownBy(() -> OffsetPlanner.plan("t", windows(1), -2, Take.OLDEST))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1 for everything");
    }

    @Test
    void randomTopicsKeepEveryInvariant() {
        Random random = new Random(20261126L);
        for (int trial = 0; trial < 5_000; trial++) {
            int partitions = 1 + random.nextInt(12);
            List<PartitionWindow> w = new ArrayList<>();
            long total = 0;
            for (int p = 0; p < partitions; p++) {
                long low = random.nextInt(3) == 0 ? 0 : random.nextInt(1_000_000);
                long size = switch (random.nextInt(4)) {
                    case 0 -> 0;
                    case 1 -> random.nextInt(5);
                    default -> random.nextInt(10_000);
                };
                w.add(new PartitionWindow(p, low, low + size));
                total += size;
            }
            long maxEvents = random.nextInt(5) == 0 ? OffsetPlanner.ALL : random.nextInt(40_000);
            Take take = random.nextBoolean() ? Take.OLDEST : Take.NEWEST;
            OffsetPlan plan = OffsetPlanner.plan("t", w, maxEvents, take);

            long expected = maxEvents == OffsetPlanner.ALL ? total : Math.min(maxEvents, total);
            assertThat(plan.plannedOffsets()).as("sum, trial %d", trial).isEqualTo(expected);
            long minWithRoom = Long.MAX_VALUE;
            long maxWithRoom = Long.MIN_VALUE;
            for (int p = 0; p < partitions; p++) {
                OffsetRange r = plan.ranges().get(p);
                PartitionWindow pw = w.get(p);
                assertThat(r.from()).as("bounds, trial %d", trial).isGreaterThanOrEqualTo(pw.start());
                assertThat(r.until()).as("bounds, trial %d", trial).isLessThanOrEqualTo(pw.end());
                if (take == Take.OLDEST) {
                    assertThat(r.from()).isEqualTo(pw.start());
                } else {
                    assertThat(r.until()).isEqualTo(pw.end());
                }
                if (r.size() < pw.size()) {
                    minWithRoom = Math.min(minWithRoom, r.size());
                    maxWithRoom = Math.max(maxWithRoom, r.size());
                }
            }
            if (minWithRoom != Long.MAX_VALUE) {
                assertThat(maxWithRoom - minWithRoom).as("balance, trial %d", trial).isLessThanOrEqualTo(1);
                // A saturated partition never holds more than one above a partition that still has room.
                for (int p = 0; p < partitions; p++) {
                    assertThat(plan.ranges().get(p).size()).isLessThanOrEqualTo(maxWithRoom);
                }
            }
            assertThat(OffsetPlanner.plan("t", w, maxEvents, take)).as("determinism").isEqualTo(plan);
        }
    }
}
