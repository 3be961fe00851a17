package io.streamguard.plugin.embedded;

import io.streamguard.plugin.launch.RunRequest;
import io.streamguard.plugin.Console;
import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.launch.ClasspathResolver;
import io.streamguard.plugin.launch.JavaProcess;
import io.streamguard.report.GroundTruth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The data of a run without brokers: an embedded Kafka broker in its own JVM, a topic seeded with synthetic events,
 * and the ground truth of the users planted in them.
 *
 * <p>The events are the same for the same settings (the generator is seeded, its timestamps fixed), so the broker's
 * storage is kept in the work directory and the next run with the same settings starts a broker on it instead of
 * formatting a new one and seeding it again: measured here (2 cores, 200,000 events), formatting took 1.5-1.7 s and
 * seeding 3.7-4.1 s of every run. What the storage was seeded with is written beside it ({@value #SEEDED_FILE}) only
 * once the seed is complete; a run reuses it only if that says the same topic, settings, generator and broker, and the
 * restarted broker holds exactly the events seeded, from offset 0. Anything else (another setting, a seed cut short by
 * a kill, a broker that will not start on it, a topic that changed) is said and seeded anew; {@code mvn clean} does
 * the same. A job that crashes on reused storage makes the next run seed anew too: the count cannot see a record whose
 * bytes changed, and the job's read can (Kafka checks each batch's CRC), so such storage fails one run, not every one.
 *
 * <p>One run at a time uses a work directory's broker: an OS lock on {@value #LOCK_FILE} beside the storage (it dies
 * with its process) makes a second run fail at once, saying so, instead of wiping storage a live broker is using.
 */
public final class EmbeddedDataset {

    /** What the broker's storage holds, beside it; written when the seed is complete. */
    static final String SEEDED_FILE = "seeded.properties";
    /** Partitions of the seeded topic. */
    static final int PARTITIONS = 4;
    /** Beside the broker's storage, in the work directory: locked by the run that uses the storage. */
    static final String LOCK_FILE = "broker.lock";
    /** A failed restart's log, kept where the new seed does not delete it. */
    static final String RESTART_LOG = "broker-restart.log";

    private final ClasspathResolver resolver;
    private final PluginVersions versions;
    private final Console console;

    public EmbeddedDataset(ClasspathResolver resolver, PluginVersions versions, Console console) {
        this.resolver = resolver;
        this.versions = versions;
        this.console = console;
    }

