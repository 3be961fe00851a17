package io.streamguard.pipeline.features;

import io.streamguard.pipeline.source.EventParser;
import io.streamguard.pipeline.source.SecurityEventSchema;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;

/**
 * What one user's events add up to, event by event, in any order: the state {@link UserFeatures} turns into the
 * user's features. Every feature depends only on the set of events, never on the order they were added or merged in,
 * so that the same events give the same features to the last bit however Spark partitioned, spilled and merged them:
 * <ul>
 *   <li>counts, distinct values and maxima are exact;</li>
 *   <li>the threat scores are summed exactly ({@link BigDecimal}) and rounded once;</li>
 *   <li>the byte counts are summed in 128 bits, so no sum of non-negative longs wraps around;</li>
 *   <li>the time features (intervals, their mean, spread and bursts) come from the timestamps sorted at the end;</li>
 *   <li>the hour entropy comes from a 24-hour histogram, summed in hour order.</li>
 * </ul>
 *
 * <p>The state is the user's counts and distinct values plus one {@code long} per event (its timestamp): a user with
 * many events costs 8 bytes an event.
 */
final class UserActivity implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The columns it reads, by position: the first ones of {@link EventParser#SCHEMA}. */
    static final List<String> COLUMNS = List.of("user", "timestamp", "event_type", "source_ip", "destination_ip",
            "status", "threat_score", "geo_location", "process_name", "domain", "bytes_transferred");

    static {
        if (!List.of(EventParser.SCHEMA.fieldNames()).subList(0, COLUMNS.size()).equals(COLUMNS)) {
            throw new IllegalStateException("EventParser.SCHEMA no longer starts with " + COLUMNS);
        }
    }

    private static final int SMALL = 2;
    private static final long MS_PER_HOUR = 3_600_000L;
    private static final long MS_PER_DAY = 86_400_000L;

    private long events;
    // Sized for a user with a single event, the common case when users are many: a state is then about 1 KB, of which
    // the collections' default 16-slot tables would take another 450 bytes. They grow as a user's values do.
    private long[] timestamps = new long[1];
    private final long[] eventsByHour = new long[24];
    private final Set<Long> days = new HashSet<>(SMALL);
    /** Events per source IP; the events without one are counted under {@code null}, as one more group. */
    private final Map<String, Long> eventsBySourceIp = new HashMap<>(SMALL);
    private final Set<String> destinationIps = new HashSet<>(SMALL);
    private final Map<String, Long> eventsByType = new HashMap<>(SMALL);
    private final Set<String> locations = new HashSet<>(SMALL);
    private final Map<String, Long> eventsByProcess = new HashMap<>(SMALL);
    private final Map<String, Long> eventsByDomain = new HashMap<>(SMALL);
    private long threatScores;
    private BigDecimal threatScoreSum = BigDecimal.ZERO;
    private double maxThreatScore = Double.NEGATIVE_INFINITY;
    private long failed;
    private long auth;
    private long failedAuth;
    private long blocked;
    /** The sum of the byte counts is {@code bytesHigh * 2^64 + bytesLow}, {@code bytesLow} unsigned. */
    private long bytesLow;
    private long bytesHigh;
    private long maxBytes;

    /** One event's state: a row that starts with {@link #COLUMNS}. */
    static UserActivity of(Row event) {
        return new UserActivity().add(event);
    }

