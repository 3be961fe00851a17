package io.streamguard.pipeline.output;

/**
 * How many users scored in each of {@value #BINS} equal bins of [0, 1] (the last bin includes 1), counted by the
 * caller with {@link #bin}.
 */
public record ScoreHistogram(long[] counts) {

    public static final int BINS = 20;

    /** The bin of {@code score}: {@code floor(score * BINS)}, the last bin including 1. */
    public static int bin(double score) {
        return (int) Math.min(Math.floor(score * BINS), BINS - 1);
    }

    public long total() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }
}
