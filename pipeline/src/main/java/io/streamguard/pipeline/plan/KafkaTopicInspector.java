package io.streamguard.pipeline.plan;

import io.streamguard.pipeline.StreamGuardException;
import io.streamguard.pipeline.source.KafkaRangeReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Asks the broker, through the Admin API, which offsets a read may touch: the partitions of a topic, their low and
 * high watermarks and, for a time range, the first offsets at or after each bound. All offset look-ups are sent
 * together, so planning costs one describe and one concurrent round of {@code listOffsets}, each bounded by
 * {@code timeout} (never Spark's 120 s poll stall).
 */
public final class KafkaTopicInspector implements AutoCloseable {

    private final Admin admin;
    private final String bootstrapServers;
    private final Duration timeout;
    private final IsolationLevel isolationLevel;

    /**
     * @param kafkaProperties the client properties of the read; their {@code isolation.level} (default
     *     {@code read_committed}, see {@link KafkaRangeReader#DEFAULT_ISOLATION_LEVEL}) decides where partitions end
     */
    public KafkaTopicInspector(String bootstrapServers, Map<String, String> kafkaProperties, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
        this.isolationLevel = IsolationLevel.valueOf(
                KafkaRangeReader.isolationLevel(kafkaProperties).toUpperCase(java.util.Locale.ROOT));
        Properties props = new Properties();
        props.putAll(kafkaProperties);
        props.remove(KafkaRangeReader.ISOLATION_LEVEL); // a consumer setting; the Admin client warns about it
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        this.admin = Admin.create(props);
    }

    /**
     * The windows of every partition of {@code topic}: {@code [max(low, first offset at from), min(high, first
     * offset at until))}, where a missing bound is the watermark itself.
     *
     * <p>Reading committed records, {@code high} is the last stable offset: the first offset of the oldest
     * transaction still open. A {@code read_committed} consumer never receives a record at or beyond it until that
     * transaction ends, so a plan up to the high watermark would wait for records that may never come (any live
     * transactional producer keeps a transaction open) and then fail.
     */
    public List<PartitionWindow> windows(String topic, Instant from, Instant until) {
        List<TopicPartition> partitions = partitions(topic);
        if (partitions.isEmpty()) {
            throw new StreamGuardException(StreamGuardException.EXIT_KAFKA,
                    "Topic '" + topic + "' on " + bootstrapServers + " has no partitions; create it with at least one.");
        }
        ListOffsetsResult earliest = admin.listOffsets(specs(partitions, OffsetSpec.earliest()));
        ListOffsetsResult latest = admin.listOffsets(specs(partitions, OffsetSpec.latest()),
                new ListOffsetsOptions(isolationLevel));
        ListOffsetsResult atFrom = from == null ? null
                : admin.listOffsets(specs(partitions, OffsetSpec.forTimestamp(from.toEpochMilli())),
                        new ListOffsetsOptions(isolationLevel));
        ListOffsetsResult atUntil = until == null ? null
                : admin.listOffsets(specs(partitions, OffsetSpec.forTimestamp(until.toEpochMilli())),
                        new ListOffsetsOptions(isolationLevel));

        Map<TopicPartition, ListOffsetsResultInfo> low = await(earliest.all(), "list the earliest offsets of " + topic);
        Map<TopicPartition, ListOffsetsResultInfo> high = await(latest.all(), "list the latest offsets of " + topic);
        Map<TopicPartition, ListOffsetsResultInfo> fromOffsets =
                atFrom == null ? Map.of() : await(atFrom.all(), "look up offsets at " + from + " in " + topic);
        Map<TopicPartition, ListOffsetsResultInfo> untilOffsets =
                atUntil == null ? Map.of() : await(atUntil.all(), "look up offsets at " + until + " in " + topic);

        List<PartitionWindow> windows = new ArrayList<>(partitions.size());
        for (TopicPartition tp : partitions) {
            long lo = low.get(tp).offset();
            long hi = high.get(tp).offset();
            long start = clamp(offsetOrHigh(fromOffsets.get(tp), lo, hi), lo, hi);
            long end = clamp(offsetOrHigh(untilOffsets.get(tp), hi, hi), lo, hi);
            windows.add(new PartitionWindow(tp.partition(), start, Math.max(start, end)));
        }
        return windows;
    }

    private List<TopicPartition> partitions(String topic) {
        TopicDescription description;
        try {
            description = await(admin.describeTopics(List.of(topic)).allTopicNames(), "describe topic " + topic)
                    .get(topic);
        } catch (StreamGuardException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new StreamGuardException(StreamGuardException.EXIT_KAFKA,
                        "Topic '" + topic + "' does not exist on " + bootstrapServers
                                + ". Check the topic name (streamguard.topic / --topic) or create the topic.",
                        e.getCause());
            }
            throw e;
        }
        List<TopicPartition> result = new ArrayList<>();
        for (TopicPartitionInfo p : description.partitions()) {
            result.add(new TopicPartition(topic, p.partition()));
        }
        result.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        return result;
    }

    /** No offset at or after the timestamp (-1) means the bound lies beyond the last record: the high watermark. */
    private static long offsetOrHigh(ListOffsetsResultInfo info, long whenAbsent, long high) {
        if (info == null) {
            return whenAbsent;
        }
        return info.offset() < 0 ? high : info.offset();
    }

    private static long clamp(long value, long lo, long hi) {
        return Math.max(lo, Math.min(hi, value));
    }

    private static Map<TopicPartition, OffsetSpec> specs(List<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> map = new HashMap<>();
        partitions.forEach(tp -> map.put(tp, spec));
        return map;
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw unreachable(what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw unreachable(what, cause);
            }
            throw new StreamGuardException(StreamGuardException.EXIT_KAFKA,
                    "Could not " + what + " on " + bootstrapServers + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamGuardException(StreamGuardException.EXIT_INTERNAL, "Interrupted while trying to " + what, e);
        }
    }

    private StreamGuardException unreachable(String what, Throwable cause) {
        return new StreamGuardException(StreamGuardException.EXIT_KAFKA,
                "Kafka broker at " + bootstrapServers + " did not answer within " + timeout.toMillis()
                        + " ms (trying to " + what + "). Check streamguard.bootstrapServers / --bootstrap-servers, "
                        + "that the broker is running and reachable, and the security settings in kafkaProperties.",
                cause);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
