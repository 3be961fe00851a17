package io.streamguard.it;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.StandaloneResolver;
import io.streamguard.plugin.embedded.EmbeddedKafkaBroker;
import io.streamguard.plugin.launch.StreamGuardRunner;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Gives a test class one real broker, chosen by the system property {@value #BROKER_PROPERTY}:
 * <ul>
 *   <li>{@code container}: Testcontainers' {@link KafkaContainer} on the project's Kafka image (built locally by
 *       {@code it/docker/prepare.sh up}, named by {@value #IMAGE_PROPERTY}); fails when that is impossible, never
 *       falls back;</li>
 *   <li>{@code embedded}: the plugin's {@link EmbeddedKafkaBroker} (the class {@code streamguard:run} uses);</li>
 *   <li>{@code auto} (default): the container when a Docker engine answers and the image exists, else embedded.</li>
 * </ul>
 * Test methods receive the broker as a {@link TestBroker} parameter; every class logs which broker it got and why.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    static final String BROKER_PROPERTY = "streamguard.it.broker";
    static final String IMAGE_PROPERTY = "streamguard.it.kafkaImage";
    /**
     * Builds the image and names it; the one place that knows the image's name (a hash of its inputs). Found from the
     * test classes (it/target/test-classes), as the tests run in it/ and the samples' hooks in the build's directory.
     */
    static final Path PREPARE_SCRIPT = testClasses().resolve("../../docker/prepare.sh").normalize();
    static final String HOW_TO_BUILD = "Run it/docker/prepare.sh up (as root: it installs and starts a Docker engine "
            + "and builds the Kafka image locally).";

    private static final String WHERE_ENV = "(failsafe sets TESTCONTAINERS_RYUK_DISABLED=true and "
            + "TESTCONTAINERS_HOST_OVERRIDE=localhost for the tests; the invoker samples' hooks run in Maven's JVM, "
            + "so export both before running Maven, as .ci/run does)";
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        String name = context.getRequiredTestClass().getSimpleName();
        TestBroker broker = start(name);
        System.err.println("[it] " + name + " runs against the " + broker.kind() + " Kafka broker at "
                + broker.bootstrapServers() + " (" + choice().reason() + ")");
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

    /** A broker of the chosen kind, for tests that need one of their own (one they break). */
    static TestBroker start(String name) {
        Choice choice = choice();
        return choice.container() ? new ContainerBroker(choice.image()) : new Embedded(name);
    }

    /**
     * Skips the calling test (with the reason in the log) unless the brokers are containers: faults that only
     * containers can make (a paused broker, a multi-broker cluster). CI runs with {@code container}, so they run there.
     */
    static String requireContainers(String what) {
        Choice choice = choice();
        if (!choice.container()) {
            String reason = what + " needs container brokers; this run uses the embedded broker (" + choice.reason()
                    + "). " + HOW_TO_BUILD;
            System.err.println("[it] skipped: " + reason);
            Assumptions.abort(reason);
        }
        return choice.image();
    }

    /** Which broker this test JVM uses, and why. */
    record Choice(boolean container, String image, String reason) {
    }

    private static Choice choice;

    static synchronized Choice choice() {
        if (choice == null) {
            choice = choose(System.getProperty(BROKER_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT),
                    System.getProperty(IMAGE_PROPERTY, "").trim());
        }
        return choice;
    }

    static Choice choose(String mode, String configuredImage) {
        switch (mode) {
            case "embedded":
                return new Choice(false, null, BROKER_PROPERTY + "=embedded");
            case "container", "auto", "":
                break;
            default:
                throw new IllegalArgumentException(BROKER_PROPERTY + "=" + mode
                        + " is not a broker choice: use container, embedded or auto.");
        }
        boolean required = mode.equals("container");
        String label = BROKER_PROPERTY + "=" + (required ? "container" : "auto");
        String problem;
        String image = configuredImage;
        if (!"true".equals(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
            // Ryuk is an image from a registry; with it enabled the first Docker call retries pulling it for minutes.
            problem = "the environment variable TESTCONTAINERS_RYUK_DISABLED is not 'true' " + WHERE_ENV;
        } else if (Files.exists(Path.of("/.dockerenv")) && System.getenv("TESTCONTAINERS_HOST_OVERRIDE") == null) {
            // With /.dockerenv Testcontainers believes it runs in a container and pulls alpine to find a gateway.
            problem = "/.dockerenv exists and the environment variable TESTCONTAINERS_HOST_OVERRIDE is not set "
                    + WHERE_ENV;
        } else if (!dockerAnswers()) {
            problem = "no Docker engine answers";
        } else {
            if (image.isEmpty()) {
                image = imageFromPrepareScript();
            }
            problem = image == null ? "cannot name the Kafka image: " + PREPARE_SCRIPT.toAbsolutePath()
                    + " image did not answer" : imageExists(image) ? null : "the image " + image
                    + " does not exist locally (nothing is ever pulled)";
        }
        if (problem == null) {
            return new Choice(true, image, label + ", a Docker engine answers and " + image + " exists");
        }
        if (required) {
            throw new IllegalStateException(label + " but " + problem + ". " + HOW_TO_BUILD + " Or choose -D"
                    + BROKER_PROPERTY + "=embedded.");
        }
        return new Choice(false, null, label + " and " + problem);
    }

    private static boolean dockerAnswers() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | Error e) {
            return false;
        }
    }

    private static boolean imageExists(String image) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private static Path testClasses() {
        try {
            return Path.of(KafkaBrokerExtension.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The name prepare.sh gives the image it builds; null when the script cannot run (no bash). */
    private static String imageFromPrepareScript() {
        try {
            Process p = new ProcessBuilder("bash", PREPARE_SCRIPT.toString(), "image")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty() ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * The project's image as Testcontainers' {@link KafkaContainer} expects apache/kafka, configured as the embedded
     * broker is where it matters to the tests; small heap, ports published on 127.0.0.1 only (all test traffic goes
     * there).
     */
    static KafkaContainer kafkaContainer(String image) {
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("apache/kafka"))
                .withEnv("KAFKA_HEAP_OPTS", "-Xmx256m -Xms64m")
                // The log cleaner's 128 MB default buffer does not fit a small heap (OutOfMemoryError at start).
                .withEnv("KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE", Integer.toString(16 << 20))
                // Synthetic events carry historical timestamps: time-based retention would delete them 30 s in.
                .withEnv("KAFKA_LOG_RETENTION_MS", "-1")
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        return onLoopback(container);
    }

    /** Publishes the container's exposed ports on 127.0.0.1 (random host ports) instead of every interface. */
    static <C extends GenericContainer<C>> C onLoopback(C container) {
        return container.withCreateContainerCmdModifier(cmd -> {
            Ports ports = new Ports();
            for (ExposedPort port : cmd.getExposedPorts()) {
                ports.bind(port, Ports.Binding.bindIp("127.0.0.1"));
            }
            cmd.getHostConfig().withPortBindings(ports);
        });
    }

    /** The plugin's embedded broker. */
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

    /** A Kafka container on the project's image. */
    static final class ContainerBroker implements TestBroker {
        private final String image;
        final KafkaContainer container;

        ContainerBroker(String image) {
            this.image = image;
            this.container = kafkaContainer(image);
            long start = System.nanoTime();
            container.start();
            System.err.printf("[it] container %s (%s) ready in %d ms%n", container.getContainerId().substring(0, 12),
                    image, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }

        @Override
        public String bootstrapServers() {
            return container.getBootstrapServers();
        }

        @Override
        public String kind() {
            return "container (" + image + ")";
        }

        @Override
        public void createTopic(String topic, int partitions, Map<String, String> config) {
            createTopics(bootstrapServers(), List.of(new NewTopic(topic, partitions, (short) 1).configs(config)));
        }

        /** Freezes the broker's processes: it keeps its connections open and stops answering (a hung broker). */
        void pause() {
            container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
        }

        void unpause() {
            container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
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

    static void createTopics(String bootstrapServers, List<NewTopic> topics) {
        createTopics(bootstrapServers, Map.of(), topics);
    }

    /** With client settings, e.g. SASL. */
    static void createTopics(String bootstrapServers, Map<String, ?> clientConfig, List<NewTopic> topics) {
        Properties p = new Properties();
        p.putAll(clientConfig);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics " + topics + " on " + bootstrapServers, e);
        }
    }

    private static List<Path> brokerClasspath;

    /** Resolved once per test JVM. */
    static synchronized List<Path> brokerClasspath() {
        if (brokerClasspath == null) {
            brokerClasspath = runner().embeddedDataset().brokerClasspath();
        }
        return brokerClasspath;
    }

    static StreamGuardRunner runner() {
        return new StreamGuardRunner(StandaloneResolver.create(), PluginVersions.load(), StandaloneResolver.console());
    }
}
