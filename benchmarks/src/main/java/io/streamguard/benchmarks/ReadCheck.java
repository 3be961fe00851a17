package io.streamguard.benchmarks;

/**
 * A read is checked, not assumed: a benchmark that read fewer (or more) records than it was asked for measured
 * something else, and a read of 0 records would look like a great speed-up. Throwing from the benchmark method makes
 * JMH report a failure, which fails {@code streamguard:benchmark}.
 */
final class ReadCheck {

    private ReadCheck() {
    }

    /** @return {@code actual} when it equals {@code expected} */
    static long expect(String what, long expected, long actual, String topic) {
        if (actual != expected) {
            throw new IllegalStateException(what + " on topic " + topic + " returned " + actual + " records, expected "
                    + expected + ": the benchmark did not measure the read it names");
        }
        return actual;
    }
}
