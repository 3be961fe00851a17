package io.streamguard.pipeline.features;

import io.streamguard.pipeline.source.EventParser;
import io.streamguard.pipeline.source.SecurityEventSchema;
import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.util.KnownSizeEstimation;

/**
 * What one user's events add up to, event by event, in any order: the state {@link UserFeatures} turns into the
 * user's features. Every feature depends only on the set of events, never on the order they were added or merged in,
 * so that the same events give the same features to the last bit however Spark partitioned, spilled and merged them:
 * <ul>
 *   <li>counts, distinct values and maxima are exact;</li>
 *   <li>the threat scores are summed exactly ({@link ExactSum}); the mean is that sum rounded to a double, divided
 *       by the count (two roundings, so not always the nearest double to the exact mean, but the same for the same
 *       events);</li>
 *   <li>the byte counts are summed in 128 bits, so no sum of non-negative longs wraps around;</li>
 *   <li>the time features (days, intervals, their mean, spread and bursts) come from the timestamps sorted at the
 *       end;</li>
 *   <li>the hour entropy comes from a 24-hour histogram, summed in hour order.</li>
 * </ul>
 *
 * <p>The state is the user's counts and distinct values plus one {@code long} per event (its timestamp): a user with
 * many events costs 8 bytes an event.
 *
 * <p>It tells Spark its size ({@link KnownSizeEstimation}). Spark's map-side combine and shuffle read track their
 * memory by sampling the size of what they hold, and its generic estimate walks every object of a sampled state
 * (each string, map entry and boxed count) by reflection: at 1M events that walk took a fifth of the read's CPU.
 * The trait is Spark's own hook for this; {@code UserActivityTest} fails if Spark stops asking it.
 */
final class UserActivity implements Externalizable, KnownSizeEstimation {

    private static final long serialVersionUID = 1L;

    /** The columns it reads, by position: the first ones of {@link EventParser#SCHEMA}. */
    static final List<String> COLUMNS = List.of("user", "timestamp", "event_type", "source_ip", "destination_ip",
            "status", "threat_score", "geo_location", "process_name", "domain", "bytes_transferred");

    static {
        if (!List.of(EventParser.SCHEMA.fieldNames()).subList(0, COLUMNS.size()).equals(COLUMNS)) {
            throw new IllegalStateException("EventParser.SCHEMA no longer starts with " + COLUMNS);
        }
    }

    /**
     * Bounds for {@link #estimatedSize} (compressed references, 16-byte headers): this object, its two sums and the
     * hour histogram; an array's header; a string's header and array, not counting its characters (two bytes each, at
     * most, padded to 8). The six {@link ValueCounts} count their own bytes.
     */
    private static final long EMPTY_BYTES = 448;
    private static final long ARRAY_HEADER_BYTES = 16;
    private static final long STRING_BYTES = 24 + ARRAY_HEADER_BYTES;
    private static final long MS_PER_HOUR = 3_600_000L;
    private static final long MS_PER_DAY = 86_400_000L;

    // Not final, most of them: readExternal fills them in. Kryo (spark.serializer=...KryoSerializer) ignores
    // Externalizable and copies every field, as before.
    private long events;
    // Sized for a user with a single event, the common case when users are many: a state is then about 1 KB. The
    // timestamps and the values grow as a user's events do.
    private long[] timestamps = new long[1];
    private final long[] eventsByHour = new long[24];
    /** Events per source IP; the events without one are counted under {@code null}, as one more group. */
    private ValueCounts eventsBySourceIp = new ValueCounts();
    /** Events per value of these; events without the value are not counted. */
    private ValueCounts destinationIps = new ValueCounts();
    private ValueCounts eventsByType = new ValueCounts();
    private ValueCounts locations = new ValueCounts();
    private ValueCounts eventsByProcess = new ValueCounts();
    private ValueCounts eventsByDomain = new ValueCounts();
    private long threatScores;
    private ExactSum threatScoreSum = ExactSum.ofFractions();
    private double maxThreatScore = Double.NEGATIVE_INFINITY;
    private long failed;
    private long auth;
    private long failedAuth;
    private long blocked;
    private ExactSum byteSum = ExactSum.ofLongs();
    private long maxBytes;
    /**
     * {@link #estimatedSize} but for the {@link ValueCounts}, kept up to date as values are added: a state's size is
     * asked far more than it grows.
     */
    private long heapBytes = EMPTY_BYTES + ARRAY_HEADER_BYTES + 8;

