package io.streamguard.plugin.embedded;

import io.streamguard.plugin.Console;
import io.streamguard.plugin.launch.JavaProcess;
import io.streamguard.spec.ClassDataArchive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real Apache Kafka broker (KRaft, broker and controller in one process) in its own JVM on loopback, with its
 * data under a directory of the build. Kafka 4 runs on Scala 2.13 and cannot share a classpath with Spark (2.12),
 * hence the separate process. Close it to stop it; it also stops with the JVM that started it, even when that JVM is
 * killed with -9 (it watches its standard input, a pipe from that JVM).
 *
 * <p>The broker's JVM maps a class-data archive of its classpath ({@link ClassDataArchive#BROKER}); the first broker
 * with a classpath dumps it when it is stopped, which makes that one stop about 4 s longer. Measured here (2 cores,
 * Kafka 4.1): start to "Kafka Server started" 3.2-3.3 s with the archive, 4.5-5.1 s without.
 *
 * <p>A broker that lives for one run ({@link #startForOneRun}, {@link #restart}) compiles with C1 alone: its JVM does
 * its work within seconds, while C2's compiler threads compete with its start for the cores. Measured here, start to
 * "Kafka Server started" on a seeded storage, 3 interleaved rounds: 2.83-2.93 s with C1 alone and
 * {@link #DEDUPE_BUFFER_BYTES}, 3.55-3.78 s with C1 alone, 3.5-4.1 s with neither. Brokers that serve benchmarks and
 * tests for minutes keep the JVM's default.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** Maximum time from start to a broker that answers Admin requests. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    /** Time a stopping broker gets (a class-data dump included) before it is killed. */
    private static final int STOP_GRACE_SECONDS = 15;
    /** How a JVM ends on SIGTERM, once its shutdown hooks ran (128 + 15): a broker asked to stop, not a failure. */
    private static final int EXIT_ON_SIGTERM = 143;
    /**
     * The log cleaner's dedupe buffer ({@code log.cleaner.dedupe.buffer.size}). Kafka's default, 128 MiB, is allocated
     * when the broker starts: 0.7 s of a 3.5 s start here, for a cleaner that only compacts topics of consumer groups
     * and transactions, which the embedded broker barely has. 2 MiB still dedupes about 80,000 keys per pass.
     */
    static final int DEDUPE_BUFFER_BYTES = 2 * 1024 * 1024;
    /** The JIT of a broker that lives for one run: C1 alone (see the class comment). */
    private static final List<String> ONE_RUN_JIT = List.of("-XX:TieredStopAtLevel=1");

    private final Path directory;
    private final int port;
    private final int saslPort;
    private final JavaProcess.Started process;
    private final Optional<ClassDataArchive> classData;
    private final Path log;
    private final Console console;

    private EmbeddedKafkaBroker(Path directory, int port, int saslPort, JavaProcess.Started process,
                                Optional<ClassDataArchive> classData, Path log, Console console) {
        this.directory = directory;
        this.port = port;
        this.saslPort = saslPort;
        this.process = process;
        this.classData = classData;
        this.log = log;
        this.console = console;
    }

    /**
     * Formats a fresh storage directory under {@code directory} and starts a broker on free loopback ports.
     *
     * @param classpath {@code kafka_2.13} with its runtime dependencies and an SLF4J binding
     * @param extraConfig broker properties added to (or replacing) the defaults
     */
    public static EmbeddedKafkaBroker start(List<Path> classpath, Path directory, Map<String, String> extraConfig,
                                            Console console) {
        return start(classpath, directory, extraConfig, Map.of(), console);
    }

    /**
     * Like {@link #start(List, Path, Map, Console)}, plus a SASL/PLAIN listener (see {@link #saslBootstrapServers()})
     * that accepts the given users and passwords, for testing clients that authenticate.
     */
    public static EmbeddedKafkaBroker start(List<Path> classpath, Path directory, Map<String, String> extraConfig,
                                            Map<String, String> saslPlainUsers, Console console) {
        return start(classpath, directory, extraConfig, saslPlainUsers, console, true, List.of());
    }

    /** Like {@link #start(List, Path, Map, Console)}, for a broker that lives as long as one run (C1 alone). */
    public static EmbeddedKafkaBroker startForOneRun(List<Path> classpath, Path directory, Console console) {
        return start(classpath, directory, Map.of(), Map.of(), console, true, ONE_RUN_JIT);
    }

    /**
     * Starts a broker on the storage an earlier broker of {@link #start(List, Path, Map, Console)} left in
     * {@code directory}, with its topics and records, on new free ports (a single KRaft voter elects itself whatever
     * its port), for one run ({@link #startForOneRun}). Fails like a start does if that storage is missing or
     * unusable.
     */
    public static EmbeddedKafkaBroker restart(List<Path> classpath, Path directory, Console console) {
        if (!Files.isRegularFile(directory.resolve("data").resolve("meta.properties"))) {
            throw new IllegalStateException("no broker storage to restart in " + directory);
        }
        return start(classpath, directory, Map.of(), Map.of(), console, false, ONE_RUN_JIT);
    }

    private static EmbeddedKafkaBroker start(List<Path> classpath, Path directory, Map<String, String> extraConfig,
                                             Map<String, String> saslPlainUsers, Console console, boolean fresh,
                                             List<String> jit) {
        try {
            if (fresh) {
                deleteRecursively(directory);
                Files.createDirectories(directory);
            }
            int[] ports = freePorts(saslPlainUsers.isEmpty() ? 2 : 3);
            int port = ports[0];
            int controllerPort = ports[1];
            int saslPort = saslPlainUsers.isEmpty() ? -1 : ports[2];
            Path config = directory.resolve("server.properties");
            Properties props = new Properties();
            props.put("process.roles", "broker,controller");
            props.put("node.id", "1");
            props.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
            props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            props.put("controller.listener.names", "CONTROLLER");
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("log.dirs", directory.resolve("data").toString());
            props.put("num.partitions", "4");
            props.put("offsets.topic.replication.factor", "1");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("share.coordinator.state.topic.replication.factor", "1");
            props.put("share.coordinator.state.topic.min.isr", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.put("auto.create.topics.enable", "false");
            props.put("log.cleaner.dedupe.buffer.size", Integer.toString(DEDUPE_BUFFER_BYTES));
            if (saslPort > 0) {
                props.put("listeners", props.get("listeners") + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
                props.put("advertised.listeners",
                        props.get("advertised.listeners") + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
                props.put("listener.security.protocol.map",
                        props.get("listener.security.protocol.map") + ",SASL_PLAINTEXT:SASL_PLAINTEXT");
                props.put("sasl.enabled.mechanisms", "PLAIN");
                StringBuilder jaas = new StringBuilder(
                        "org.apache.kafka.common.security.plain.PlainLoginModule required");
                saslPlainUsers.forEach((user, password) ->
                        jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
                props.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.append(';').toString());
            }
            // Synthetic events carry historical timestamps: time-based retention must not delete them.
            props.put("log.retention.ms", "-1");
            props.putAll(extraConfig);
            try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                props.store(out, "StreamGuard embedded broker");
            }
            Path log4j = directory.resolve("log4j2.properties");
            Files.writeString(log4j, String.join("\n",
                    "rootLogger.level = warn",
                    "rootLogger.appenderRef.out.ref = out",
                    "appender.out.type = Console",
                    "appender.out.name = out",
                    "appender.out.layout.type = PatternLayout",
                    "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                    "logger.kafka.name = kafka.server.KafkaRaftServer",
                    "logger.kafka.level = info", ""), StandardCharsets.UTF_8);
            List<String> jvm = new ArrayList<>(List.of("-Xmx512m", "-Xms128m", "-XX:+UseSerialGC",
                    "-Dlog4j2.configurationFile=" + log4j.toUri(), "-Djava.awt.headless=true"));
            jvm.addAll(jit);

            long started = System.nanoTime();
            if (fresh) {
                JavaProcess.Result format = new JavaProcess(jvm, classpath, "kafka.tools.StorageTool",
                        List.of("format", "-c", config.toString(), "-t", Uuid.randomUuid().toString(),
                                "--standalone"), Map.of(), directory)
                        .run("kafka-storage-format", line -> console.debug("[kafka-format] " + line));
                if (format.exitCode() != 0) {
                    throw new IllegalStateException("Formatting the embedded broker's storage failed (exit "
                            + format.exitCode() + "):\n" + String.join("\n", format.lastLines()));
                }
            }
            Path log = directory.resolve("broker.log");
            // Exits by itself when this JVM is gone (kill -9 of Maven), not only through the shutdown hook.
            JavaProcess brokerJvm = new JavaProcess(jvm, classpath, "kafka.Kafka", List.of(config.toString()),
                    Map.of(), directory).exitingWithParent();
            Optional<ClassDataArchive> classData = ClassDataArchive.forClasspath(ClassDataArchive.BROKER,
                    brokerJvm.classpath());
            if (classData.isPresent()) {
                brokerJvm = brokerJvm.withJvmOptions(classData.get().jvmOptions());
            }
            JavaProcess.Started process = brokerJvm.start("kafka-broker", log);
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(directory, port, saslPort, process, classData, log,
                    console);
            broker.awaitReady();
            console.info(String.format("Embedded Kafka broker %s ready at %s in %.1f s (data in %s)",
                    brokerVersion(classpath), broker.bootstrapServers(), (System.nanoTime() - started) / 1e9,
                    directory));
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the embedded broker in " + directory, e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The SASL/PLAIN listener, when the broker was started with users. */
    public String saslBootstrapServers() {
        if (saslPort < 0) {
            throw new IllegalStateException("this broker was started without a SASL listener");
        }
        return "127.0.0.1:" + saslPort;
    }

    public Path directory() {
        return directory;
    }

    /** Creates {@code topic} with {@code partitions} partitions (replication factor 1) if it does not exist. */
    public void createTopic(String topic, int partitions, Map<String, String> config) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(config)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause().getMessage(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the embedded broker did not create topic " + topic + " within 30 s", e);
        }
    }

    /**
     * The records of {@code topic} if it has exactly {@code partitions} partitions and every one still starts at
     * offset 0 (nothing deleted); else -1. Its end offsets, summed: a topic written only by non-transactional
     * producers holds a record at every offset.
     */
    public long records(String topic, int partitions) {
        try (Admin admin = admin()) {
            var description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic);
            if (description.partitions().size() != partitions) {
                return -1;
            }
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (var partition : description.partitions()) {
                var tp = new TopicPartition(topic, partition.partition());
                earliest.put(tp, OffsetSpec.earliest());
                latest.put(tp, OffsetSpec.latest());
            }
            var starts = admin.listOffsets(earliest).all().get(30, TimeUnit.SECONDS);
            if (starts.values().stream().anyMatch(o -> o.offset() != 0)) {
                return -1;
            }
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(o -> o.offset()).sum();
        } catch (ExecutionException e) {
            return -1; // no such topic, or the broker could not say: either way not the records asked for
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while counting the records of " + topic, e);
        } catch (TimeoutException e) {
            return -1;
        }
    }

    /** Kills the broker at once, as a crash would (for fault tests). */
    public void kill() {
        process.process().destroyForcibly();
        try {
            process.process().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        return Admin.create(p);
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.process().isAlive()) {
                throw new IllegalStateException("The embedded Kafka broker exited with code "
                        + process.process().exitValue() + " during start-up. Its log (" + log + ") ends with:\n"
                        + tail(log));
            }
            if (!acceptsConnections()) {
                sleep(100);
                continue;
            }
            try (Admin admin = admin()) {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while waiting for the embedded broker", e);
            }
            sleep(200);
        }
        close();
        throw new IllegalStateException("The embedded Kafka broker did not become ready within "
                + READY_TIMEOUT.toSeconds() + " s (last error: " + last + "). Its log (" + log + ") ends with:\n"
                + tail(log));
    }

    /** A TCP probe first, so the Admin client does not log a warning for every attempt before the port opens. */
    private boolean acceptsConnections() {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stops the broker (SIGTERM, then SIGKILL after {@value #STOP_GRACE_SECONDS} s). A broker that stopped as asked
     * keeps its class-data dump as the archive; a killed or crashed one does not.
     */
    @Override
    public void close() {
        process.stop(STOP_GRACE_SECONDS);
        if (classData.isEmpty() || process.process().isAlive()) {
            return;
        }
        int exit = process.process().exitValue();
        if (classData.get().forkEnded(exit == EXIT_ON_SIGTERM ? 0 : exit)) {
            console.warn("The embedded broker's JVM died of a fatal error while mapping the class-data archive "
                    + classData.get().archive() + "; it was deleted, and the next run makes a new one.");
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static String brokerVersion(List<Path> classpath) {
        return classpath.stream().map(p -> p.getFileName().toString())
                .filter(n -> n.startsWith("kafka_2.13-")).findFirst()
                .map(n -> n.substring("kafka_2.13-".length(), n.length() - ".jar".length())).orElse("");
    }

    /** Distinct free loopback ports: all sockets stay open until every port is known (one at a time, the OS may
     * hand out the same port twice). */
    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }
}
