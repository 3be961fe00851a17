package io.streamguard.plugin.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamguard.plugin.Console;
import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.StandaloneResolver;
import io.streamguard.plugin.launch.JavaProcess;
import io.streamguard.plugin.launch.RunRequest;
import io.streamguard.report.GroundTruth;
import io.streamguard.spec.ClassDataArchive;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run without brokers seeds its topic once: the next run with the same settings starts a real broker on the same
 * storage, and anything that makes that storage differ from what was seeded seeds anew. The broker's JVM gets a
 * class-data archive: a broker stopped as the plugin stops it keeps its dump, and the next broker maps it.
 */
class EmbeddedDatasetTest {

    @TempDir
    Path temp;

    private String archivesBefore;

    @BeforeEach
    void archivesOfItsOwn() {
        archivesBefore = System.getProperty(ClassDataArchive.DIRECTORY_PROPERTY);
        System.setProperty(ClassDataArchive.DIRECTORY_PROPERTY, temp.resolve("class-data").toString());
    }

    @AfterEach
    void restoreArchives() {
        if (archivesBefore == null) {
            System.clearProperty(ClassDataArchive.DIRECTORY_PROPERTY);
        } else {
            System.setProperty(ClassDataArchive.DIRECTORY_PROPERTY, archivesBefore);
        }
    }

    /** The console's lines, as "LEVEL message", and on stderr as usual. */
    private final List<String> said = new ArrayList<>();
    private final Console console = new Console() {
        @Override
        public void info(String message) {
            said.add("INFO " + message);
            System.err.println("[INFO] " + message);
        }

        @Override
        public void warn(String message) {
            said.add("WARN " + message);
            System.err.println("[WARNING] " + message);
        }

        @Override
        public void debug(String message) {
        }
    };

    private RunRequest request(long events) {
        return RunRequest.builder().embeddedEvents(events).workDirectory(temp.resolve("work"))
                .outputDirectory(temp.resolve("out")).build();
    }

    private List<String> saidSince(int mark) {
        return List.copyOf(said.subList(mark, said.size()));
    }

