package io.streamguard.pipeline.features;

import io.streamguard.pipeline.features.SliceAggregation.ReasonKey;
import io.streamguard.pipeline.features.SliceAggregation.Rejected;
import io.streamguard.pipeline.features.SliceAggregation.RejectKey;
import io.streamguard.pipeline.features.SliceAggregation.ValueKey;
import io.streamguard.pipeline.source.EventParser;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * One read task's parsed records, folded in plain Java before the shuffle into the keyed states of
 * {@link SliceAggregation}: a count per reject reason, a count per process and per domain, a {@link UserActivity} per
 * user, and each rejected record as it comes.
 *
 * <p>Spark's own map-side combine did the same through a map keyed by (partition, key) tuples that compares boxed
 * integers and samples its size every tenth of its growth: a quarter of the read's CPU at 1M events. This fold keys
 * plain hash maps by the values themselves. It holds at most {@link #FLUSH_BYTES} of state (by
 * {@link UserActivity#estimatedSize}, and a bound per distinct value): when that is reached, it hands everything it
 * holds to the shuffle and starts again, so a task's memory stays bounded however many users a slice has; the shuffle
 * merges what was handed on separately.
 */
final class PartialFold implements Iterator<Tuple2<Object, Object>> {

    /**
     * The state one task holds before handing it on. Spark runs one task per core, so a 2-core run holds 64 MB: well
     * inside the smallest heap Spark accepts (about 450 MB), and enough that a task of a few thousand users hands its
     * users on once or a few times, not per record.
     */
    static final long FLUSH_BYTES = 32L << 20;
    /** A distinct reason or user: its entry, key object, string and count. */
    private static final long VALUE_BYTES = 160;

    private static final int REJECT_REASON = EventParser.SCHEMA.fieldIndex(EventParser.REJECT_REASON);
    private static final int USER = EventParser.SCHEMA.fieldIndex("user");
    private static final int PARTITION = EventParser.SCHEMA.fieldIndex("partition");
    private static final int OFFSET = EventParser.SCHEMA.fieldIndex("offset");

    private final Iterator<Row> records;
    private final long flushBytes;
    /** Rejected records by reason. */
    private final Map<String, long[]> rejectedByReason = new HashMap<>();
    private final Map<String, UserActivity> users = new HashMap<>();
    private long heldBytes;
    private final ArrayDeque<Tuple2<Object, Object>> out = new ArrayDeque<>();

    /** @param flushBytes the state held before handing it on: {@link #FLUSH_BYTES}, or less in tests */
    PartialFold(Iterator<Row> records, long flushBytes) {
        this.records = records;
        this.flushBytes = flushBytes;
    }

    @Override
    public boolean hasNext() {
        while (out.isEmpty() && records.hasNext()) {
            add(records.next());
            if (heldBytes >= flushBytes) {
                flush();
            }
        }
        if (out.isEmpty()) {
            flush();
        }
        return !out.isEmpty();
    }

    @Override
    public Tuple2<Object, Object> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return out.poll();
    }

    private void add(Row record) {
        String reason = record.getString(REJECT_REASON);
        if (reason != null) {
            if (UserActivity.countIn(rejectedByReason, reason, 1)) {
                heldBytes += VALUE_BYTES + 2L * reason.length();
            }
            out.add(new Tuple2<>(new RejectKey(record.getInt(PARTITION), record.getLong(OFFSET)),
                    new Rejected(record)));
            return;
        }
        String user = record.getString(USER);
        UserActivity activity = users.get(user);
        if (activity == null) {
            activity = UserActivity.of(record);
            users.put(user, activity);
            heldBytes += activity.estimatedSize() + VALUE_BYTES + 2L * user.length();
        } else {
            long before = activity.estimatedSize();
            activity.add(record);
            heldBytes += activity.estimatedSize() - before;
        }
    }

    /**
     * Hands everything held to the shuffle, and starts again. The accepted records (counted under the {@code null}
     * reason) and the events per process and per domain are what the users' states already count, summed here once
     * per flush: counted per event as well, they were three more hash lookups for every event.
     */
    private void flush() {
        long accepted = 0;
        Map<String, long[]> processes = new HashMap<>();
        Map<String, long[]> domains = new HashMap<>();
        for (UserActivity activity : users.values()) {
            accepted += activity.events();
            activity.countValues(processes, domains);
        }
        if (accepted > 0) {
            out.add(new Tuple2<>(new ReasonKey(null), accepted));
        }
        rejectedByReason.forEach((reason, n) -> out.add(new Tuple2<>(new ReasonKey(reason), n[0])));
        processes.forEach((process, n) -> out.add(new Tuple2<>(new ValueKey(true, process), n[0])));
        domains.forEach((domain, n) -> out.add(new Tuple2<>(new ValueKey(false, domain), n[0])));
        users.forEach((user, activity) -> out.add(new Tuple2<>(user, activity)));
        rejectedByReason.clear();
        users.clear();
        heldBytes = 0;
    }
}
