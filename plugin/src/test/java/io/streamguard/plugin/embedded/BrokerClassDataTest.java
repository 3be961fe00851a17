package io.streamguard.plugin.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.StandaloneResolver;
import io.streamguard.plugin.launch.ClasspathResolver;
import io.streamguard.spec.ClassDataArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker's JVM gets a class-data archive: a real broker, stopped as the plugin stops it, keeps its dump,
 * and the next broker maps it.
 */
class BrokerClassDataTest {

    @TempDir
    Path temp;

    private String directoryBefore;

    @BeforeEach
    void ownArchiveDirectory() {
        directoryBefore = System.getProperty(ClassDataArchive.DIRECTORY_PROPERTY);
        System.setProperty(ClassDataArchive.DIRECTORY_PROPERTY, temp.resolve("class-data").toString());
    }

    @AfterEach
    void restoreArchiveDirectory() {
        if (directoryBefore == null) {
            System.clearProperty(ClassDataArchive.DIRECTORY_PROPERTY);
        } else {
            System.setProperty(ClassDataArchive.DIRECTORY_PROPERTY, directoryBefore);
        }
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> found = Files.list(temp.resolve("class-data"))) {
            return found.map(Path::getFileName).sorted().toList();
        }
    }

    @Test
    void aBrokerStoppedAsAskedKeepsItsDumpAndTheNextBrokerMapsIt() throws IOException {
        ClasspathResolver resolver = StandaloneResolver.create();
        List<Path> classpath = new EmbeddedDataset(resolver, PluginVersions.load(), StandaloneResolver.console())
                .brokerClasspath();
        Path directory = temp.resolve("broker");

        EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start(classpath, directory, Map.of(),
                StandaloneResolver.console());
        assertThat(brokerCommandLine()).contains("-XX:ArchiveClassesAtExit=");
        first.close();
        List<Path> kept = files();
        assertThat(kept).hasSize(2);
        assertThat(kept.get(0).toString()).startsWith("kafka-broker-").endsWith(".jsa");
        assertThat(kept.get(1).toString()).isEqualTo(kept.get(0) + ".length");
        // Stopped through its handle: the broker did not take the stop for its parent's end (it would exit 7).
        assertThat(Files.readString(directory.resolve("broker.log"))).doesNotContain("is gone");

        EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start(classpath, directory, Map.of(),
                StandaloneResolver.console());
        try {
            assertThat(brokerCommandLine()).contains("-XX:SharedArchiveFile="
                    + temp.resolve("class-data").resolve(kept.get(0)));
        } finally {
            second.close();
        }
        assertThat(files()).isEqualTo(kept);
    }

    private static String brokerCommandLine() {
        return ProcessHandle.current().children().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("kafka.Kafka")).findFirst().orElseThrow();
    }
}
