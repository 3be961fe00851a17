package io.streamguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamguard.plugin.launch.StreamGuardRunner;
import io.streamguard.plugin.embedded.SyntheticEvents;
import io.streamguard.report.AnomalyReport;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact reads over uneven partitions (0, 3 and 5,000 records), produced by a plain producer, for each way of
 * bounding the read.
 */
@ExtendWith(KafkaBrokerExtension.class)
class BoundedReadIT {

    static final String TOPIC = "uneven";
    static List<SyntheticEvents.Event> big;
    static List<SyntheticEvents.Event> small;

    @TempDir
    Path temp;

    @BeforeAll
    static void produce(TestBroker broker) {
        broker.createTopic(TOPIC, 3, Map.of());
        List<SyntheticEvents.Event> all = Events.sorted(5_003, 7);
        small = all.subList(0, 3);
        big = all.subList(3, all.size());
        Events.produce(broker.bootstrapServers(), Map.of(), p -> {
            small.forEach(e -> p.send(Events.record(TOPIC, 1, e)));
            big.forEach(e -> p.send(Events.record(TOPIC, 2, e)));
        });
    }

    private static List<AnomalyReport.OffsetRangeEntry> ranges(long... bounds) {
        return List.of(new AnomalyReport.OffsetRangeEntry(TOPIC, 0, bounds[0], bounds[1]),
                new AnomalyReport.OffsetRangeEntry(TOPIC, 1, bounds[2], bounds[3]),
                new AnomalyReport.OffsetRangeEntry(TOPIC, 2, bounds[4], bounds[5]));
    }

    @Test
    void oldestReadsTheFirstOffsetsOfEachPartition(TestBroker broker) {
        AnomalyReport r = Jobs.run(broker.bootstrapServers(), TOPIC, temp.resolve("out"),
                Jobs.Options.defaults().maxEvents(1_000).startFrom("oldest")).report();
        assertThat(r.eventsAvailable()).isEqualTo(5_003);
        assertThat(r.eventsPlanned()).isEqualTo(1_000);
        assertThat(r.eventsRead()).isEqualTo(1_000);
        assertThat(r.offsetRanges()).isEqualTo(ranges(0, 0, 0, 3, 0, 997));
        assertThat(r.run().mode()).isEqualTo("oldest");
    }

    @Test
    void newestReadsTheLastOffsetsAndNeverPastTheEnd(TestBroker broker) {
        AnomalyReport r = Jobs.run(broker.bootstrapServers(), TOPIC, temp.resolve("out"),
                Jobs.Options.defaults().maxEvents(1_000)).report();
        assertThat(r.eventsRead()).isEqualTo(1_000);
        assertThat(r.offsetRanges()).isEqualTo(ranges(0, 0, 0, 3, 4_003, 5_000));
    }

    @Test
    void aTimeRangeReadsExactlyTheRecordsInsideIt(TestBroker broker) {
        Instant from = Instant.ofEpochMilli(big.get(1_000).timestamp());
        Instant until = Instant.ofEpochMilli(big.get(3_000).timestamp());
        long inside = big.stream().filter(e -> e.timestamp() >= from.toEpochMilli()
                && e.timestamp() < until.toEpochMilli()).count()
                + small.stream().filter(e -> e.timestamp() >= from.toEpochMilli()
                && e.timestamp() < until.toEpochMilli()).count();
        AnomalyReport r = Jobs.run(broker.bootstrapServers(), TOPIC, temp.resolve("out"),
                Jobs.Options.defaults().maxEvents(-1).startFrom(from.toString()).until(until.toString())).report();
        assertThat(r.run().mode()).isEqualTo("time_range");
        assertThat(r.eventsRead()).isEqualTo(inside);
        assertThat(r.eventsPlanned()).isEqualTo(inside);
        AnomalyReport.OffsetRangeEntry p2 = r.offsetRanges().get(2);
        assertThat(big.get((int) p2.from()).timestamp()).isGreaterThanOrEqualTo(from.toEpochMilli());
        assertThat(big.get((int) p2.from() - 1).timestamp()).isLessThan(from.toEpochMilli());
        assertThat(big.get((int) p2.until() - 1).timestamp()).isLessThan(until.toEpochMilli());
    }

    @Test
    void maxEventsLargerThanTheTopicReadsEverythingOnce(TestBroker broker) {
        AnomalyReport r = Jobs.run(broker.bootstrapServers(), TOPIC, temp.resolve("out"),
                Jobs.Options.defaults().maxEvents(1_000_000)).report();
        assertThat(r.eventsPlanned()).isEqualTo(5_003);
        assertThat(r.eventsRead()).isEqualTo(5_003);
        assertThat(r.offsetRanges()).isEqualTo(ranges(0, 0, 0, 3, 0, 5_000));
    }

    @Test
    void plantedAnomalousUsersRankAtTheTop(TestBroker broker) {
        SyntheticEvents generator = new SyntheticEvents(new SyntheticEvents.Config(5_003, 7,
                SyntheticEvents.Config.DEFAULT_END, java.time.Duration.ofDays(7), 0.05));
        Set<String> planted = generator.anomalousUsers().stream().map(SyntheticEvents.User::name)
                .collect(Collectors.toSet());
        StreamGuardRunner.Outcome outcome = Jobs.run(broker.bootstrapServers(), TOPIC, temp.resolve("out"),
                Jobs.Options.defaults().maxEvents(-1).startFrom("oldest").contamination(0.25));
        AnomalyReport r = outcome.report();
        assertThat(r.totalUsers()).isEqualTo(20);
        assertThat(planted).hasSize(5);
        List<String> top = r.topAnomalies().stream().limit(5).map(AnomalyReport.TopAnomaly::user).toList();
        assertThat(top.stream().filter(planted::contains).count()).as("planted %s, top %s", planted, top)
                .isGreaterThanOrEqualTo(4);
    }
}
