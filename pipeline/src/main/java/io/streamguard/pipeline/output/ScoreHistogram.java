package io.streamguard.pipeline.output;

import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;

/**
 * How many users scored in each of {@value #BINS} equal bins of [0, 1] (the last bin includes 1). Counted in the
 * caller's own aggregation ({@link #binColumns}), so drawing it costs no Spark job of its own.
 */
public record ScoreHistogram(long[] counts) {

    public static final int BINS = 20;

    /** One count column per bin, in order. */
    public static List<Column> binColumns(Column score) {
        Column bin = least(floor(score.multiply(BINS)), lit(BINS - 1));
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < BINS; i++) {
            columns.add(sum(when(bin.equalTo(i), 1L).otherwise(0L)));
        }
        return columns;
    }

    /** The counts from {@link #BINS} columns of {@code row} starting at {@code first}. */
    public static ScoreHistogram of(Row row, int first) {
        long[] counts = new long[BINS];
        for (int i = 0; i < BINS; i++) {
            counts[i] = row.isNullAt(first + i) ? 0 : row.getLong(first + i);
        }
        return new ScoreHistogram(counts);
    }

    public long total() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }
}
