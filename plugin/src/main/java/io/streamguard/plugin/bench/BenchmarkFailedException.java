package io.streamguard.plugin.bench;

/**
 * The run finished and wrote its results, but what it measured fails the build: a benchmark failed or produced no
 * result, a gate's ratio was missed, or a benchmark regressed. The message lists each, one per line.
 */
public final class BenchmarkFailedException extends RuntimeException {

    public BenchmarkFailedException(String message) {
        super(message);
    }
}
