package io.streamguard.pipeline.plan;

import java.util.List;

/**
 * Concrete offsets for every partition of a topic, in partition order. The read gets exactly these numbers (never
 * "earliest" or "latest"), so it cannot read into the future or past the end of a partition.
 *
 * @param available the number of offsets the windows held before {@code maxEvents} was applied
 */
public record OffsetPlan(String topic, List<OffsetRange> ranges, long available) {

    public OffsetPlan {
        ranges = List.copyOf(ranges);
    }

    /** The number of offsets planned. Records read can be fewer (compaction, transaction markers). */
    public long plannedOffsets() {
        return ranges.stream().mapToLong(OffsetRange::size).sum();
    }
}
