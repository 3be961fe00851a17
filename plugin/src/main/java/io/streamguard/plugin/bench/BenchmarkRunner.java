package io.streamguard.plugin.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamguard.plugin.Console;
import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.embedded.EmbeddedKafkaBroker;
import io.streamguard.plugin.launch.JavaProcess;
import io.streamguard.plugin.launch.SparkJvmOptions;
import io.streamguard.plugin.embedded.EmbeddedDataset;
import io.streamguard.plugin.launch.SparkApplicationClasspath;
import io.streamguard.plugin.launch.ClasspathResolver;
import io.streamguard.plugin.embedded.SyntheticEvents;
import io.streamguard.plugin.embedded.TopicSeeder;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 * Prepares a broker with one seeded topic per size, asks JMH which benchmark runs the request selects, forks
 * {@code org.openjdk.jmh.Main} on the benchmarks' classpath with the forks' JVM options given explicitly (JMH's forks
 * would otherwise copy the options of the JVM that launched JMH), and checks what came back: every expected run has a
 * result, no failure was printed, the gates hold and nothing regressed against the baseline or the history. Results,
 * summary and chart are written before any of that fails the run.
 */
public final class BenchmarkRunner {

    public static final String RESULTS = "results.json";
    public static final String JMH_OUTPUT = "jmh-output.txt";
    public static final String STATUS = "status.json";

    private final ClasspathResolver resolver;
    private final PluginVersions versions;
    private final Console console;

    public BenchmarkRunner(ClasspathResolver resolver, PluginVersions versions, Console console) {
        this.resolver = resolver;
        this.versions = versions;
        this.console = console;
    }

    /**
     * What a finished run produced. {@code comparison} is null without a reference (no baseline, empty history);
     * {@code history} holds the history's entries including this run's (empty without a history).
     */
    public record Outcome(Path directory, int expected, List<JmhResult> results, List<JmhOutput.Failure> failures,
                          List<BenchmarkGates.Gate> gates, String reference,
                          List<BaselineComparison.Entry> comparison, List<BenchmarkHistory.Entry> history) {

        public boolean complete() {
            return failures.isEmpty();
        }

        public List<BaselineComparison.Entry> regressions() {
            return comparison == null ? List.of() : comparison.stream()
                    .filter(e -> e.status() == BaselineComparison.Status.REGRESSION).toList();
        }

        /** Why this run fails the build, one line each; empty when it passes. */
        public List<String> problems(boolean failOnRegression) {
            List<String> problems = new ArrayList<>();
            failures.forEach(f -> problems.add("FAILED " + f.describe()));
            gates.stream().filter(g -> g.status() == BenchmarkGates.Status.FAIL)
                    .forEach(g -> problems.add("GATE " + g.describe()));
            if (failOnRegression) {
                regressions().forEach(e -> problems.add("REGRESSION " + e.describe()));
            }
            return problems;
        }
    }

    /** The JMH benchmarks' classpath: our benchmarks, JMH, the pipeline and Spark. */
    public List<Path> classpath() {
        return SparkApplicationClasspath.resolve(resolver, versions, "streamguard-benchmarks");
    }

