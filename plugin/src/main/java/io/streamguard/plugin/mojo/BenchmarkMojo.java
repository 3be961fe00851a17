package io.streamguard.plugin.mojo;

import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.bench.BenchmarkFailedException;
import io.streamguard.plugin.bench.BenchmarkRequest;
import io.streamguard.plugin.bench.BenchmarkRunner;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import javax.inject.Inject;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.eclipse.aether.RepositorySystem;

/**
 * Runs the JMH benchmarks (full-topic vs offset-bounded reads, the plain-consumer floor, planner and feature
 * microbenchmarks) against a broker seeded with one topic per size, writes JMH's JSON to
 * {@code <outputDirectory>/benchmarks/results.json} with {@code summary.md}, {@code index.html} and
 * {@code status.json}, and fails the build when a benchmark failed, a gate's ratio was missed, or a benchmark
 * regressed against the baseline or the history. JMH and Spark run in forked JVMs.
 */
@Mojo(name = "benchmark", aggregator = true, threadSafe = true)
public class BenchmarkMojo extends AbstractForkingMojo {

    /**
     * Brokers to benchmark against. Empty: an embedded broker, seeded as needed. On your brokers the topics
     * {@code bench-<size>} must exist with exactly that many events, or {@code benchmark.seedTopics} must allow
     * creating and seeding them.
     */
    @Parameter(property = "streamguard.bootstrapServers")
    String bootstrapServers;

    /** Allows creating and seeding missing {@code bench-<size>} topics on the brokers in {@link #bootstrapServers}. */
    @Parameter(property = BenchmarkRunner.SEED_TOPICS_PROPERTY, defaultValue = "false")
    boolean seedTopics;

    /** Topic sizes in events, comma-separated. */
    @Parameter(property = "streamguard.topicSizes", defaultValue = "10000,1000000")
    String topicSizes;

    /** Events each bounded read takes, comma-separated; each at most the smallest topic size. */
    @Parameter(property = "streamguard.maxEvents", defaultValue = "1000")
    String maxEvents;

    /** JMH forks per benchmark (at least 1: Spark must not run in JMH's own JVM). */
    @Parameter(property = "streamguard.forks", defaultValue = "1")
    int forks;

    /** JMH warm-up iterations. */
    @Parameter(property = "streamguard.warmupIterations", defaultValue = "1")
    int warmupIterations;

    /** JMH measurement iterations. */
    @Parameter(property = "streamguard.iterations", defaultValue = "3")
    int iterations;

    /** Regular expression selecting benchmarks, as JMH's own argument. */
    @Parameter(property = "streamguard.include", defaultValue = ".*")
    String include;

    /** A previous {@code results.json} to compare with. */
    @Parameter(property = "streamguard.baseline")
    File baseline;

    /**
     * A JSON-lines history of runs (keep it in the repository or a CI cache). Each complete run appends one entry;
     * without a baseline the run is compared with the history's recent entries.
     */
    @Parameter(property = "streamguard.history")
    File history;

    /** How many recent history entries form the reference (per benchmark, the median entry). */
    @Parameter(property = "streamguard.historyWindow", defaultValue = "5")
    int historyWindow;

    /** Percent a result may be worse than the reference before it counts (beyond the error bars, too). */
    @Parameter(property = "streamguard.threshold", defaultValue = "25")
    double threshold;

    /** Fail the build when a benchmark regressed against the baseline or the history. */
    @Parameter(property = "streamguard.failOnRegression", defaultValue = "true")
    boolean failOnRegression;

    /** Write this run's results to {@link #baseline} afterwards (after comparing, when it existed). */
    @Parameter(property = "streamguard.saveBaseline", defaultValue = "false")
    boolean saveBaseline;

    /** Gate: the full-topic read over a bounded read, at the largest topic size, at least this. */
    @Parameter(property = "streamguard.minSpeedup", defaultValue = "20")
    double minSpeedup;

    /** Gate: a bounded read at the largest topic size over the same read at the smallest, at most this. */
    @Parameter(property = "streamguard.maxFlatness", defaultValue = "1.5")
    double maxFlatness;

    @Parameter(defaultValue = "${session.executionRootDirectory}", readonly = true)
    File executionRoot;

