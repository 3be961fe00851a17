package io.streamguard.plugin.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * One {@code streamguard:benchmark} run.
 *
 * @param bootstrapServers brokers holding (or to hold) the topics {@code bench-<size>}; null starts an embedded one
 * @param baseline a previous {@code results.json} to compare with, or null
 */
public record BenchmarkRequest(
        String bootstrapServers,
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
        double thresholdPercent) {

    public BenchmarkRequest {
        topicSizes = List.copyOf(topicSizes);
        maxEvents = List.copyOf(maxEvents);
        jvmArgs = List.copyOf(jvmArgs);
    }
}
