package io.streamguard.pipeline.plan;

/** A planned read of one partition: offsets {@code [from, until)}. An empty range has {@code from == until}. */
public record OffsetRange(String topic, int partition, long from, long until) {

    public OffsetRange {
        if (from < 0 || until < from) {
            throw new IllegalArgumentException(
                    topic + "-" + partition + ": [" + from + ", " + until + ") is not a valid offset range");
        }
    }

    public long size() {
        return until - from;
    }
}
