package io.streamguard.pipeline.plan;

/**
 * A planned read of one partition: offsets {@code [from, until)}. An empty range has {@code from == until}.
 * Serializable: the read ships each range to the task that reads it.
 */
public record OffsetRange(String topic, int partition, long from, long until) implements java.io.Serializable {

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
