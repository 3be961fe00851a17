package io.streamguard.plugin.embedded;

import io.streamguard.plugin.launch.RunRequest;
import io.streamguard.plugin.Console;
import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.launch.ClasspathResolver;
import io.streamguard.report.GroundTruth;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The data of a run without brokers: an embedded Kafka broker in its own JVM, a topic seeded with synthetic events,
 * and the ground truth of the users planted in them.
 */
public final class EmbeddedDataset {

    private final ClasspathResolver resolver;
    private final PluginVersions versions;
    private final Console console;

    public EmbeddedDataset(ClasspathResolver resolver, PluginVersions versions, Console console) {
        this.resolver = resolver;
        this.versions = versions;
        this.console = console;
    }

    /** A started and seeded broker; closing it stops the broker. */
    public record Seeded(EmbeddedKafkaBroker broker, GroundTruth groundTruth, long events) implements AutoCloseable {

        public String bootstrapServers() {
            return broker.bootstrapServers();
        }

        @Override
        public void close() {
            broker.close();
        }
    }

    /**
     * The embedded broker's classpath: Kafka (Scala 2.13) and log4j2's binding for the SLF4J 1.7 API that Kafka
     * brings; without a binding the broker logs nothing at all, not even why it failed to start.
     */
    public List<Path> brokerClasspath() {
        return resolver.resolve(List.of(
                "org.apache.kafka:kafka_2.13:" + versions.kafkaBrokerVersion(),
                "org.apache.logging.log4j:log4j-slf4j-impl:" + versions.brokerLog4jVersion()), Map.of());
    }

    /** Starts a broker under the request's work directory and seeds the request's topic (4 partitions). */
    public Seeded start(RunRequest request) {
        console.info("No streamguard.bootstrapServers given: starting an embedded Kafka broker");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(brokerClasspath(),
                request.workDirectory().resolve("broker"), Map.of(), console);
        try {
            broker.createTopic(request.topic(), 4, Map.of());
            SyntheticEvents events = new SyntheticEvents(syntheticConfig(request));
            long seeded = TopicSeeder.seed(broker.bootstrapServers(), Map.of(), request.topic(), events, console);
            return new Seeded(broker, events.groundTruth(), seeded);
        } catch (RuntimeException | Error e) {
            broker.close();
            throw e;
        }
    }

    static SyntheticEvents.Config syntheticConfig(RunRequest request) {
        SyntheticEvents.Config defaults = SyntheticEvents.Config.defaults(request.embeddedEvents());
        List<SyntheticEvents.Behaviour> behaviours = request.embeddedBehaviours().isEmpty()
                ? List.of(SyntheticEvents.Behaviour.values())
                : request.embeddedBehaviours().stream().map(SyntheticEvents.Behaviour::of).toList();
        return new SyntheticEvents.Config(defaults.events(), defaults.seed(), defaults.end(), defaults.span(),
                request.embeddedAnomalousShare(), behaviours);
    }
}
