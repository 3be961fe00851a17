package io.streamguard.pipeline.source;

import io.streamguard.pipeline.StreamGuardException;
import java.util.Optional;

/**
 * Turns the failures of the read that users meet into messages that say what happened and what to do:
 * records deleted between planning and reading, and a broker lost during the read.
 */
public final class ReadFailures {

    /** How {@link KafkaRangeReader}'s message starts when records of its range were deleted before it read them. */
    static final String DATA_LOST = "Some data may have been lost";

    /** How {@link KafkaRangeReader}'s message starts when a poll brought nothing within the timeout. */
    static final String NO_RECORDS = "Cannot fetch record for offset";

    private ReadFailures() {
    }

    public static Optional<StreamGuardException> classify(Throwable failure, String bootstrapServers) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (message.contains(DATA_LOST)) {
                return Optional.of(new StreamGuardException(StreamGuardException.EXIT_KAFKA,
                        "Records of the planned offset ranges were deleted from Kafka (retention, compaction of "
                                + "the range's start, or deleteRecords) after planning and before they were read: "
                                + firstLine(message) + " Nothing was written and the previous outputs are untouched. "
                                + "Run again: the next plan starts at the current low watermarks.",
                        failure));
            }
            if (t instanceof java.util.concurrent.TimeoutException
                    || t instanceof org.apache.kafka.common.errors.TimeoutException
                    || message.contains(NO_RECORDS)
                    || message.contains("Timed out waiting for a node assignment")) {
                return Optional.of(new StreamGuardException(StreamGuardException.EXIT_KAFKA,
                        "Lost the Kafka broker at " + bootstrapServers + " while reading the planned offset ranges ("
                                + firstLine(message) + "). Nothing was written and the previous outputs are "
                                + "untouched. Check that the broker is up and run again. If it is up and the link to it "
                                + "is slow, each fetch (up to " + KafkaRangeReader.MAX_PARTITION_FETCH_BYTES / 1024
                                + " KiB per partition) must arrive within the Kafka timeout: raise --kafka-timeout-ms "
                                + "(streamguard.kafkaTimeoutMs), or set the Kafka property max.partition.fetch.bytes "
                                + "lower.",
                        failure));
            }
        }
        return Optional.empty();
    }

    private static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
