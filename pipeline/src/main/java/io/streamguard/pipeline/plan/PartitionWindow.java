package io.streamguard.pipeline.plan;

/**
 * The offsets of one partition that a read may touch: {@code [start, end)}. {@code start} is at or above the
 * partition's low watermark and {@code end} at or below its high watermark, so every offset inside exists
 * (retention and compaction aside, which only make the read return fewer records, never stall it).
 */
public record PartitionWindow(int partition, long start, long end) {

    public PartitionWindow {
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, was " + partition);
        }
        if (start < 0 || end < start) {
            throw new IllegalArgumentException(
                    "partition " + partition + ": window [" + start + ", " + end + ") is not a valid offset range");
        }
    }

    public long size() {
        return end - start;
    }
}