    /**
     * A started and seeded broker; closing it stops the broker and lets another run use its storage.
     *
     * @param reused whether an earlier run seeded the events
     */
    public record Seeded(EmbeddedKafkaBroker broker, GroundTruth groundTruth, long events, boolean reused,
                         StorageLock lock) implements AutoCloseable {

        public String bootstrapServers() {
            return broker.bootstrapServers();
        }

        /**
         * Makes the next run seed anew rather than reuse this storage: for a run whose job failed on it.
         *
         * @return whether there was a note to forget
         */
        public boolean forgetSeed() {
            try {
                return Files.deleteIfExists(broker.directory().resolve(SEEDED_FILE));
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public void close() {
            try {
                broker.close();
            } finally {
                lock.close();
            }
        }
    }

    /**
     * The OS lock on {@value #LOCK_FILE}: held from before the storage is read or wiped until the broker stopped. Locks
     * this JVM holds are also kept in {@link #HELD}, and a second one is refused before it opens the file: on Linux,
     * closing any channel of a file drops every lock this process holds on it, the first one's included.
     */
    public static final class StorageLock implements AutoCloseable {
        private static final java.util.Set<Path> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

        private final Path file;
        private final FileChannel channel;

        private StorageLock(Path file, FileChannel channel) {
            this.file = file;
            this.channel = channel;
        }

        static StorageLock take(Path work, Path storage) {
            Path file = work.toAbsolutePath().normalize().resolve(LOCK_FILE);
            if (!HELD.add(file)) {
                throw held(storage, file);
            }
            FileChannel channel = null;
            boolean locked = false;
            try {
                Files.createDirectories(work);
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                locked = channel.tryLock() != null;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock " + file + " for the embedded broker's storage", e);
            } finally {
                if (!locked) {
                    closeQuietly(channel);
                    HELD.remove(file);
                }
            }
            if (!locked) {
                throw held(storage, file);
            }
            return new StorageLock(file, channel);
        }

        private static IllegalStateException held(Path storage, Path file) {
            return new IllegalStateException("Another StreamGuard run is using the embedded broker's storage in "
                    + storage + " (it holds the lock on " + file + "). Wait for it to finish, or give this run a "
                    + "work directory of its own (streamguard.workDirectory).");
        }

        @Override
        public void close() {
            if (channel.isOpen()) {
                closeQuietly(channel); // releases the lock
                HELD.remove(file);
            }
        }

        private static void closeQuietly(FileChannel channel) {
            if (channel == null) {
                return;
            }
            try {
                channel.close();
            } catch (IOException e) {
                // the lock dies with the process at the latest
            }
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

    /**
     * Starts a broker under the request's work directory with the request's topic (4 partitions) seeded: on the
     * storage an earlier run seeded the same way if there is one, else seeded now.
     */
    public Seeded start(RunRequest request) {
        console.info("No streamguard.bootstrapServers given: starting an embedded Kafka broker");
        Path directory = request.workDirectory().resolve("broker");
        StorageLock lock = StorageLock.take(request.workDirectory(), directory);
        try {
            return start(request, directory, lock);
        } catch (RuntimeException | Error e) {
            lock.close();
            throw e;
        }
    }

    private Seeded start(RunRequest request, Path directory, StorageLock lock) {
        try {
            Files.deleteIfExists(directory.resolveSibling(RESTART_LOG)); // an earlier run's, stale now
        } catch (IOException e) {
            // then the next failed restart replaces it, or it stays: it says which run it was
        }
        SyntheticEvents events = new SyntheticEvents(syntheticConfig(request));
        List<Path> classpath = brokerClasspath();
        String seededWith = seededWith(request.topic(), events.config(), classpath);
        Optional<EmbeddedKafkaBroker> reused = reuse(classpath, directory, request.topic(), events, seededWith);
        if (reused.isPresent()) {
            return new Seeded(reused.get(), events.groundTruth(), events.config().events(), true, lock);
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startForOneRun(classpath, directory, console);
        try {
            broker.createTopic(request.topic(), PARTITIONS, Map.of());
            long seeded = TopicSeeder.seed(broker.bootstrapServers(), Map.of(), request.topic(), events, console);
            keepSeededWith(directory, seededWith);
            return new Seeded(broker, events.groundTruth(), seeded, false, lock);
        } catch (RuntimeException | Error e) {
            broker.close();
            throw e;
        }
    }

    /** A broker on the storage an earlier run seeded with {@code seededWith}, if there is one and it holds them. */
    private Optional<EmbeddedKafkaBroker> reuse(List<Path> classpath, Path directory, String topic,
                                                SyntheticEvents events, String seededWith) {
        Path file = directory.resolve(SEEDED_FILE);
        try {
            if (!Files.isRegularFile(file)) {
                if (Files.exists(directory)) {
                    console.info("The embedded broker's storage in " + directory + " holds no complete seed (a run "
                            + "that failed or was stopped, or one before this version): seeding anew.");
                }
                return Optional.empty();
            }
            if (!Files.readString(file, StandardCharsets.UTF_8).equals(seededWith)) {
                console.info("The embedded broker's storage in " + directory + " was seeded with other settings, "
                        + "another topic or another version of the plugin or broker (" + file + "): seeding anew.");
                return Optional.empty();
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        EmbeddedKafkaBroker broker;
        Path log = directory.resolve("broker.log");
        Path keptLog = directory.resolveSibling(RESTART_LOG);
        try {
            Files.deleteIfExists(log); // the last run's broker's: no reason why this one did not start
        } catch (IOException e) {
            return Optional.empty();
        }
        try {
            broker = EmbeddedKafkaBroker.restart(classpath, directory, console);
        } catch (RuntimeException e) {
            // Its log is in the storage the new seed deletes: keep it where the warning says.
            String kept;
            try {
                kept = Files.exists(log) ? "its log is kept in " + Files.copy(log, keptLog) : "no broker was started";
            } catch (IOException notCopied) {
                kept = "its log could not be kept: " + notCopied.getMessage();
            }
            console.warn("Could not start the embedded broker on the events an earlier run seeded in " + directory
                    + " (" + kept + "); seeding anew. Why:\n" + e.getMessage());
            return Optional.empty();
        }
        long expected = events.config().events();
        long records;
        try {
            records = broker.records(topic, PARTITIONS);
        } catch (RuntimeException | Error e) {
            broker.close();
            throw e;
        }
        if (records != expected) {
            console.warn(String.format("The embedded broker's topic '%s' in %s no longer holds the %,d events an "
                    + "earlier run seeded (%s); seeding anew.", topic, directory, expected,
                    records < 0 ? "the topic is gone, or its partitions or first offsets changed"
                            : String.format("%,d records", records)));
            broker.close();
            return Optional.empty();
        }
        console.info(String.format("Reusing the %,d synthetic events an earlier run seeded into '%s' (in %s; "
                + "mvn clean seeds anew)", records, topic, directory));
        return Optional.of(broker);
    }

    /**
     * What a seed of {@code topic} with {@code config} by this generator into this broker holds: the topic, the
     * generator's settings, the generator's own code (a rebuilt plugin may generate other events) and the broker's
     * jars.
     */
    static String seededWith(String topic, SyntheticEvents.Config config, List<Path> brokerClasspath) {
        StringBuilder sb = new StringBuilder("# What this embedded broker's storage was seeded with: a run with the "
                + "same settings reuses it.\n");
        sb.append("topic=").append(topic).append('\n');
        sb.append("partitions=").append(PARTITIONS).append('\n');
        sb.append("events=").append(config).append('\n');
        sb.append("generator=").append(identity(JavaProcess.codeSource(SyntheticEvents.class))).append('\n');
        for (Path jar : brokerClasspath) {
            sb.append("broker=").append(identity(jar)).append('\n');
        }
        return sb.toString();
    }

    private static String identity(Path file) {
        try {
            return file.toAbsolutePath() + " " + Files.size(file) + " " + Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return file.toAbsolutePath() + " unreadable"; // never equal to what a complete seed wrote
        }
    }

    /** Written whole or not at all; a seed that cannot say what it holds is seeded again by the next run. */
    private void keepSeededWith(Path directory, String seededWith) {
        Path file = directory.resolve(SEEDED_FILE);
        try {
            Path partial = Files.writeString(directory.resolve(SEEDED_FILE + ".partial"), seededWith,
                    StandardCharsets.UTF_8);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            console.debug("Could not write " + file + " (" + e.getMessage() + "): the next run seeds anew");
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
