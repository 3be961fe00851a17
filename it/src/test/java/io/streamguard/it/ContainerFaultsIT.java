package io.streamguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamguard.plugin.launch.JobFailedException;
import io.streamguard.plugin.embedded.SyntheticEvents;
import io.streamguard.report.AnomalyReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.Network;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.lifecycle.Startables;

/**
 * Faults only containers can make: a broker that hangs instead of dying ({@code docker pause}), and the loss of a
 * partition leader in a three-broker KRaft cluster. Skipped, with the reason logged, when the brokers are embedded;
 * CI runs them ({@code -Dstreamguard.it.broker=container}). All traffic goes to ports published on 127.0.0.1.
 */
class ContainerFaultsIT {

    @TempDir
    Path temp;

    @Test
    void aHungBrokerFailsTheRunWithinTheKafkaTimeoutAndLeavesThePreviousOutputUntouched() throws Exception {
        String image = KafkaBrokerExtension.requireContainers("A hung broker (docker pause)");
        try (KafkaBrokerExtension.ContainerBroker broker = new KafkaBrokerExtension.ContainerBroker(image)) {
            System.err.println("[it] ContainerFaultsIT (hung broker) runs against the " + broker.kind()
                    + " Kafka broker at " + broker.bootstrapServers());
            broker.createTopic("hung", 4, Map.of());
            produce(broker.bootstrapServers(), "hung", 4, 400_000, 19);
            Path out = temp.resolve("out");
            AnomalyReport previous = Jobs.run(broker.bootstrapServers(), "hung", out,
                    Jobs.Options.defaults().maxEvents(2_000)).report();
            byte[] previousReport = Files.readAllBytes(out.resolve("anomaly_report.json"));
            List<Path> previousFiles = FaultsIT.files(out);

            Duration kafkaTimeout = Duration.ofSeconds(5);
            AtomicLong pausedAt = new AtomicLong();
            Jobs.Recording console = new Jobs.Recording(line -> {
                if (line.contains("Planned 400000") && pausedAt.get() == 0) {
                    pausedAt.set(-1);
                    CompletableFuture.runAsync(() -> {
                        FaultsIT.sleep(1_500);
                        broker.pause();
                        pausedAt.set(System.nanoTime());
                    });
                }
            });
            try {
                assertThatThrownBy(() -> Jobs.run(broker.bootstrapServers(), "hung", out,
                        Jobs.Options.defaults().maxEvents(-1).kafkaTimeout(kafkaTimeout), console))
                        .isInstanceOf(JobFailedException.class)
                        .hasMessageContaining("Lost the Kafka broker at " + broker.bootstrapServers()
                                + " while reading the planned offset ranges")
                        .hasMessageContaining("Nothing was written and the previous outputs are untouched");
                long failedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pausedAt.get());
                System.err.println("[it] the run failed " + failedAfter + " ms after the broker was paused");
                assertThat(pausedAt.get()).as("the broker was paused mid-read").isPositive();
                // Within the Kafka timeout, plus the time a forked JVM needs to report and exit.
                assertThat(Duration.ofMillis(failedAfter)).isLessThan(kafkaTimeout.plusSeconds(10));
            } finally {
                if (pausedAt.get() > 0) {
                    broker.unpause();
                }
            }
            assertThat(Files.readAllBytes(out.resolve("anomaly_report.json"))).isEqualTo(previousReport);
            assertThat(FaultsIT.files(out)).isEqualTo(previousFiles);
            assertThat(previous.eventsRead()).isEqualTo(2_000);
        }
    }

    @Test
    void losingAPartitionLeaderMidReadStillReadsExactlyThePlannedRecords() throws Exception {
        String image = KafkaBrokerExtension.requireContainers("Leader loss in a three-broker cluster");
        String voters = "1@kafka-1:9094,2@kafka-2:9094,3@kafka-3:9094";
        try (Network network = Network.newNetwork()) {
            List<KafkaContainer> nodes = new ArrayList<>();
            for (int id = 1; id <= 3; id++) {
                nodes.add(KafkaBrokerExtension.kafkaContainer(image)
                        .withNetwork(network).withNetworkAliases("kafka-" + id)
                        .withEnv("KAFKA_NODE_ID", Integer.toString(id))
                        .withEnv("KAFKA_CONTROLLER_QUORUM_VOTERS", voters)
                        .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3"));
            }
            long start = System.nanoTime();
            // In parallel: no node reports RUNNING before a majority of the controller quorum is up.
            Startables.deepStart(nodes).join();
            System.err.printf("[it] ContainerFaultsIT (leader loss): three-broker cluster of %s ready in %d ms%n",
                    image, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            try {
                String bootstrap = nodes.stream().map(KafkaContainer::getBootstrapServers)
                        .collect(Collectors.joining(","));
                KafkaBrokerExtension.createTopics(bootstrap, List.of(new NewTopic("replicated", 3, (short) 3)
                        .configs(Map.of("min.insync.replicas", "2"))));
                produce(bootstrap, "replicated", 3, 300_000, 23);

                AtomicReference<String> stopping = new AtomicReference<>();
                AtomicReference<String> stoppingWhenTheReadEnded = new AtomicReference<>();
                AtomicBoolean triggered = new AtomicBoolean();
                Jobs.Recording console = new Jobs.Recording(line -> {
                    if (line.contains("Read 300000 records")) {
                        stoppingWhenTheReadEnded.set(stopping.get());
                    }
                    if (line.contains("Planned 300000") && triggered.compareAndSet(false, true)) {
                        CompletableFuture.runAsync(() -> {
                            FaultsIT.sleep(1_500);
                            int leader = leaderOfPartitionZero(bootstrap);
                            KafkaContainer node = nodes.get(leader - 1);
                            // The leader resigns as soon as the stop begins (a controlled shutdown, up to 10 s before
                            // the kill): that is the moment the read loses it, whether or not the stop has returned.
                            stopping.set("node " + leader + " at " + node.getBootstrapServers());
                            node.getDockerClient().stopContainerCmd(node.getContainerId()).withTimeout(10).exec();
                        });
                    }
                });
                AnomalyReport r = Jobs.run(bootstrap, "replicated", temp.resolve("out"),
                        Jobs.Options.defaults().maxEvents(-1).kafkaTimeout(Duration.ofSeconds(30)), console).report();
                System.err.println("[it] stopped the leader of replicated-0 mid-read: " + stopping.get());
                assertThat(stoppingWhenTheReadEnded.get()).as("the leader was being stopped before the read ended")
                        .isNotNull();
                assertThat(r.eventsRead()).isEqualTo(300_000);
                assertThat(r.malformedEvents()).isZero();
                assertThat(r.offsetRanges()).extracting(AnomalyReport.OffsetRangeEntry::until)
                        .containsExactly(100_000L, 100_000L, 100_000L);
            } finally {
                nodes.forEach(KafkaContainer::stop);
            }
        }
    }

    private static int leaderOfPartitionZero(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            return admin.describeTopics(List.of("replicated")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("replicated").partitions().get(0).leader().id();
        } catch (Exception e) {
            throw new IllegalStateException("cannot find the leader of replicated-0", e);
        }
    }

    private static void produce(String bootstrap, String topic, int partitions, int count, long seed) {
        List<SyntheticEvents.Event> events = Events.sorted(count, seed);
        Events.produce(bootstrap, Map.of("linger.ms", 20, "batch.size", 262_144, "compression.type", "lz4"), p -> {
            for (int i = 0; i < events.size(); i++) {
                p.send(Events.record(topic, i % partitions, events.get(i)));
            }
        });
    }
}
