package io.streamguard.pipeline.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Splits a budget of {@code maxEvents} over partitions by water-filling.
 *
 * <p>The planned total is exactly {@code min(maxEvents, available)}; no range leaves its partition's window;
 * partitions that still have room after planning differ by at most one offset; a short partition's unused share
 * goes to the others. The result depends only on the input (ties go to the lower partition number), so the same
 * topic state always yields the same plan.
 */
public final class OffsetPlanner {

    /** {@code maxEvents} value that means "everything available". */
    public static final long ALL = -1;

    private OffsetPlanner() {
    }

    public static OffsetPlan plan(String topic, List<PartitionWindow> windows, long maxEvents, Take take) {
        if (maxEvents < 0 && maxEvents != ALL) {
            throw new IllegalArgumentException("maxEvents must be >= 0, or -1 for everything; was " + maxEvents);
        }
        List<PartitionWindow> sorted = new ArrayList<>(windows);
        sorted.sort(Comparator.comparingInt(PartitionWindow::partition));
        long available = 0;
        long largest = 0;
        for (PartitionWindow w : sorted) {
            available = Math.addExact(available, w.size());
            largest = Math.max(largest, w.size());
        }
        long target = maxEvents == ALL ? available : Math.min(maxEvents, available);
        long level = waterLevel(sorted, target, largest);

        long remainder = target;
        long[] share = new long[sorted.size()];
        for (int i = 0; i < share.length; i++) {
            share[i] = Math.min(sorted.get(i).size(), level);
            remainder -= share[i];
        }
        // Fewer than the number of partitions above the level are left over: one more each, lowest partition first.
        for (int i = 0; i < share.length && remainder > 0; i++) {
            if (sorted.get(i).size() > level) {
                share[i]++;
                remainder--;
            }
        }
        if (remainder != 0) {
            throw new IllegalStateException("water-filling left " + remainder + " offsets unplanned");
        }

        List<OffsetRange> ranges = new ArrayList<>(sorted.size());
        for (int i = 0; i < share.length; i++) {
            PartitionWindow w = sorted.get(i);
            ranges.add(take == Take.OLDEST
                    ? new OffsetRange(topic, w.partition(), w.start(), w.start() + share[i])
                    : new OffsetRange(topic, w.partition(), w.end() - share[i], w.end()));
        }
        return new OffsetPlan(topic, ranges, available);
    }

    /** The largest level L with {@code sum(min(size, L)) <= target}, by binary search over [0, largest]. */
    private static long waterLevel(List<PartitionWindow> windows, long target, long largest) {
        long lo = 0;
        long hi = largest;
        while (lo < hi) {
            long mid = lo + (hi - lo + 1) / 2;
            if (filled(windows, mid) <= target) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private static long filled(List<PartitionWindow> windows, long level) {
        long sum = 0;
        for (PartitionWindow w : windows) {
            sum += Math.min(w.size(), level);
        }
        return sum;
    }
}
