package io.streamguard.pipeline.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamguard.pipeline.StreamGuardException;
import org.junit.jupiter.api.Test;

class ReadFailuresTest {

    @Test
    void aPollThatBringsNothingNamesTheBrokerAndWhatToChangeOnASlowLink() {
        IllegalStateException inTask = new IllegalStateException(ReadFailures.NO_RECORDS + " 0 of events-0 within "
                + "30000 ms.");

        StreamGuardException e = ReadFailures.classify(new RuntimeException("Job aborted", inTask), "kafka:9092")
                .orElseThrow();

        assertThat(e.getMessage())
                .startsWith("Lost the Kafka broker at kafka:9092 while reading the planned offset ranges (Cannot "
                        + "fetch record for offset 0 of events-0 within 30000 ms.).")
                .contains("Nothing was written", "Check that the broker is up and run again.",
                        "each fetch (up to 1024 KiB per partition) must arrive within the Kafka timeout",
                        "--kafka-timeout-ms (streamguard.kafkaTimeoutMs)", "max.partition.fetch.bytes lower.");
    }

    @Test
    void recordsDeletedBeforeTheyWereReadAreNotALostBroker() {
        StreamGuardException e = ReadFailures.classify(new IllegalStateException(ReadFailures.DATA_LOST
                + ": offset 10 of events-0 is no longer in Kafka (x)."), "kafka:9092").orElseThrow();

        assertThat(e.getMessage()).startsWith("Records of the planned offset ranges were deleted from Kafka")
                .doesNotContain("Lost the Kafka broker");
        assertThat(ReadFailures.classify(new IllegalArgumentException("something else"), "kafka:9092")).isEmpty();
    }
}
