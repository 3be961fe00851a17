package io.streamguard.pipeline.features;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The features of parsed records as a run computes them, for tests. */
public final class Features {

    private Features() {
    }

    /**
     * @param parsed rows of {@link io.streamguard.pipeline.source.EventParser#SCHEMA}
     * @return one row of {@link UserFeatures#SCHEMA} per user, in the forest's partitions and order
     */
    public static Dataset<Row> of(Dataset<Row> parsed, int partitions) {
        return of(parsed, partitions, PartialFold.FLUSH_BYTES);
    }

    /** {@link #of(Dataset, int)}, with each read task handing its state on whenever it holds {@code flushBytes}. */
    static Dataset<Row> of(Dataset<Row> parsed, int partitions, long flushBytes) {
        SliceAggregation slice = SliceAggregation.of(parsed.javaRDD(), partitions, flushBytes);
        return parsed.sparkSession().createDataFrame(slice.features(slice.counts().valid()), UserFeatures.SCHEMA);
    }
}
