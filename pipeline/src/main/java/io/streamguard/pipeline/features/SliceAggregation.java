package io.streamguard.pipeline.features;

import io.streamguard.pipeline.source.EventParser;
import java.io.Serializable;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.sql.Row;
import scala.Function1;
import scala.Tuple2;

/**
 * Everything a run needs from its parsed records, folded in one shuffle as they are read: the count of records by
 * reject reason, the number of events per process and per domain (to tell rare ones), each user's
 * {@link UserActivity}, and the rejected records themselves (for the quarantine).
 *
 * <p>Each read task folds its records in plain Java ({@link PartialFold}) and sends one count per reason and per
 * value, one {@link UserActivity} per user, and its rejected records. The shuffle keeps each kind of key in partitions
 * of its own ({@link SlicePartitioner}), and each question ({@link #counts}, {@link #features}, {@link #rejected})
 * computes only its partitions from the shuffle's files, merging what the tasks handed on: the counts by reason (the
 * read's job, which runs the read tasks), the common values, then each user once, for the feature rows. Nothing is
 * cached here. When the shuffle's result was cached (serialized: a user with one event is about 1 KB as objects), every
 * question read back every user's state to find its own keys: at 1M events, serializing the merged states and reading
 * them twice was about a third of the CPU after the read tasks. The events themselves are never kept: a read task holds
 * at most {@link PartialFold#FLUSH_BYTES} of users' states (8 bytes an event for the timestamps, plus their distinct
 * values), value counts and rejected records.
 *
 * <p>Why not Spark SQL over a cached DataFrame of events, as before: in a cold JVM every kind of query costs its
 * planning, code generation and first-task compilation (the DataFrame of records, its columnar cache, the count by
 * reason, the common values, three windows and an aggregation: about 4 s of a 1,000-event run on 2 cores), and building
 * the columnar cache was a third of the read's CPU at 1M events.
 */
public final class SliceAggregation {

    // The keys and values below are classes, not records: Kryo (spark.serializer=...KryoSerializer, a common setting)
    // cannot construct a record, whose final fields neither reflection nor Unsafe may set.

    /** Records counted by reject reason; {@code null} counts the accepted ones. */
    static final class ReasonKey implements Serializable {
        private static final long serialVersionUID = 1L;
        private String reason;

        ReasonKey(String reason) {
            this.reason = reason;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ReasonKey k && Objects.equals(k.reason, reason);
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(reason);
        }
    }

    /** Events counted by process name ({@code process}) or domain. */
    static final class ValueKey implements Serializable {
        private static final long serialVersionUID = 1L;
        private boolean process;
        private String value;

        ValueKey(boolean process, String value) {
            this.process = process;
            this.value = value;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ValueKey k && k.process == process && k.value.equals(value);
        }

        /** The same on every JVM: it places the key in its partition. */
        @Override
        public int hashCode() {
            return 31 * value.hashCode() + (process ? 1 : 0);
        }
    }

    /** A rejected record, by where it was read. */
    static final class RejectKey implements Serializable {
        private static final long serialVersionUID = 1L;
        private int partition;
        private long offset;

        RejectKey(int partition, long offset) {
            this.partition = partition;
            this.offset = offset;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RejectKey k && k.partition == partition && k.offset == offset;
        }

        /** The same on every JVM: it places the key in its partition. */
        @Override
        public int hashCode() {
            return 31 * Long.hashCode(offset) + partition;
        }
    }

    /** A rejected record: a row of {@link EventParser#SCHEMA}. */
    static final class Rejected implements Serializable {
        private static final long serialVersionUID = 1L;
        private Row row;

        Rejected(Row row) {
            this.row = row;
        }

        Row row() {
            return row;
        }
    }

    private final JavaPairRDD<Object, Object> combined;
    private final SlicePartitioner partitioner;

    private SliceAggregation(JavaPairRDD<Object, Object> combined, SlicePartitioner partitioner) {
        this.combined = combined;
        this.partitioner = partitioner;
    }

    /**
     * Folds parsed records; nothing runs until the first question.
     *
     * @param parsed rows of {@link EventParser#SCHEMA}
     * @param partitions partitions of the users, sized to the data by the caller
     */
    public static SliceAggregation of(JavaRDD<Row> parsed, int partitions) {
        return of(parsed, partitions, PartialFold.FLUSH_BYTES);
    }

    /** {@link #of(JavaRDD, int)}, with each read task handing its state on whenever it holds {@code flushBytes}. */
    static SliceAggregation of(JavaRDD<Row> parsed, int partitions, long flushBytes) {
        SlicePartitioner partitioner = new SlicePartitioner(partitions);
        return new SliceAggregation(parsed
                .mapPartitionsToPair(records -> new PartialFold(records, flushBytes))
                // The tasks folded their records already: Spark's map-side combine would only do it again.
                .combineByKey(state -> state, SliceAggregation::merge, SliceAggregation::merge, partitioner, false,
                        null),
                partitioner);
    }

