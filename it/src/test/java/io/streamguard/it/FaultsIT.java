package io.streamguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamguard.plugin.launch.JobFailedException;
import io.streamguard.plugin.embedded.SyntheticEvents;
import io.streamguard.report.AnomalyReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees when the world misbehaves, and that nothing is lost or half-written. */
@ExtendWith(KafkaBrokerExtension.class)
class FaultsIT {

    static final String TOPIC = "faults";
    static final int EVENTS = 60_000;

    @TempDir
    Path temp;

    @BeforeAll
    static void produce(TestBroker broker) {
        broker.createTopic(TOPIC, 4, Map.of());
        broker.createTopic("empty", 2, Map.of());
        List<SyntheticEvents.Event> events = Events.sorted(EVENTS, 11);
        Events.produce(broker.bootstrapServers(), Map.of("linger.ms", 20, "batch.size", 262_144,
                "compression.type", "lz4"), p -> {
                    for (int i = 0; i < events.size(); i++) {
                        p.send(Events.record(TOPIC, i % 4, events.get(i)));
                    }
                });
    }

    @Test
    void anUnreachableBrokerFailsWithinTheTimeoutNamingTheAddress() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> Jobs.run("127.0.0.1:9", TOPIC, temp.resolve("out"),
                Jobs.Options.defaults().kafkaTimeout(Duration.ofSeconds(3))))
                .isInstanceOf(JobFailedException.class)
                .hasMessageStartingWith("Kafka broker at 127.0.0.1:9 did not answer within 3000 ms")
                .satisfies(e -> assertThat(((JobFailedException) e).isUserError()).isTrue());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
        assertThat(temp.resolve("out/anomaly_report.json")).doesNotExist();
    }

    @Test
    void aMissingTopicIsNamed(TestBroker broker) {
        assertThatThrownBy(() -> Jobs.run(broker.bootstrapServers(), "no-such-topic", temp.resolve("out"),
                Jobs.Options.defaults()))
                .isInstanceOf(JobFailedException.class)
                .hasMessageStartingWith("Topic 'no-such-topic' does not exist on " + broker.bootstrapServers()
                        + ". Check the topic name (streamguard.topic / --topic) or create the topic.");
    }

    @Test
    void anEmptyTopicSaysThereIsNothingToRead(TestBroker broker) {
        assertThatThrownBy(() -> Jobs.run(broker.bootstrapServers(), "empty", temp.resolve("out"),
                Jobs.Options.defaults()))
                .isInstanceOf(JobFailedException.class)
                .hasMessageStartingWith("Nothing to read: topic 'empty' holds 0 records in the requested range.")
                .satisfies(e -> assertThat(((JobFailedException) e).exitCode()).isEqualTo(5));
    }

    @Test
    void aBrokerKilledMidReadFailsTheRunAndLeavesThePreviousOutputUntouched(TestBroker ignored) throws Exception {
        // A broker of its own: this test kills it.
        try (TestBroker broker = KafkaBrokerExtension.start("FaultsIT-kill")) {
            broker.createTopic("doomed", 4, Map.of());
            List<SyntheticEvents.Event> events = Events.sorted(400_000, 13);
            Events.produce(broker.bootstrapServers(), Map.of("linger.ms", 20, "batch.size", 262_144,
                    "compression.type", "lz4"), p -> {
                        for (int i = 0; i < events.size(); i++) {
                            p.send(Events.record("doomed", i % 4, events.get(i)));
                        }
                    });
            Path out = temp.resolve("out");
            AnomalyReport previous = Jobs.run(broker.bootstrapServers(), "doomed", out,
                    Jobs.Options.defaults().maxEvents(2_000)).report();
            byte[] previousReport = Files.readAllBytes(out.resolve("anomaly_report.json"));
            List<Path> previousFiles = files(out);

            AtomicBoolean killed = new AtomicBoolean();
            Jobs.Recording console = new Jobs.Recording(line -> {
                if (line.contains("Planned 400000") && killed.compareAndSet(false, true)) {
                    CompletableFuture.runAsync(() -> {
                        sleep(1_500);
                        broker.kill();
                    });
                }
            });
            assertThatThrownBy(() -> Jobs.run(broker.bootstrapServers(), "doomed", out,
                    Jobs.Options.defaults().maxEvents(-1).kafkaTimeout(Duration.ofSeconds(5)), console))
                    .isInstanceOf(JobFailedException.class)
                    .hasMessageContaining("Lost the Kafka broker at " + broker.bootstrapServers()
                            + " while reading the planned offset ranges")
                    .hasMessageContaining("Nothing was written and the previous outputs are untouched");
            assertThat(killed).isTrue();
            assertThat(Files.readAllBytes(out.resolve("anomaly_report.json"))).isEqualTo(previousReport);
            assertThat(files(out)).isEqualTo(previousFiles);
            assertThat(previous.eventsRead()).isEqualTo(2_000);
        }
    }

    @Test
    void recordsDeletedBetweenPlanningAndReadingFailClearly(TestBroker broker) throws Exception {
        String topic = "retention";
        broker.createTopic(topic, 2, Map.of());
        List<SyntheticEvents.Event> events = Events.sorted(200_000, 17);
        Events.produce(broker.bootstrapServers(), Map.of("linger.ms", 20, "batch.size", 262_144), p -> {
            for (int i = 0; i < events.size(); i++) {
                p.send(Events.record(topic, i % 2, events.get(i)));
            }
        });
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        AtomicBoolean deleted = new AtomicBoolean();
        Jobs.Recording console = new Jobs.Recording(line -> {
            if (line.contains("Planned 200000") && deleted.compareAndSet(false, true)) {
                // What retention does: the partitions' starts disappear after the plan was made.
                try (Admin admin = Admin.create(props)) {
                    Map<TopicPartition, RecordsToDelete> toDelete = new HashMap<>();
                    toDelete.put(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(50_000));
                    toDelete.put(new TopicPartition(topic, 1), RecordsToDelete.beforeOffset(50_000));
                    admin.deleteRecords(toDelete).all().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        assertThatThrownBy(() -> Jobs.run(broker.bootstrapServers(), topic, temp.resolve("out"),
                Jobs.Options.defaults().maxEvents(-1).startFrom("oldest"), console))
                .isInstanceOf(JobFailedException.class)
                .hasMessageStartingWith("Records of the planned offset ranges were deleted from Kafka")
                .hasMessageContaining("Run again: the next plan starts at the current low watermarks.");
        assertThat(deleted).isTrue();
        assertThat(temp.resolve("out/anomaly_report.json")).doesNotExist();

        // And the advice holds: the next run plans from the new low watermarks and succeeds.
        AnomalyReport r = Jobs.run(broker.bootstrapServers(), topic, temp.resolve("out"),
                Jobs.Options.defaults().maxEvents(-1).startFrom("oldest")).report();
        assertThat(r.eventsRead()).isEqualTo(100_000);
        assertThat(r.offsetRanges()).allSatisfy(o -> assertThat(o.from()).isEqualTo(50_000));
    }

    @Test
    void twoRunsOnOneOutputDirectoryNeverMix(TestBroker broker) throws Exception {
        Path out = temp.resolve("shared");
        CompletableFuture<JobFailedException> second = new CompletableFuture<>();
        // The second run starts while the first holds the directory (it locks before planning).
        Jobs.Recording first = new Jobs.Recording(line -> {
            if (line.contains("Planned 20000") && !second.isDone()) {
                CompletableFuture.runAsync(() -> {
                    try {
                        Jobs.run(broker.bootstrapServers(), TOPIC, out,
                                Jobs.Options.defaults().maxEvents(10_000).startFrom("oldest"));
                        second.complete(null);
                    } catch (JobFailedException e) {
                        second.complete(e);
                    } catch (RuntimeException e) {
                        second.completeExceptionally(e);
                    }
                });
            }
        });
        // The first run must still hold the directory when the second, which needs a JVM and a Spark session first,
        // reaches its lock, whatever the speed of this machine or of the job: its fetches each wait 3 s for bytes
        // that never come (fetch.min.bytes far above the topic), so its read lasts at least 3 s per wave of tasks.
        AnomalyReport winner = Jobs.run(broker.bootstrapServers(), TOPIC, out,
                Jobs.Options.defaults().maxEvents(20_000)
                        .kafka(Map.of("fetch.min.bytes", "104857600", "fetch.max.wait.ms", "3000")), first).report();
        JobFailedException loser = second.get(5, TimeUnit.MINUTES);
        assertThat(loser).as("the second run must be refused").isNotNull();
        assertThat(loser.getMessage()).startsWith("Another StreamGuard run is writing to")
                .contains("Wait for it to finish, or give this run another output directory.");
        assertThat(loser.exitCode()).isEqualTo(4);

        // The report on disk is the winner's and describes the Parquet beside it; no staging is left behind.
        AnomalyReport onDisk = io.streamguard.report.ReportJson.read(Files.readAllBytes(out.resolve("anomaly_report.json")));
        assertThat(onDisk.run().runId()).isEqualTo(winner.run().runId());
        assertThat(io.streamguard.plugin.verify.ReportVerifier.verify(out.resolve("anomaly_report.json"),
                new io.streamguard.plugin.verify.ReportVerifier.Gates(1, null, 20_000L))).isEmpty();
        try (Stream<Path> leftovers = Files.list(out)) {
            assertThat(leftovers.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith(".staging") || n.startsWith(".previous"));
        }
    }

    @Test
    void aTopicNameCannotLeadOutOfTheOutputDirectory(TestBroker broker) throws IOException {
        assertThatThrownBy(() -> Jobs.run(broker.bootstrapServers(), "../../etc", temp.resolve("out"),
                Jobs.Options.defaults()))
                .isInstanceOf(JobFailedException.class)
                .hasMessageStartingWith("--topic '../../etc' is not a valid Kafka topic name");
        // A successful run writes only inside its output and work directories.
        Path out = temp.resolve("confined/out");
        Jobs.run(broker.bootstrapServers(), TOPIC, out, Jobs.Options.defaults().maxEvents(2_000));
        try (Stream<Path> all = Files.walk(temp)) {
            assertThat(all.filter(Files::isRegularFile).map(temp::relativize).map(Path::toString))
                    .allMatch(p -> p.startsWith("confined/out/") || p.startsWith("confined/out-work/")
                            || p.startsWith("out-work/")); // the rejected run's own work directory
        }
    }

    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(dir::relativize)
                    .filter(p -> !p.toString().startsWith(".streamguard.lock")).sorted().toList();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