    /** An empty state; for Java serialization, which fills it in ({@link #readExternal}). */
    public UserActivity() {
    }

    /**
     * The state in Java serialization (Spark's default {@code spark.serializer}), which carries every state through the
     * shuffle and reads it back from the serialized cache for each question asked of it. Written field by field: the
     * default form wrote each count as a {@code long[]} object and every slot of the timestamps' array (here only its
     * length), and reading states back was a tenth of a 1M-event run's task CPU.
     */
    @Override
    public void writeExternal(ObjectOutput out) throws IOException {
        out.writeLong(events);
        out.writeInt(timestamps.length); // the capacity, which heapBytes counts: a copy grows as the original would
        for (int i = 0; i < events; i++) {
            out.writeLong(timestamps[i]);
        }
        for (long hour : eventsByHour) {
            out.writeLong(hour);
        }
        eventsBySourceIp.write(out);
        destinationIps.write(out);
        eventsByType.write(out);
        locations.write(out);
        eventsByProcess.write(out);
        eventsByDomain.write(out);
        out.writeLong(threatScores);
        out.writeObject(threatScoreSum);
        out.writeDouble(maxThreatScore);
        out.writeLong(failed);
        out.writeLong(auth);
        out.writeLong(failedAuth);
        out.writeLong(blocked);
        out.writeObject(byteSum);
        out.writeLong(maxBytes);
        out.writeLong(heapBytes);
    }

    @Override
    public void readExternal(ObjectInput in) throws IOException, ClassNotFoundException {
        events = in.readLong();
        timestamps = new long[in.readInt()];
        for (int i = 0; i < events; i++) {
            timestamps[i] = in.readLong();
        }
        for (int h = 0; h < eventsByHour.length; h++) {
            eventsByHour[h] = in.readLong();
        }
        eventsBySourceIp = ValueCounts.read(in);
        destinationIps = ValueCounts.read(in);
        eventsByType = ValueCounts.read(in);
        locations = ValueCounts.read(in);
        eventsByProcess = ValueCounts.read(in);
        eventsByDomain = ValueCounts.read(in);
        threatScores = in.readLong();
        threatScoreSum = (ExactSum) in.readObject();
        maxThreatScore = in.readDouble();
        failed = in.readLong();
        auth = in.readLong();
        failedAuth = in.readLong();
        blocked = in.readLong();
        byteSum = (ExactSum) in.readObject();
        maxBytes = in.readLong();
        heapBytes = in.readLong();
    }

    /** One event's state: a row that starts with {@link #COLUMNS}. */
    static UserActivity of(Row event) {
        return new UserActivity().add(event);
    }

    /** Adds one event: a row that starts with {@link #COLUMNS}. */
    UserActivity add(Row event) {
        long timestamp = event.getLong(1);
        if (events == timestamps.length) {
            heapBytes += 8L * timestamps.length;
            timestamps = Arrays.copyOf(timestamps, timestamps.length * 2);
        }
        timestamps[(int) events] = timestamp;
        events++;
        // Accepted timestamps are positive (EventParser), so plain division is the floor.
        eventsByHour[(int) (timestamp / MS_PER_HOUR % 24)]++;
        String type = event.getString(2);
        count(eventsBySourceIp, event.getString(3), 1);
        addIfPresent(destinationIps, event.getString(4));
        addIfPresent(eventsByType, type);
        String status = event.getString(5);
        boolean isFailed = "failed".equals(status);
        boolean isAuth = "auth_attempt".equals(type);
        failed += isFailed ? 1 : 0;
        auth += isAuth ? 1 : 0;
        failedAuth += isAuth && isFailed ? 1 : 0;
        blocked += "blocked".equals(status) ? 1 : 0;
        if (!event.isNullAt(6)) {
            double score = event.getDouble(6);
            threatScores++;
            threatScoreSum.add(score);
            maxThreatScore = Math.max(maxThreatScore, score);
        }
        addIfPresent(locations, event.getString(7));
        addIfPresent(eventsByProcess, event.getString(8));
        addIfPresent(eventsByDomain, event.getString(9));
        if (!event.isNullAt(10)) {
            long bytes = event.getLong(10);
            byteSum.add(bytes);
            maxBytes = Math.max(maxBytes, bytes);
        }
        return this;
    }

