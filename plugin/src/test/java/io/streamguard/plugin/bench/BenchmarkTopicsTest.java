package io.streamguard.plugin.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.StandaloneResolver;
import io.streamguard.plugin.embedded.EmbeddedKafkaBroker;
import io.streamguard.plugin.launch.StreamGuardRunner;
import io.streamguard.plugin.embedded.SyntheticEvents;
import io.streamguard.plugin.embedded.TopicSeeder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Benchmark topics on brokers the user named, against a real (embedded) broker: seeded only when asked to. */
class BenchmarkTopicsTest {

    private static EmbeddedKafkaBroker broker;
    private static BenchmarkRunner runner;

    @BeforeAll
    static void startBroker() {
        StreamGuardRunner streamGuard = new StreamGuardRunner(StandaloneResolver.create(), PluginVersions.load(),
                StandaloneResolver.console());
        broker = EmbeddedKafkaBroker.start(streamGuard.embeddedDataset().brokerClasspath(),
                Path.of("target", "benchmark-topics-broker").toAbsolutePath(), Map.of(), StandaloneResolver.console());
        runner = new BenchmarkRunner(StandaloneResolver.create(), PluginVersions.load(), StandaloneResolver.console());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aMissingTopicIsAnErrorNamingTheTopicAndTheFlagUntilSeedingIsAllowed() {
        String servers = broker.bootstrapServers();
        assertThatThrownBy(() -> runner.prepareTopics(servers, List.of(120L), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Topic bench-120 does not exist on " + servers + ". The benchmark creates and seeds topics "
                        + "on brokers you name only when asked to: add -Dstreamguard.benchmark.seedTopics=true to "
                        + "create bench-120 (4 partitions) and write 120 synthetic events into it.");

        runner.prepareTopics(servers, List.of(120L), true);
        runner.prepareTopics(servers, List.of(120L), false); // now there, with exactly 120 events: reused
    }

    @Test
    void aTopicOfTheWrongSizeIsAnErrorEvenWithSeedingAllowed() {
        String servers = broker.bootstrapServers();
        broker.createTopic("bench-300", 4, Map.of());
        TopicSeeder.seed(servers, Map.of(), "bench-300", new SyntheticEvents(SyntheticEvents.Config.defaults(40)),
                StandaloneResolver.console());
        for (boolean seed : new boolean[] {false, true}) {
            assertThatThrownBy(() -> runner.prepareTopics(servers, List.of(300L), seed))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Topic bench-300 exists on " + servers + " with 40 records instead of 300")
                    .hasMessageContaining("streamguard.benchmark.seedTopics=true");
        }
    }
}
