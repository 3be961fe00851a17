package io.streamguard.plugin.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * One {@code streamguard:benchmark} run.
 *
 * @param bootstrapServers brokers holding (or to hold) the topics {@code bench-<size>}; null starts an embedded one
 * @param seedTopics whether missing {@code bench-<size>} topics may be created and seeded on the user's brokers
 * @param baseline a previous {@code results.json} to compare with, or null
 * @param saveBaseline where to write this run's results as the next baseline, or null
 * @param history the JSON-lines history to compare with (without a baseline) and append to, or null
 * @param historyWindow how many recent history entries form the reference
 * @param failOnRegression false: a regression is reported, not thrown
 * @param projectDirectory where to look for the git commit of a history entry
 */
public record BenchmarkRequest(
        String bootstrapServers,
        boolean seedTopics,
        List<Long> topicSizes,
        List<Long> maxEvents,
        int forks,
        int warmupIterations,
        int iterations,
        String include,
        Path outputDirectory,
        Path workDirectory,
        List<String> jvmArgs,
        Path baseline,
        Path saveBaseline,
        Path history,
        int historyWindow,
        double thresholdPercent,
        boolean failOnRegression,
        double minSpeedup,
        double maxFlatness,
        Path projectDirectory) {

    public BenchmarkRequest {
        topicSizes = List.copyOf(topicSizes);
        maxEvents = List.copyOf(maxEvents);
        jvmArgs = List.copyOf(jvmArgs);
    }

    public boolean embedded() {
        return bootstrapServers == null || bootstrapServers.isBlank();
    }
}