    @Inject
    public BenchmarkMojo(RepositorySystem repositorySystem) {
        super(repositorySystem);
    }

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skipped("benchmark")) {
            return;
        }
        BenchmarkRequest request = validate();
        requireSparkCapableJava();
        try {
            new BenchmarkRunner(resolver(), PluginVersions.load(), new MavenConsole(getLog())).run(request);
        } catch (RuntimeException e) {
            Exception mapped = toMojoException(e);
            if (mapped instanceof MojoFailureException failure) {
                throw failure;
            }
            throw (MojoExecutionException) mapped;
        }
    }

    /**
     * What the user can fix fails the build ({@link MojoFailureException}): failed benchmarks, missed gates,
     * regressions, bad configuration, missing topics. Anything else is an error of StreamGuard.
     */
    static Exception toMojoException(RuntimeException e) {
        if (e instanceof BenchmarkFailedException || e instanceof IllegalArgumentException) {
            return new MojoFailureException(e.getMessage(), e);
        }
        return new MojoExecutionException("streamguard:benchmark failed: " + e.getMessage(), e);
    }

    BenchmarkRequest validate() throws MojoFailureException {
        List<Long> sizes = numbers("streamguard.topicSizes", topicSizes, 1);
        List<Long> events = numbers("streamguard.maxEvents", maxEvents, 1);
        long smallest = sizes.stream().mapToLong(Long::longValue).min().orElseThrow();
        for (long n : events) {
            if (n > smallest) {
                throw new MojoFailureException("streamguard.maxEvents " + n + " is more than the smallest topic size "
                        + smallest + ": a bounded read must take exactly maxEvents events from every topic.");
            }
        }
        if (forks < 1 || warmupIterations < 0 || iterations < 1) {
            throw new MojoFailureException("streamguard.forks must be >= 1 (Spark runs in JMH's forks, never in JMH's "
                    + "own JVM), streamguard.warmupIterations >= 0 and streamguard.iterations >= 1; were " + forks
                    + ", " + warmupIterations + ", " + iterations + ".");
        }
        if (!(threshold > 0)) {
            throw new MojoFailureException("streamguard.threshold must be a positive percentage; was " + threshold + ".");
        }
        if (!(minSpeedup > 0) || !(maxFlatness > 0)) {
            throw new MojoFailureException("streamguard.minSpeedup and streamguard.maxFlatness must be positive ratios; "
                    + "were " + minSpeedup + " and " + maxFlatness + ".");
        }
        if (historyWindow < 1) {
            throw new MojoFailureException("streamguard.historyWindow must be >= 1; was " + historyWindow + ".");
        }
        try {
            Pattern.compile(include);
        } catch (PatternSyntaxException e) {
            throw new MojoFailureException("streamguard.include '" + include + "' is not a regular expression: "
                    + e.getDescription() + ".");
        }
        if (saveBaseline && baseline == null) {
            throw new MojoFailureException("streamguard.saveBaseline needs streamguard.baseline: the file to write.");
        }
        boolean compare = baseline != null && (!saveBaseline || baseline.isFile());
        return new BenchmarkRequest(bootstrapServers, seedTopics, sizes, events, forks, warmupIterations, iterations,
                include, outputDirectory.toPath(), workDirectory.toPath(), jvmArgs(),
                compare ? baseline.toPath() : null, saveBaseline ? baseline.toPath() : null,
                history == null ? null : history.toPath(), historyWindow, threshold, failOnRegression, minSpeedup,
                maxFlatness, executionRoot == null ? outputDirectory.toPath() : executionRoot.toPath());
    }
    private static List<Long> numbers(String property, String value, long min) throws MojoFailureException {
        List<Long> result = new ArrayList<>();
        for (String part : (value == null ? "" : value).split(",")) {
            try {
                long n = Long.parseLong(part.trim());
                if (n < min) {
                    throw new NumberFormatException();
                }
                result.add(n);
            } catch (NumberFormatException e) {
                throw new MojoFailureException(property + " must be a comma-separated list of whole numbers >= " + min
                        + "; got '" + value + "'.");
            }
        }
        return result;
    }
}
