package io.streamguard.plugin.offline;

import io.streamguard.plugin.Console;
import io.streamguard.plugin.PluginVersions;
import io.streamguard.plugin.bench.BenchmarkRunner;
import io.streamguard.plugin.launch.ClasspathResolver;
import io.streamguard.plugin.launch.SparkApplicationClasspath;
import io.streamguard.plugin.launch.StreamGuardRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Resolves, ahead of time, every classpath the goals resolve when they run: the Spark job's (run, evaluate), the
 * jars a cluster gets in {@code spark.jars}, the embedded broker's, and the JMH benchmarks'. Each through the very
 * code the goals use, so that after it a build with {@code -o} finds them all in the local repository.
 * {@code dependency:go-offline} cannot: these classpaths are no dependency of any project.
 */
public final class OfflineClasspaths {

    /** One resolved classpath: what it is for, and its jars. */
    public record Resolved(String purpose, List<Path> jars) {
    }

    private OfflineClasspaths() {
    }

    public static List<Resolved> resolveAll(ClasspathResolver resolver, PluginVersions versions, Console console) {
        StreamGuardRunner runner = new StreamGuardRunner(resolver, versions, console);
        List<Resolved> resolved = new ArrayList<>();
        List<Path> job = runner.jobClasspath();
        resolved.add(new Resolved("the Spark job (run, evaluate)", job));
        resolved.add(new Resolved("the jars a Spark cluster gets (spark.jars)",
                SparkApplicationClasspath.applicationJars(resolver, versions, job)));
        resolved.add(new Resolved("the embedded Kafka broker", runner.embeddedDataset().brokerClasspath()));
        resolved.add(new Resolved("the JMH benchmarks (benchmark)",
                new BenchmarkRunner(resolver, versions, console).classpath()));
        return resolved;
    }

    /** Distinct jars over all classpaths. */
    public static int distinctJars(List<Resolved> resolved) {
        Set<Path> jars = new LinkedHashSet<>();
        resolved.forEach(r -> jars.addAll(r.jars()));
        return jars.size();
    }
}
