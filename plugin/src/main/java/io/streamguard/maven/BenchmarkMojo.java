package io.streamguard.maven;

import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.bench.BaselineComparison;
import io.streamguard.plugin.bench.BenchmarkRequest;
import io.streamguard.plugin.bench.BenchmarkRunner;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
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
 * {@code <outputDirectory>/benchmarks/results.json} with {@code summary.md} and {@code index.html}, and compares
 * with a baseline. JMH and Spark run in forked JVMs.
 */
@Mojo(name = "benchmark", aggregator = true, threadSafe = true)
public class BenchmarkMojo extends AbstractForkingMojo {

    /** Brokers to benchmark against (topics {@code bench-<size>} are created and seeded if missing). Empty: embedded. */
    @Parameter(property = "streamguard.bootstrapServers")
    String bootstrapServers;

    /** Topic sizes in events, comma-separated. */
    @Parameter(property = "streamguard.topicSizes", defaultValue = "10000,1000000")
    String topicSizes;

    /** Events each bounded read takes, comma-separated. */
    @Parameter(property = "streamguard.maxEvents", defaultValue = "1000")
    String maxEvents;

    /** JMH forks per benchmark. */
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

    /** Percent a result may be worse than the baseline before it counts (beyond the error bars, too). */
    @Parameter(property = "streamguard.threshold", defaultValue = "25")
    double threshold;

    /** Fail the build when a benchmark regressed against the baseline. */
    @Parameter(property = "streamguard.failOnRegression", defaultValue = "true")
    boolean failOnRegression;

    /** Write this run's results to {@link #baseline} afterwards (after comparing, when it existed). */
    @Parameter(property = "streamguard.saveBaseline", defaultValue = "false")
    boolean saveBaseline;

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
        BenchmarkRunner runner = new BenchmarkRunner(resolver(), PluginVersions.load(), new MavenConsole(getLog()));
        BenchmarkRunner.Outcome outcome;
        try {
            outcome = runner.run(request);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new MojoExecutionException("streamguard:benchmark failed: " + e.getMessage(), e);
        }
        getLog().info("Results: " + outcome.directory().resolve(BenchmarkRunner.RESULTS) + ", summary: "
                + outcome.directory().resolve("summary.md") + ", chart: " + outcome.directory().resolve("index.html"));
        if (outcome.comparison() != null) {
            for (BaselineComparison.Entry e : outcome.comparison()) {
                String line = e.status() + " " + e.describe();
                if (e.status() == BaselineComparison.Status.REGRESSION) {
                    getLog().warn(line);
                } else {
                    getLog().info(line);
                }
            }
        }
        if (saveBaseline) {
            try {
                Files.createDirectories(baseline.toPath().toAbsolutePath().getParent());
                Files.copy(outcome.directory().resolve(BenchmarkRunner.RESULTS), baseline.toPath(),
                        StandardCopyOption.REPLACE_EXISTING);
                getLog().info("Saved these results as the baseline " + baseline);
            } catch (IOException e) {
                throw new MojoExecutionException("Could not save the baseline " + baseline + ": " + e.getMessage(), e);
            }
        }
        if (outcome.regressed()) {
            String message = "Benchmarks regressed against " + baseline + " by more than " + threshold
                    + " % beyond their error bars (see above and " + outcome.directory().resolve("summary.md") + ").";
            if (failOnRegression) {
                throw new MojoFailureException(message);
            }
            getLog().warn(message + " streamguard.failOnRegression is false: not failing the build.");
        }
    }

    BenchmarkRequest validate() throws MojoFailureException {
        List<Long> sizes = numbers("streamguard.topicSizes", topicSizes, 1);
        List<Long> events = numbers("streamguard.maxEvents", maxEvents, 1);
        if (forks < 0 || warmupIterations < 0 || iterations < 1) {
            throw new MojoFailureException("streamguard.forks and streamguard.warmupIterations must be >= 0 and "
                    + "streamguard.iterations >= 1; were " + forks + ", " + warmupIterations + ", " + iterations + ".");
        }
        if (!(threshold > 0)) {
            throw new MojoFailureException("streamguard.threshold must be a positive percentage; was " + threshold + ".");
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
        return new BenchmarkRequest(bootstrapServers, sizes, events, forks, warmupIterations, iterations, include,
                outputDirectory.toPath(), workDirectory.toPath(), jvmArgs(),
                compare ? baseline.toPath() : null, threshold);
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