    public Outcome run(BenchmarkRequest request) {
        List<Path> classpath = classpath();
        Path out = request.outputDirectory().resolve("benchmarks");
        try {
            Files.createDirectories(out);
            for (String file : List.of(RESULTS, JMH_OUTPUT, STATUS, BenchmarkReport.SUMMARY, BenchmarkReport.CHART)) {
                Files.deleteIfExists(out.resolve(file));
            }
            if (request.baseline() != null && !Files.isRegularFile(request.baseline())) {
                throw new IllegalArgumentException("Baseline " + request.baseline() + " does not exist. Create one "
                        + "with -Dstreamguard.saveBaseline=true, or drop streamguard.baseline.");
            }
            List<JmhOutput.Expected> expected = JmhOutput.expected(listBenchmarks(request, classpath));
            if (expected.isEmpty()) {
                throw new IllegalArgumentException("streamguard.include '" + request.include() + "' selects no "
                        + "benchmark. Benchmarks: KafkaReadBenchmark, FeatureStageBenchmark, PlannerBenchmark.");
            }
            boolean needsBroker = expected.stream().anyMatch(e -> e.params().containsKey("topicSize"));
            JmhRun jmh;
            if (!needsBroker) {
                jmh = fork(request, classpath, null, out);
            } else if (request.embedded()) {
                EmbeddedDataset brokerSide = new EmbeddedDataset(resolver, versions, console);
                try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(brokerSide.brokerClasspath(),
                        request.workDirectory().resolve("bench-broker"), Map.of(), console)) {
                    prepareTopics(broker.bootstrapServers(), request.topicSizes(), true);
                    jmh = fork(request, classpath, broker.bootstrapServers(), out);
                }
            } else {
                prepareTopics(request.bootstrapServers(), request.topicSizes(), request.seedTopics());
                jmh = fork(request, classpath, request.bootstrapServers(), out);
            }
            Outcome outcome = evaluate(request, out, expected, jmh);
            String verdict = outcome.complete() ? "complete" : "INCOMPLETE";
            console.info("Benchmarks " + verdict + ": " + outcome.results().size() + " results (" + expected.size()
                    + " expected). Results: " + out.resolve(RESULTS) + ", summary: " + out.resolve(
                    BenchmarkReport.SUMMARY) + ", chart: " + out.resolve(BenchmarkReport.CHART));
            outcome.gates().forEach(g -> log(g.status() == BenchmarkGates.Status.FAIL, g.describe()));
            if (outcome.comparison() != null) {
                console.info("Against " + outcome.reference() + ":");
                outcome.comparison().forEach(e -> log(e.status() == BaselineComparison.Status.REGRESSION,
                        e.status() + " " + e.describe()));
            }
            failIfProblems(outcome, request.failOnRegression());
            return outcome;
        } catch (IOException e) {
            throw new UncheckedIOException("benchmark files in " + out + ": " + e.getMessage(), e);
        }
    }

    /**
     * Throws when the run fails the build: each failed benchmark (with its parameters and the first line of the
     * cause), each missed gate, and each regression unless {@code failOnRegression} is false.
     */
    void failIfProblems(Outcome outcome, boolean failOnRegression) {
        if (!failOnRegression && !outcome.regressions().isEmpty()) {
            console.warn(outcome.regressions().size() + " benchmark(s) regressed; streamguard.failOnRegression is "
                    + "false: not failing the build.");
        }
        List<String> problems = outcome.problems(failOnRegression);
        if (!problems.isEmpty()) {
            Path out = outcome.directory();
            throw new BenchmarkFailedException("streamguard:benchmark failed (" + problems.size() + " problem"
                    + (problems.size() == 1 ? "" : "s") + "):\n  " + String.join("\n  ", problems)
                    + "\nResults" + (outcome.complete() ? "" : " (partial, marked INCOMPLETE)") + ": "
                    + out.resolve(BenchmarkReport.SUMMARY) + "; JMH's output: " + out.resolve(JMH_OUTPUT));
        }
    }

    private void log(boolean warn, String line) {
        if (warn) {
            console.warn(line);
        } else {
            console.info(line);
        }
    }

    /**
     * Reads back what JMH wrote and judges it; writes summary, chart and status, appends to the history and saves
     * the baseline (the last two only for a complete run: a partial run is no reference).
     */
    Outcome evaluate(BenchmarkRequest request, Path out, List<JmhOutput.Expected> expected, JmhRun jmh)
            throws IOException {
        Path resultsFile = out.resolve(RESULTS);
        List<JmhResult> results = Files.isRegularFile(resultsFile) ? JmhResult.read(resultsFile) : List.of();
        List<JmhOutput.Failure> failures = new ArrayList<>(JmhOutput.missing(expected, results, jmh.failures()));
        if (jmh.exitCode() != 0) {
            failures.add(new JmhOutput.Failure("org.openjdk.jmh.Main", Map.of(), "JMH exited with code "
                    + jmh.exitCode() + (jmh.lastLine() == null ? "" : ": " + jmh.lastLine())));
        }
        List<BenchmarkGates.Gate> gates = BenchmarkGates.evaluate(results, request.topicSizes(), request.maxEvents(),
                request.minSpeedup(), request.maxFlatness());
        List<BenchmarkHistory.Entry> history = new ArrayList<>();
        if (request.history() != null) {
            history.addAll(BenchmarkHistory.read(request.history(), console::warn));
        }
        String reference = null;
        List<BaselineComparison.Entry> comparison = null;
        if (request.baseline() != null) {
            reference = "the baseline " + request.baseline();
            comparison = BaselineComparison.compare(results, JmhResult.read(request.baseline()),
                    request.thresholdPercent());
        } else if (history.stream().anyMatch(BenchmarkHistory.Entry::passed)) {
            int window = (int) Math.min(request.historyWindow(),
                    history.stream().filter(BenchmarkHistory.Entry::passed).count());
            reference = "the history " + request.history() + " (per benchmark, the median of its last " + window
                    + " passing entr" + (window == 1 ? "y" : "ies") + ")";
            comparison = BaselineComparison.compare(results, BenchmarkHistory.reference(history,
                    request.historyWindow()), request.thresholdPercent());
        }
        boolean complete = failures.isEmpty();
        boolean passed = gates.stream().noneMatch(g -> g.status() == BenchmarkGates.Status.FAIL)
                && (comparison == null || comparison.stream()
                        .noneMatch(e -> e.status() == BaselineComparison.Status.REGRESSION));
        if (request.history() != null && complete) {
            BenchmarkHistory.Entry entry = BenchmarkHistory.Entry.now(
                    BenchmarkHistory.gitCommit(request.projectDirectory()), results, passed);
            BenchmarkHistory.append(request.history(), entry);
            history.add(entry);
            console.info("Appended this run to the history " + request.history() + " (" + history.size()
                    + " entries)" + (passed ? "" : ", marked as failed: later runs are not compared with it"));
        } else if (request.history() != null) {
            console.warn("Not appending an incomplete run to the history " + request.history());
        }
        if (request.saveBaseline() != null && complete) {
            Path target = request.saveBaseline().toAbsolutePath();
            Files.createDirectories(target.getParent());
            Files.copy(resultsFile, target, StandardCopyOption.REPLACE_EXISTING);
            console.info("Saved these results as the baseline " + target);
        } else if (request.saveBaseline() != null) {
            console.warn("Not saving an incomplete run as the baseline " + request.saveBaseline());
        }
        Outcome outcome = new Outcome(out, expected.size(), results, failures, gates, reference, comparison,
                request.history() == null ? List.of() : history);
        BenchmarkReport.write(out, outcome);
        writeStatus(out.resolve(STATUS), outcome, request.failOnRegression());
        return outcome;
    }

    /** The machine-readable verdict beside the results: complete or not, and why the run fails, if it does. */
    private static void writeStatus(Path file, Outcome outcome, boolean failOnRegression) throws IOException {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("complete", outcome.complete());
        status.put("expected", outcome.expected());
        status.put("results", outcome.results().size());
        status.put("failures", outcome.failures().stream().map(JmhOutput.Failure::describe).toList());
        status.put("gates", outcome.gates().stream().map(BenchmarkGates.Gate::describe).toList());
        status.put("regressions", outcome.regressions().stream().map(BaselineComparison.Entry::describe).toList());
        status.put("passed", outcome.problems(failOnRegression).isEmpty());
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), status);
    }

    /**
     * Topic {@code bench-<size>} with exactly {@code size} events: reused when it holds that many; created and seeded
     * when missing and {@code seed} allows it (always on the embedded broker, only on request on the user's
     * brokers); otherwise an error naming the topic and the flag.
     */
    void prepareTopics(String bootstrap, List<Long> sizes, boolean seed) {
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
                    throw new IllegalArgumentException("Topic " + topic + " exists on " + bootstrap + " with "
                            + existing + " records instead of " + size + ": a benchmark of it would measure another "
                            + "size. Delete it (streamguard.benchmark.seedTopics=true then recreates and seeds it) "
                            + "or benchmark against other brokers.");
                }
                if (!seed) {
                    throw new IllegalArgumentException("Topic " + topic + " does not exist on " + bootstrap + ". The "
                            + "benchmark creates and seeds topics on brokers you name only when asked to: add "
                            + "-D" + SEED_TOPICS_PROPERTY + "=true to create " + topic + " (4 partitions) and write "
                            + String.format(Locale.ROOT, "%,d", size) + " synthetic events into it.");
                }
                // The synthetic events carry past timestamps: with the broker's default retention (7 days) they
                // would be deleted minutes later. The broker's default replication factor suits its cluster.
                admin.createTopics(List.of(new NewTopic(topic, java.util.Optional.of(4), java.util.Optional.empty())
                        .configs(Map.of("retention.ms", "-1", "retention.bytes", "-1"))))
                        .all().get(30, TimeUnit.SECONDS);
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

    /** The user property that allows creating and seeding {@code bench-*} topics on the user's brokers. */
    public static final String SEED_TOPICS_PROPERTY = "streamguard.benchmark.seedTopics";

    /** How a JMH run ended: its exit code, the failures it printed, its last output line. */
    record JmhRun(int exitCode, List<JmhOutput.Failure> failures, String lastLine) {
    }

    /**
     * The heap of a benchmark fork: Spark refuses to start below ~450 MB, and the full-topic read caches the parsed
     * topic (1M events ran in 1 GB; 10M needed 6 GB). 1 GiB plus 512 MiB per million events of the largest topic.
     */
    static String forkHeap(List<Long> topicSizes) {
        long largest = topicSizes.stream().mapToLong(Long::longValue).max().orElse(0);
        return "-Xmx" + (1024 + 512 * (largest / 1_000_000)) + "m";
    }

    /**
     * The forks' JVM options, in order: heap, Spark's module options, the broker and log level, then the user's
     * options last so they win (a later {@code -Xmx} overrides an earlier one).
     */
    static List<String> forkJvmOptions(List<Path> classpath, List<Long> topicSizes, String bootstrap,
                                       List<String> userJvmArgs) {
        List<String> options = new ArrayList<>();
        options.add(forkHeap(topicSizes));
        options.addAll(SparkJvmOptions.moduleOptions(classpath));
        if (bootstrap != null) {
            options.add("-Dstreamguard.bench.bootstrap=" + bootstrap);
        }
        options.add("-Dlog4j2.level=WARN");
        options.addAll(userJvmArgs);
        return options;
    }

    /**
     * JMH's arguments. Each fork option is its own {@code -jvmArgs} occurrence: JMH keeps repeated values as they
     * are, while one single value would be split at spaces (breaking {@code -Dname=a b}); an explicit
     * {@code -jvmArgs} also stops JMH from copying the launching JVM's options into the forks.
     */
    static List<String> jmhArguments(BenchmarkRequest request, List<String> forkJvmOptions, Path results) {
        List<String> args = new ArrayList<>(List.of(request.include(),
                "-p", "topicSize=" + join(request.topicSizes()),
                "-p", "maxEvents=" + join(request.maxEvents()),
                "-f", Integer.toString(request.forks()),
                "-wi", Integer.toString(request.warmupIterations()),
                "-i", Integer.toString(request.iterations()),
                "-rf", "json", "-rff", results.toString()));
        if (forkJvmOptions.size() < 2) {
            throw new IllegalStateException("a single -jvmArgs value would be split at spaces by JMH");
        }
        for (String option : forkJvmOptions) {
            args.add("-jvmArgs");
            args.add(option);
        }
        return args;
    }

    /** JMH's {@code -lp} listing for the request's filter and parameters: what the run must produce. */
    private List<String> listBenchmarks(BenchmarkRequest request, List<Path> classpath) {
        List<String> lines = new ArrayList<>();
        JavaProcess.Result result = new JavaProcess(List.of("-Xmx256m"), classpath, "org.openjdk.jmh.Main",
                List.of("-lp", request.include(), "-p", "topicSize=" + join(request.topicSizes()),
                        "-p", "maxEvents=" + join(request.maxEvents())), Map.of(), request.workDirectory())
                .run("jmh-list", lines::add);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("JMH could not list the benchmarks (exit code " + result.exitCode()
                    + "):\n" + String.join("\n", result.lastLines()));
        }
        return lines;
    }

    private JmhRun fork(BenchmarkRequest request, List<Path> classpath, String bootstrap, Path out)
            throws IOException {
        List<String> args = jmhArguments(request, forkJvmOptions(classpath, request.topicSizes(), bootstrap,
                request.jvmArgs()), out.resolve(RESULTS));
        console.info("Forking JMH: " + String.join(" ", args.subList(0, args.indexOf("-jvmArgs")))
                + " (fork heap " + forkHeap(request.topicSizes()) + ", then Spark's module options"
                + (request.jvmArgs().isEmpty() ? "" : ", then " + request.jvmArgs()) + ")");
        JmhOutput output = new JmhOutput();
        // The JMH host only orchestrates (forks >= 1): a small heap is enough for it.
        try (BufferedWriter log = Files.newBufferedWriter(out.resolve(JMH_OUTPUT), StandardCharsets.UTF_8)) {
            // Under ParentWatch: a killed Maven takes the JMH host with it, and JMH's forks end with their host.
            JavaProcess.Result result = new JavaProcess(List.of("-Xmx256m"), classpath, "org.openjdk.jmh.Main", args,
                    Map.of(), request.workDirectory()).exitingWithParent().run("jmh", line -> {
                        output.accept(line);
                        try {
                            log.write(line);
                            log.newLine();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        if (!line.isBlank()) {
                            console.info("[jmh] " + line);
                        }
                    });
            List<String> tail = result.lastLines().stream().filter(l -> !l.isBlank()).toList();
            return new JmhRun(result.exitCode(), output.failures(), tail.isEmpty() ? null : tail.get(tail.size() - 1));
        }
    }

    private static String join(List<Long> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