    /** Adds one event: a row that starts with {@link #COLUMNS}. */
    UserActivity add(Row event) {
        long timestamp = event.getLong(1);
        if (events == timestamps.length) {
            timestamps = Arrays.copyOf(timestamps, timestamps.length * 2);
        }
        timestamps[(int) events] = timestamp;
        events++;
        // Accepted timestamps are positive (EventParser), so plain division is the floor.
        eventsByHour[(int) (timestamp / MS_PER_HOUR % 24)]++;
        days.add(timestamp / MS_PER_DAY);
        String type = event.getString(2);
        eventsBySourceIp.merge(event.getString(3), 1L, Long::sum);
        addIfPresent(destinationIps, event.getString(4));
        if (type != null) {
            eventsByType.merge(type, 1L, Long::sum);
        }
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
            threatScoreSum = threatScoreSum.add(new BigDecimal(score));
            maxThreatScore = Math.max(maxThreatScore, score);
        }
        addIfPresent(locations, event.getString(7));
        countIfPresent(eventsByProcess, event.getString(8));
        countIfPresent(eventsByDomain, event.getString(9));
        if (!event.isNullAt(10)) {
            long bytes = event.getLong(10);
            addToByteSum(bytes);
            maxBytes = Math.max(maxBytes, bytes);
        }
        return this;
    }

    /** Adds another part of the same user's events; {@code other} is not used afterwards. */
    UserActivity merge(UserActivity other) {
        if (timestamps.length < events + other.events) {
            timestamps = Arrays.copyOf(timestamps, Math.toIntExact(events + other.events));
        }
        System.arraycopy(other.timestamps, 0, timestamps, (int) events, (int) other.events);
        events += other.events;
        for (int h = 0; h < 24; h++) {
            eventsByHour[h] += other.eventsByHour[h];
        }
        days.addAll(other.days);
        other.eventsBySourceIp.forEach((ip, n) -> eventsBySourceIp.merge(ip, n, Long::sum));
        destinationIps.addAll(other.destinationIps);
        other.eventsByType.forEach((type, n) -> eventsByType.merge(type, n, Long::sum));
        locations.addAll(other.locations);
        other.eventsByProcess.forEach((process, n) -> eventsByProcess.merge(process, n, Long::sum));
        other.eventsByDomain.forEach((domain, n) -> eventsByDomain.merge(domain, n, Long::sum));
        threatScores += other.threatScores;
        threatScoreSum = threatScoreSum.add(other.threatScoreSum);
        maxThreatScore = Math.max(maxThreatScore, other.maxThreatScore);
        failed += other.failed;
        auth += other.auth;
        failedAuth += other.failedAuth;
        blocked += other.blocked;
        addToByteSum(other.bytesLow);
        bytesHigh += other.bytesHigh;
        maxBytes = Math.max(maxBytes, other.maxBytes);
        return this;
    }

    /**
     * The user's features, in the order of {@link UserFeatures#FEATURE_COLUMNS}.
     *
     * @param commonProcesses process names that are not rare among all users' events
     * @param commonDomains domains that are not rare among all users' events
     */
    double[] features(Set<String> commonProcesses, Set<String> commonDomains) {
        double n = events;
        List<Double> out = new java.util.ArrayList<>(UserFeatures.FEATURE_COLUMNS.size());
        long sourceIps = eventsBySourceIp.keySet().stream().filter(ip -> ip != null).count();
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
        out.add((double) days.size());
        out.add(n / days.size());
        for (String type : SecurityEventSchema.EVENT_TYPES) {
            out.add(eventsByType.getOrDefault(type, 0L) / n);
        }
        out.add(hourEntropy());
        long topIpEvents = 0;
        long singleUseIps = 0;
        for (long ipEvents : eventsBySourceIp.values()) {
            topIpEvents = Math.max(topIpEvents, ipEvents);
            singleUseIps += ipEvents == 1 ? 1 : 0;
        }
        out.add(topIpEvents / n);
        out.add(singleUseIps / n);
        addIntervalFeatures(out);
        out.add(Math.log1p(totalBytes()));
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
    private void addIntervalFeatures(List<Double> out) {
        int intervals = (int) events - 1;
        if (intervals == 0) {
            out.addAll(List.of(0.0, 0.0, 0.0));
            return;
        }
        long[] times = Arrays.copyOf(timestamps, (int) events);
        Arrays.sort(times);
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
    private double rareShare(Map<String, Long> eventsByValue, Set<String> common) {
        long rare = 0;
        for (Map.Entry<String, Long> e : eventsByValue.entrySet()) {
            rare += common.contains(e.getKey()) ? 0 : e.getValue();
        }
        return rare / (double) events;
    }

    private double totalBytes() {
        return bytesHigh == 0 && bytesLow >= 0 ? (double) bytesLow
                : BigInteger.valueOf(bytesHigh).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(bytesLow)))
                        .doubleValue();
    }

    /** Adds {@code unsigned} (read as an unsigned long) to the 128-bit sum. */
    private void addToByteSum(long unsigned) {
        long sum = bytesLow + unsigned;
        if (Long.compareUnsigned(sum, bytesLow) < 0) {
            bytesHigh++;
        }
        bytesLow = sum;
    }

    private static void addIfPresent(Set<String> values, String value) {
        if (value != null) {
            values.add(value);
        }
    }

    private static void countIfPresent(Map<String, Long> counts, String value) {
        if (value != null) {
            counts.merge(value, 1L, Long::sum);
        }
    }
}