    /** Adds another part of the same user's events; {@code other} is not used afterwards. */
    UserActivity merge(UserActivity other) {
        if (timestamps.length < events + other.events) {
            heapBytes += 8 * (events + other.events - timestamps.length);
            timestamps = Arrays.copyOf(timestamps, Math.toIntExact(events + other.events));
        }
        System.arraycopy(other.timestamps, 0, timestamps, (int) events, (int) other.events);
        events += other.events;
        for (int h = 0; h < 24; h++) {
            eventsByHour[h] += other.eventsByHour[h];
        }
        other.eventsBySourceIp.forEach((ip, n) -> count(eventsBySourceIp, ip, n));
        other.destinationIps.forEach((ip, n) -> count(destinationIps, ip, n));
        other.eventsByType.forEach((type, n) -> count(eventsByType, type, n));
        other.locations.forEach((location, n) -> count(locations, location, n));
        other.eventsByProcess.forEach((process, n) -> count(eventsByProcess, process, n));
        other.eventsByDomain.forEach((domain, n) -> count(eventsByDomain, domain, n));
        threatScores += other.threatScores;
        threatScoreSum.add(other.threatScoreSum);
        maxThreatScore = Math.max(maxThreatScore, other.maxThreatScore);
        failed += other.failed;
        auth += other.auth;
        failedAuth += other.failedAuth;
        blocked += other.blocked;
        byteSum.add(other.byteSum);
        maxBytes = Math.max(maxBytes, other.maxBytes);
        return this;
    }

    /** The user's events. */
    long events() {
        return events;
    }

    /** Adds the user's events per process and per domain to {@code processes} and {@code domains}. */
    void countValues(Map<String, long[]> processes, Map<String, long[]> domains) {
        eventsByProcess.forEach((process, n) -> countIn(processes, process, n));
        eventsByDomain.forEach((domain, n) -> countIn(domains, domain, n));
    }

