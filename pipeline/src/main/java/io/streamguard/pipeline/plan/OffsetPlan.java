package io.streamguard.pipeline.plan;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Concrete offsets for every partition of a topic, in partition order. Spark's Kafka source gets exactly
 * these numbers (never -1/-2), so the read cannot plan into the future or past the end of a partition.
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

    /** {@code {"topic":[0,1,2]}}: the JSON of Spark's {@code assign} option. */
    public String assignJson() {
        return "{" + quote(topic) + ":["
                + ranges.stream().map(r -> Integer.toString(r.partition())).collect(Collectors.joining(",")) + "]}";
    }

    /** {@code {"topic":{"0":12,...}}}: the JSON of Spark's {@code startingOffsets} option. */
    public String startingOffsetsJson() {
        return offsetsJson(true);
    }

    /** {@code {"topic":{"0":34,...}}}: the JSON of Spark's {@code endingOffsets} option. */
    public String endingOffsetsJson() {
        return offsetsJson(false);
    }

    private String offsetsJson(boolean from) {
        return "{" + quote(topic) + ":{"
                + ranges.stream()
                        .map(r -> "\"" + r.partition() + "\":" + (from ? r.from() : r.until()))
                        .collect(Collectors.joining(","))
                + "}}";
    }

    private static String quote(String s) {
        // Kafka topic names are limited to [a-zA-Z0-9._-]; nothing needs escaping, but be safe.
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
