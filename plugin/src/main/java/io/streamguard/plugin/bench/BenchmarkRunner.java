package io.streamguard.plugin.bench;

import io.streamguard.plugin.Console;
import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.broker.EmbeddedKafkaBroker;
import io.streamguard.plugin.fork.JavaProcess;
import io.streamguard.plugin.fork.SparkJvmOptions;
import io.streamguard.plugin.resolve.ClasspathResolver;
import io.streamguard.plugin.run.SparkApplicationClasspath;
import io.streamguard.plugin.run.StreamGuardRunner;
import io.streamguard.plugin.seed.SyntheticEvents;
import io.streamguard.plugin.seed.TopicSeeder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Prepares a broker with one seeded topic per size, forks {@code org.openjdk.jmh.Main} on the benchmarks' classpath
 * (JMH's own forks inherit it, with Spark's JVM flags through {@code -jvmArgsAppend}), and reads JMH's JSON back.
 */
public final class BenchmarkRunner {

    public static final String RESULTS = "results.json";

    private final ClasspathResolver resolver;
    private final PluginVersions versions;
    private final Console console;

    public BenchmarkRunner(ClasspathResolver resolver, PluginVersions versions, Console console) {
        this.resolver = resolver;
        this.versions = versions;
        this.console = console;
    }

    /** What a finished run produced; {@code comparison} is null without a baseline. */
    public record Outcome(Path directory, List<JmhResult> results, List<BaselineComparison.Entry> comparison) {

        public boolean regressed() {
            return comparison != null && comparison.stream()
                    .anyMatch(e -> e.status() == BaselineComparison.Status.REGRESSION);
        }
    }

    public Outcome run(BenchmarkRequest request) {
        List<Path> classpath = SparkApplicationClasspath.resolve(resolver, versions, "streamguard-benchmarks");
        Path out = request.outputDirectory().resolve("benchmarks");
        try {
            Files.createDirectories(out);
            Files.deleteIfExists(out.resolve(RESULTS));
            if (request.bootstrapServers() == null || request.bootstrapServers().isBlank()) {
                StreamGuardRunner brokerSide = new StreamGuardRunner(resolver, versions, console);
                try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(brokerSide.brokerClasspath(),
                        request.workDirectory().resolve("bench-broker"), Map.of(), console)) {
                    prepareTopics(broker.bootstrapServers(), request.topicSizes());
                    fork(request, classpath, broker.bootstrapServers(), out);
                }
            } else {
                prepareTopics(request.bootstrapServers(), request.topicSizes());
                fork(request, classpath, request.bootstrapServers(), out);
            }
            List<JmhResult> results = JmhResult.read(out.resolve(RESULTS));
            List<BaselineComparison.Entry> comparison = null;
            if (request.baseline() != null) {
                if (!Files.isRegularFile(request.baseline())) {
                    throw new IllegalArgumentException("Baseline " + request.baseline() + " does not exist. Create "
                            + "one with -Dstreamguard.saveBaseline=true, or drop streamguard.baseline.");
                }
                comparison = BaselineComparison.compare(results, JmhResult.read(request.baseline()),
                        request.thresholdPercent());
            }
            BenchmarkReport.write(out, results, comparison);
            return new Outcome(out, results, comparison);
        } catch (IOException e) {
            throw new UncheckedIOException("benchmark files in " + out + ": " + e.getMessage(), e);
        }
    }

    /** Topic {@code bench-<size>} with exactly {@code size} events: created and seeded, or left as it is. */
    void prepareTopics(String bootstrap, List<Long> sizes) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(p)) {
            for (long size : sizes) {
                String topic = "bench-" + size;
                long existing = count(admin, topic);
                if (existing == size) {
                    console.info("Topic " + topic + " already holds " + size + " events: reusing it");
                    continue;
                }
                if (existing >= 0) {
                    throw new IllegalStateException("Topic " + topic + " exists on " + bootstrap + " with " + existing
                            + " records instead of " + size + ". Delete it or benchmark against another broker.");
                }
                admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get(30, TimeUnit.SECONDS);
                TopicSeeder.seed(bootstrap, Map.of(), topic, new SyntheticEvents(SyntheticEvents.Config.defaults(size)),
                        console);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not prepare benchmark topics on " + bootstrap + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing benchmark topics", e);
        }
    }

    /** Records (offsets) in the topic, or -1 when it does not exist. */
    private static long count(Admin admin, String topic) throws InterruptedException, TimeoutException,
            ExecutionException {
        try {
            var description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            description.partitions().forEach(pi -> {
                earliest.put(new TopicPartition(topic, pi.partition()), OffsetSpec.earliest());
                latest.put(new TopicPartition(topic, pi.partition()), OffsetSpec.latest());
            });
            var low = admin.listOffsets(earliest).all().get(30, TimeUnit.SECONDS);
            var high = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            return high.entrySet().stream().mapToLong(e -> e.getValue().offset() - low.get(e.getKey()).offset()).sum();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return -1;
            }
            throw e;
        }
    }

    private void fork(BenchmarkRequest request, List<Path> classpath, String bootstrap, Path out) {
        List<String> sparkFlags = new ArrayList<>(SparkJvmOptions.moduleOptions(classpath));
        sparkFlags.add("-Dstreamguard.bench.bootstrap=" + bootstrap);
        sparkFlags.add("-Dlog4j2.level=WARN");
        sparkFlags.addAll(request.jvmArgs());
        List<String> args = new ArrayList<>(List.of(request.include(),
                "-p", "topicSize=" + join(request.topicSizes()),
                "-p", "maxEvents=" + join(request.maxEvents()),
                "-f", Integer.toString(request.forks()),
                "-wi", Integer.toString(request.warmupIterations()),
                "-i", Integer.toString(request.iterations()),
                "-rf", "json", "-rff", out.resolve(RESULTS).toString(),
                "-jvmArgsAppend", String.join(" ", sparkFlags)));
        console.info("Forking JMH: " + String.join(" ", args.subList(0, args.size() - 1)));
        JavaProcess.Result result = new JavaProcess(List.of("-Xmx256m"), classpath, "org.openjdk.jmh.Main", args,
                Map.of(), request.workDirectory()).run("jmh", line -> {
                    if (!line.isBlank()) {
                        console.info("[jmh] " + line);
                    }
                });
        if (result.exitCode() != 0 || !Files.isRegularFile(out.resolve(RESULTS))) {
            throw new IllegalStateException("JMH exited with code " + result.exitCode() + " and "
                    + (Files.isRegularFile(out.resolve(RESULTS)) ? "" : "no ") + "results.\nCommand: "
                    + result.commandLine() + "\nLast output:\n" + String.join("\n", result.lastLines()));
        }
    }

    private static String join(List<Long> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