    @Test
    void aRunWithTheSameSettingsReusesTheSeededTopicAndAnythingElseSeedsAnew() throws Exception {
        EmbeddedDataset dataset = new EmbeddedDataset(StandaloneResolver.create(), PluginVersions.load(), console);
        Path seededFile = temp.resolve("work").resolve("broker").resolve(EmbeddedDataset.SEEDED_FILE);
        String topic = request(2_000).topic();

        GroundTruth truth;
        try (EmbeddedDataset.Seeded first = dataset.start(request(2_000))) {
            assertThat(brokerCommandLine()).contains("-XX:ArchiveClassesAtExit=");
            assertThat(first.events()).isEqualTo(2_000);
            assertThat(first.broker().records(topic, EmbeddedDataset.PARTITIONS)).isEqualTo(2_000);
            truth = first.groundTruth();
        }
        assertThat(said).anyMatch(l -> l.startsWith("INFO Seeded '" + topic + "' with 2,000 synthetic events"));
        assertThat(Files.readString(seededFile)).contains("topic=" + topic + "\n", "events=Config[events=2000, ");
        List<Path> archives = archives();
        assertThat(archives).hasSize(2);
        assertThat(archives.get(0).toString()).startsWith("kafka-broker-").endsWith(".jsa");
        assertThat(archives.get(1).toString()).isEqualTo(archives.get(0) + ".length");
        // Stopped through its handle: the broker did not take the stop for its parent's end (it would exit 7).
        assertThat(Files.readString(seededFile.resolveSibling("broker.log"))).doesNotContain("is gone");

        int mark = said.size();
        try (EmbeddedDataset.Seeded second = dataset.start(request(2_000))) {
            assertThat(second.reused()).isTrue();
            assertThat(brokerCommandLine()).contains("-XX:SharedArchiveFile="
                    + temp.resolve("class-data").resolve(archives.get(0)));
            assertThat(second.events()).isEqualTo(2_000);
            assertThat(second.groundTruth()).isEqualTo(truth);
            assertThat(second.broker().records(topic, EmbeddedDataset.PARTITIONS)).isEqualTo(2_000);
            // A second run in the same work directory fails at once, and leaves this one's storage alone.
            assertThatThrownBy(() -> dataset.start(request(2_000))).isInstanceOf(IllegalStateException.class)
                    .hasMessage("Another StreamGuard run is using the embedded broker's storage in "
                            + seededFile.getParent() + " (it holds the lock on " + temp.resolve("work")
                            .resolve(EmbeddedDataset.LOCK_FILE) + "). Wait for it to finish, or give this run a work "
                            + "directory of its own (streamguard.workDirectory).");
            assertThat(second.broker().records(topic, EmbeddedDataset.PARTITIONS)).isEqualTo(2_000);
            assertThat(lockSeenByAnotherProcess()).as("the first run's lock, after the second was refused")
                    .isEqualTo("held");
            // Someone else's record, written while the broker runs: the topic no longer holds what was seeded.
            produceOne(second.bootstrapServers(), topic);
        }
        assertThat(saidSince(mark)).anyMatch(l -> l.startsWith("INFO Reusing the 2,000 synthetic events an earlier "
                + "run seeded into '" + topic + "'")).noneMatch(l -> l.contains("Seed"));

        mark = said.size();
        try (EmbeddedDataset.Seeded third = dataset.start(request(2_000))) {
            assertThat(third.broker().records(topic, EmbeddedDataset.PARTITIONS)).isEqualTo(2_000);
        }
        assertThat(saidSince(mark)).anyMatch(l -> l.equals("WARN The embedded broker's topic '" + topic + "' in "
                + temp.resolve("work").resolve("broker") + " no longer holds the 2,000 events an earlier run seeded "
                + "(2,001 records); seeding anew."))
                .anyMatch(l -> l.startsWith("INFO Seeded '" + topic + "' with 2,000 synthetic events"));

        // Storage a broker will not start on: the warning says why, and the log that says it is kept.
        Path meta = seededFile.resolveSibling("data").resolve("meta.properties");
        Files.writeString(meta, Files.readString(meta).replace("node.id=1", "node.id=2"));
        mark = said.size();
        try (EmbeddedDataset.Seeded restarted = dataset.start(request(2_000))) {
            assertThat(restarted.reused()).isFalse();
            assertThat(restarted.broker().records(topic, EmbeddedDataset.PARTITIONS)).isEqualTo(2_000);
        }
        Path restartLog = temp.resolve("work").resolve(EmbeddedDataset.RESTART_LOG);
        assertThat(saidSince(mark)).anyMatch(l -> l.startsWith("WARN Could not start the embedded broker on the events "
                + "an earlier run seeded in " + seededFile.getParent() + " (its log is kept in " + restartLog
                + "); seeding anew. Why:\nThe embedded Kafka broker exited with code 1 during start-up."))
                .anyMatch(l -> l.startsWith("INFO Seeded '" + topic + "' with 2,000 synthetic events"));
        assertThat(restartLog).content().contains("Stored node id 2 doesn't match previous node id 1");

        mark = said.size();
        try (EmbeddedDataset.Seeded fourth = dataset.start(request(3_000))) {
            assertThat(fourth.events()).isEqualTo(3_000);
            assertThat(fourth.broker().records(topic, EmbeddedDataset.PARTITIONS)).isEqualTo(3_000);
        }
        assertThat(saidSince(mark)).anyMatch(l -> l.equals("INFO The embedded broker's storage in "
                + seededFile.getParent() + " was seeded with other settings, another topic or another version of the "
                + "plugin or broker (" + seededFile + "): seeding anew."))
                .anyMatch(l -> l.startsWith("INFO Seeded '" + topic + "' with 3,000 synthetic events"))
                .noneMatch(l -> l.contains("Reusing") || l.startsWith("WARN"));
        assertThat(Files.readString(seededFile)).contains("events=Config[events=3000, ");
        assertThat(archives()).isEqualTo(archives);
        assertThat(lockSeenByAnotherProcess()).as("released with the broker").isEqualTo("free");
        assertThat(temp.resolve("work").resolve(EmbeddedDataset.RESTART_LOG)).as("an earlier run's, stale")
                .doesNotExist();
    }

    private String lockSeenByAnotherProcess() {
        JavaProcess.Result probe = new JavaProcess(List.of("-Xmx32m"), List.of(JavaProcess.codeSource(LockProbe.class)),
                LockProbe.class.getName(), List.of(temp.resolve("work").resolve(EmbeddedDataset.LOCK_FILE).toString()),
                java.util.Map.of(), temp).run("lock-probe", line -> { });
        assertThat(probe.exitCode()).isZero();
        return String.join("\n", probe.lastLines());
    }

    private List<Path> archives() throws java.io.IOException {
        try (Stream<Path> found = Files.list(temp.resolve("class-data"))) {
            return found.map(Path::getFileName).sorted().toList();
        }
    }

    private static String brokerCommandLine() {
        return ProcessHandle.current().children().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("kafka.Kafka")).findFirst().orElseThrow();
    }

    private static void produceOne(String bootstrapServers, String topic) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(topic, "{}".getBytes(StandardCharsets.UTF_8))).get();
        }
    }
}
