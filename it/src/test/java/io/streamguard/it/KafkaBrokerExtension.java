package io.streamguard.it;

import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.StandaloneResolver;
import io.streamguard.plugin.broker.EmbeddedKafkaBroker;
import io.streamguard.plugin.run.StreamGuardRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Gives a test class one real broker: Testcontainers' {@link KafkaContainer} (apache/kafka image) where a Docker
 * engine answers, otherwise the plugin's {@link EmbeddedKafkaBroker} (the same class {@code streamguard:run} uses,
 * not a copy). Test methods receive it as a {@link TestBroker} parameter; the log says which one ran.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    static final String KAFKA_IMAGE = "apache/kafka:3.9.1";
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        TestBroker broker = start(context.getRequiredTestClass().getSimpleName());
        System.err.println("[it] " + context.getRequiredTestClass().getSimpleName() + " runs against the "
                + broker.kind() + " Kafka broker at " + broker.bootstrapServers());
        context.getStore(NS).put(TestBroker.class, broker);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TestBroker broker = context.getStore(NS).remove(TestBroker.class, TestBroker.class);
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NS).get(TestBroker.class, TestBroker.class);
    }

    static TestBroker start(String name) {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | Error e) {
            docker = false;
        }
        return docker ? new ContainerBroker() : new Embedded(name);
    }

    /** The plugin's embedded broker, for machines without a Docker engine (as our CI). */
    static final class Embedded implements TestBroker {
        private final EmbeddedKafkaBroker broker;

        Embedded(String name) {
            this.broker = EmbeddedKafkaBroker.start(brokerClasspath(), Path.of("target", "brokers", name).toAbsolutePath(),
                    Map.of(), StandaloneResolver.console());
        }

        @Override
        public String bootstrapServers() {
            return broker.bootstrapServers();
        }

        @Override
        public String kind() {
            return "embedded";
        }

        @Override
        public void createTopic(String topic, int partitions, Map<String, String> config) {
            broker.createTopic(topic, partitions, config);
        }

        @Override
        public void kill() {
            broker.kill();
        }

        @Override
        public void close() {
            broker.close();
        }
    }

    /** A Kafka container, where Docker runs. */
    static final class ContainerBroker implements TestBroker {
        private final KafkaContainer container;

        ContainerBroker() {
            container = new KafkaContainer(KAFKA_IMAGE);
            container.start();
        }

        @Override
        public String bootstrapServers() {
            return container.getBootstrapServers();
        }

        @Override
        public String kind() {
            return "testcontainers (" + KAFKA_IMAGE + ")";
        }

        @Override
        public void createTopic(String topic, int partitions, Map<String, String> config) {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            try (Admin admin = Admin.create(p)) {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(config)))
                        .all().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("cannot create topic " + topic, e);
            }
        }

        @Override
        public void kill() {
            container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
        }

        @Override
        public void close() {
            container.stop();
        }
    }

    private static List<Path> brokerClasspath;

    /** Resolved once per test JVM. */
    static synchronized List<Path> brokerClasspath() {
        if (brokerClasspath == null) {
            brokerClasspath = runner().brokerClasspath();
        }
        return brokerClasspath;
    }

    static StreamGuardRunner runner() {
        return new StreamGuardRunner(StandaloneResolver.create(), PluginVersions.load(), StandaloneResolver.console());
    }
}