    /**
     * The user's features, in the order of {@link UserFeatures#FEATURE_COLUMNS}.
     *
     * @param commonProcesses process names that are not rare among all users' events
     * @param commonDomains domains that are not rare among all users' events
     */
    double[] features(Set<String> commonProcesses, Set<String> commonDomains) {
        double n = events;
        long[] times = Arrays.copyOf(timestamps, (int) events);
        Arrays.sort(times);
        long days = 1;
        for (int i = 1; i < times.length; i++) {
            days += times[i] / MS_PER_DAY != times[i - 1] / MS_PER_DAY ? 1 : 0;
        }
        List<Double> out = new java.util.ArrayList<>(UserFeatures.FEATURE_COLUMNS.size());
        long sourceIps = eventsBySourceIp.nonNullSize();
        out.add(n);
        out.add((double) sourceIps);
        out.add((double) destinationIps.size());
        out.add((double) eventsByType.size());
        out.add((double) locations.size());
        out.add((double) eventsByProcess.size());
        out.add((double) eventsByDomain.size());
        out.add(threatScores == 0 ? 0.0 : threatScoreSum.doubleValue() / threatScores);
        out.add(threatScores == 0 ? 0.0 : maxThreatScore);
        out.add((double) failed);
        out.add(auth == 0 ? 0.0 : (double) failedAuth / auth);
        out.add(blocked / n);
        long unusualHours = 0;
        for (int h = 0; h < UserFeatures.UNUSUAL_HOUR_END; h++) {
            unusualHours += eventsByHour[h];
        }
        out.add(unusualHours / n);
        out.add(sourceIps / n);
        out.add((double) days);
        out.add(n / days);
        for (String type : SecurityEventSchema.EVENT_TYPES) {
            out.add(eventsByType.count(type) / n);
        }
        out.add(hourEntropy());
        long[] topAndSingleUse = new long[2];
        eventsBySourceIp.forEach((ip, ipEvents) -> { // the events without an address count as one more address
            topAndSingleUse[0] = Math.max(topAndSingleUse[0], ipEvents);
            topAndSingleUse[1] += ipEvents == 1 ? 1 : 0;
        });
        out.add(topAndSingleUse[0] / n);
        out.add(topAndSingleUse[1] / n);
        addIntervalFeatures(times, out);
        out.add(Math.log1p(byteSum.doubleValue()));
        out.add(Math.log1p(maxBytes));
        out.add(rareShare(eventsByProcess, commonProcesses));
        out.add(rareShare(eventsByDomain, commonDomains));
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Shannon entropy of the hour-of-day histogram, in bits: {@code log2(n) - sum(c * log2(c)) / n} over the hours'
     * counts {@code c}. {@code log2} is {@code StrictMath}'s, as in Spark SQL, so it is the same on every JVM.
     */
    private double hourEntropy() {
        double weighted = 0;
        for (long c : eventsByHour) {
            if (c > 0) {
                weighted += c * log2(c);
            }
        }
        return log2(events) - weighted / events;
    }

    private static double log2(double x) {
        return StrictMath.log(x) / StrictMath.log(2);
    }

    /**
     * Mean and population standard deviation of the seconds between consecutive events in time order, and the share
     * of those intervals shorter than {@link UserFeatures#BURST_INTERVAL_SECONDS}; all 0 for a single event.
     */
    private static void addIntervalFeatures(long[] times, List<Double> out) {
        int intervals = times.length - 1;
        if (intervals == 0) {
            out.addAll(List.of(0.0, 0.0, 0.0));
            return;
        }
        double sum = 0;
        long bursts = 0;
        for (int i = 1; i < times.length; i++) {
            double seconds = (times[i] - times[i - 1]) / 1000.0;
            sum += seconds;
            bursts += seconds < UserFeatures.BURST_INTERVAL_SECONDS ? 1 : 0;
        }
        double mean = sum / intervals;
        double squares = 0;
        for (int i = 1; i < times.length; i++) {
            double d = (times[i] - times[i - 1]) / 1000.0 - mean;
            squares += d * d;
        }
        out.add(mean);
        out.add(Math.sqrt(squares / intervals));
        out.add((double) bursts / intervals);
    }

    /** Share of the user's events whose value is present and not common. */
    private double rareShare(ValueCounts eventsByValue, Set<String> common) {
        long[] rare = new long[1];
        eventsByValue.forEach((value, n) -> rare[0] += common.contains(value) ? 0 : n);
        return rare[0] / (double) events;
    }

    private void addIfPresent(ValueCounts values, String value) {
        if (value != null) {
            count(values, value, 1);
        }
    }

    private void count(ValueCounts counts, String value, long n) {
        if (counts.add(value, n) && value != null) {
            heapBytes += STRING_BYTES + (2L * value.length() + 7) / 8 * 8;
        }
    }

    /**
     * Adds {@code n} to the count of {@code value}, kept in a {@code long[1]}: one allocation per distinct value, none
     * per event. Whether the value is new, for the caller's size estimate.
     */
    static boolean countIn(Map<String, long[]> counts, String value, long n) {
        long[] counted = counts.get(value);
        if (counted == null) {
            counts.put(value, new long[] {n});
            return true;
        }
        counted[0] += n;
        return false;
    }

    /**
     * A bound on the bytes this state holds on the heap, kept as values are added instead of walking its objects: its
     * own part and its strings, plus what each {@link ValueCounts} holds. Strings count two bytes a character, and
     * each distinct value its string even where two fields share one: a bound rather than a guess, so that Spark and
     * {@link PartialFold} hand states on a little early rather than late.
     */
    @Override
    public long estimatedSize() {
        return heapBytes + eventsBySourceIp.bytes() + destinationIps.bytes() + eventsByType.bytes() + locations.bytes()
                + eventsByProcess.bytes() + eventsByDomain.bytes();
    }
}