    /**
     * How many records were read, and how many of them were rejected, by reason. The first question asked reads the
     * records: this is the read's Spark job.
     */
    public EventParser.Counts counts() {
        long records = 0;
        SortedMap<String, Long> rejected = new TreeMap<>();
        for (Tuple2<Object, Object> e : combined.collectPartitions(partitioner.reasons())[0]) {
            long n = (Long) e._2();
            records += n;
            String reason = ((ReasonKey) e._1()).reason;
            if (reason != null) {
                rejected.merge(reason, n, Long::sum);
            }
        }
        return new EventParser.Counts(records, Collections.unmodifiableSortedMap(rejected));
    }

    /**
     * One row of {@link UserFeatures#SCHEMA} per user, with processes and domains judged rare against all users'
     * events: a value seen in fewer than {@link UserFeatures#RARE_SHARE} of {@code validEvents} (and at least twice)
     * is rare. Finding the common values (at most 1/{@code RARE_SHARE} per column) is a Spark job; the rows are lazy.
     * Users are partitioned and ordered as Spark SQL would hash and sort them ({@link UserFeatures}).
     */
    public JavaRDD<Row> features(long validEvents) {
        long minCount = Math.max(2, (long) Math.ceil(validEvents * UserFeatures.RARE_SHARE));
        Set<String> commonProcesses = new HashSet<>();
        Set<String> commonDomains = new HashSet<>();
        List<Object>[] common = combined
                .filter(e -> (Long) e._2() >= minCount)
                .keys()
                .collectPartitions(partitioner.values());
        for (List<Object> keys : common) {
            for (Object key : keys) {
                ValueKey value = (ValueKey) key;
                (value.process ? commonProcesses : commonDomains).add(value.value);
            }
        }
        return only(partitioner::isUsers)
                .mapPartitions(users -> UserFeatures.featureRows(activities(users), commonProcesses, commonDomains));
    }

    /** The rejected records: rows of {@link EventParser#SCHEMA}, lazy. */
    public JavaRDD<Row> rejected() {
        return only(partitioner::isRejected).map(e -> ((Rejected) e._2()).row());
    }

    /**
     * The partitions of one kind of key, in their order: only they are computed from the shuffle, and the users'
     * partitions keep their indices (the first ones).
     */
    private JavaRDD<Tuple2<Object, Object>> only(SerializableIntPredicate partitions) {
        Function1<Object, Object> keep = (Function1<Object, Object> & Serializable) i -> partitions.test((Integer) i);
        return JavaRDD.fromRDD(PartitionPruningRDD.create(combined.rdd(), keep), combined.classTag());
    }

    private interface SerializableIntPredicate extends Serializable {
        boolean test(int partition);
    }

    private static Iterator<Tuple2<String, UserActivity>> activities(Iterator<Tuple2<Object, Object>> users) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return users.hasNext();
            }

            @Override
            public Tuple2<String, UserActivity> next() {
                Tuple2<Object, Object> e = users.next();
                return new Tuple2<>((String) e._1(), (UserActivity) e._2());
            }
        };
    }

    /** Adds another task's state of the same key to a state. */
    private static Object merge(Object state, Object other) {
        if (state instanceof UserActivity activity) {
            return activity.merge((UserActivity) other);
        }
        if (state instanceof Long count) {
            return count + (Long) other;
        }
        return state; // a rejected record: the plan reads each offset of a partition once
    }

    /**
     * Each kind of key in partitions of its own, so that each question computes only the partitions it asks about
     * from the shuffle: the users first, as Spark SQL hashes them ({@link UserFeatures.UserPartitioner}), then as many
     * partitions of values and as many of rejected records (spread by a hash that is the same on every JVM), then one
     * of the counts by reason (a dozen keys).
     */
    private static final class SlicePartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final UserFeatures.UserPartitioner users;

        SlicePartitioner(int userPartitions) {
            this.users = new UserFeatures.UserPartitioner(userPartitions);
        }

        @Override
        public int numPartitions() {
            return 3 * users.numPartitions() + 1;
        }

        @Override
        public int getPartition(Object key) {
            int n = users.numPartitions();
            if (key instanceof String user) {
                return users.getPartition(user);
            }
            if (key instanceof ValueKey) {
                return n + Math.floorMod(key.hashCode(), n);
            }
            if (key instanceof RejectKey) {
                return 2 * n + Math.floorMod(key.hashCode(), n);
            }
            return 3 * n; // ReasonKey
        }

        boolean isUsers(int partition) {
            return partition < users.numPartitions();
        }

        int[] values() {
            return IntStream.range(users.numPartitions(), 2 * users.numPartitions()).toArray();
        }

        boolean isRejected(int partition) {
            return partition >= 2 * users.numPartitions() && partition < 3 * users.numPartitions();
        }

        int[] reasons() {
            return new int[] {3 * users.numPartitions()};
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SlicePartitioner p && p.numPartitions() == numPartitions();
        }

        @Override
        public int hashCode() {
            return numPartitions();
        }
    }
}
