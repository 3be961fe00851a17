package io.streamguard.pipeline.features;

import io.streamguard.pipeline.source.SecurityEventSchema;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.spark.Partitioner;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.hash.Murmur3_x86_32;
import org.apache.spark.unsafe.types.UTF8String;
import scala.Tuple2;

/**
 * Per-user behavioural features: their names and the rows they make. The per-user state is {@link UserActivity},
 * folded by {@link SliceAggregation} as the records are read.
 *
 * <p>Users are partitioned and ordered as Spark SQL's {@code repartition(n, col("user"))} and
 * {@code sortWithinPartitions("user")} would (Murmur3 of the UTF-8 bytes with seed 42; unsigned byte order), as they
 * were when the features were computed in Spark SQL, so the forest, which samples each partition in order, gets its
 * input in the same order.
 *
 * <p>Hours and days are computed from epoch milliseconds, so they are UTC whatever the session time zone.
 *
 * <p>Every feature is a finite double for every event {@link io.streamguard.pipeline.source.EventParser} accepts
 * (non-negative byte counts, timestamps in {@code (0, run start + 1 day]}, threat scores in [0, 1] or absent);
 * the detector's {@code VectorAssembler} fails the whole run on a single null.
 */
public final class UserFeatures {

    /** Hours 00:00-05:59 UTC count as unusual. */
    public static final int UNUSUAL_HOUR_END = 6;
    /** Consecutive events of one user closer than this many seconds are a burst. */
    public static final double BURST_INTERVAL_SECONDS = 10.0;

    /** A process or domain seen in fewer than this share of all events is rare. */
    public static final double RARE_SHARE = 0.001;

    /** Every feature column, in the order the detector assembles them. */
    public static final List<String> FEATURE_COLUMNS = featureColumns();

    private UserFeatures() {
    }

    private static List<String> featureColumns() {
        List<String> names = new ArrayList<>(List.of(
                "total_events", "unique_source_ips", "unique_destination_ips", "unique_event_types",
                "unique_locations", "unique_processes", "unique_domains",
                "avg_threat_score", "max_threat_score",
                "failed_events", "failed_auth_rate", "blocked_rate",
                "unusual_hour_rate", "ip_diversity", "activity_days", "events_per_day"));
        for (String type : SecurityEventSchema.EVENT_TYPES) {
            names.add(eventTypeColumn(type));
        }
        names.addAll(List.of(
                "hour_entropy", "top_ip_share", "single_use_ip_rate",
                "mean_interval_s", "stddev_interval_s", "burst_rate",
                "log_total_bytes", "log_max_bytes", "rare_process_rate", "rare_domain_rate"));
        return List.copyOf(names);
    }

    public static String eventTypeColumn(String eventType) {
        return "share_" + eventType;
    }

    /**
     * The schema of the feature rows ({@link SliceAggregation#features}): {@code user} then {@link #FEATURE_COLUMNS},
     * all doubles.
     */
    public static final StructType SCHEMA = schema();

    private static StructType schema() {
        StructType schema = new StructType().add("user", DataTypes.StringType, false);
        for (String column : FEATURE_COLUMNS) {
            schema = schema.add(column, DataTypes.DoubleType, false);
        }
        return schema;
    }

    /**
     * One partition's users, sorted by their UTF-8 bytes, as feature rows. Each user's features are computed as it
     * arrives, so only the features (about 300 bytes a user) are held for the sort, not the users' whole state.
     */
    static Iterator<Row> featureRows(Iterator<Tuple2<String, UserActivity>> users,
                                     Set<String> commonProcesses, Set<String> commonDomains) {
        List<Tuple2<UTF8String, double[]>> sorted = new ArrayList<>();
        users.forEachRemaining(u -> sorted.add(new Tuple2<>(UTF8String.fromString(u._1()),
                u._2().features(commonProcesses, commonDomains))));
        sorted.sort(Comparator.comparing(Tuple2::_1));
        Iterator<Tuple2<UTF8String, double[]>> each = sorted.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return each.hasNext();
            }

            @Override
            public Row next() {
                Tuple2<UTF8String, double[]> u = each.next();
                Object[] values = new Object[u._2().length + 1];
                values[0] = u._1().toString();
                for (int i = 0; i < u._2().length; i++) {
                    values[i + 1] = u._2()[i];
                }
                return RowFactory.create(values);
            }
        };
    }

    /**
     * The partition of a user under Spark SQL's hash partitioning of a string column: {@code pmod(murmur3(utf8, 42),
     * n)}.
     */
    static final class UserPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private static final int SPARK_SQL_HASH_SEED = 42;
        private final int partitions;

        UserPartitioner(int partitions) {
            this.partitions = partitions;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            byte[] utf8 = ((String) key).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int hash = Murmur3_x86_32.hashUnsafeBytes(utf8, Platform.BYTE_ARRAY_OFFSET, utf8.length,
                    SPARK_SQL_HASH_SEED);
            return Math.floorMod(hash, partitions);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof UserPartitioner p && p.partitions == partitions;
        }

        @Override
        public int hashCode() {
            return partitions;
        }
    }
}
