package io.streamguard.pipeline.explain;

import io.streamguard.pipeline.features.UserFeatures;
import io.streamguard.pipeline.source.SecurityEventSchema;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Puts a feature's value and the population's median into the words of a security analyst: "412 failed events, 38x
 * the median (11)", "62% of logins failed (median 5%)", "3.1 GB transferred in total, 40x the median (80.0 MB)".
 * Every feature of {@link UserFeatures#FEATURE_COLUMNS} has its words; a test keeps that so.
 */
public final class FeatureWords {

    /** How a feature's value reads. */
    enum Kind {
        /** A number of things: "412 failed events". */
        COUNT,
        /** A share in [0, 1], shown as a percentage: "62% of logins failed". */
        SHARE,
        /** Seconds: "4.0 s between events on average". */
        SECONDS,
        /** log1p of bytes: shown as the bytes. */
        LOG_BYTES,
        /** A plain number with a name: "average threat score 0.91". */
        NUMBER
    }

    private record Words(Kind kind, String label) {
    }

    private static final Map<String, Words> WORDS = words();

    private FeatureWords() {
    }

    private static Map<String, Words> words() {
        Map<String, Words> w = new HashMap<>();
        w.put("total_events", new Words(Kind.COUNT, "events"));
        w.put("unique_source_ips", new Words(Kind.COUNT, "distinct source IPs"));
        w.put("unique_destination_ips", new Words(Kind.COUNT, "distinct destination IPs"));
        w.put("unique_event_types", new Words(Kind.COUNT, "distinct event types"));
        w.put("unique_locations", new Words(Kind.COUNT, "distinct locations"));
        w.put("unique_processes", new Words(Kind.COUNT, "distinct processes"));
        w.put("unique_domains", new Words(Kind.COUNT, "distinct domains"));
        w.put("avg_threat_score", new Words(Kind.NUMBER, "average threat score"));
        w.put("max_threat_score", new Words(Kind.NUMBER, "highest threat score"));
        w.put("failed_events", new Words(Kind.COUNT, "failed events"));
        w.put("failed_auth_rate", new Words(Kind.SHARE, "of logins failed"));
        w.put("blocked_rate", new Words(Kind.SHARE, "of events blocked"));
        w.put("unusual_hour_rate", new Words(Kind.SHARE, "of events at unusual hours"));
        w.put("ip_diversity", new Words(Kind.NUMBER, "distinct source IPs per event"));
        w.put("activity_days", new Words(Kind.COUNT, "active days"));
        w.put("events_per_day", new Words(Kind.COUNT, "events per active day"));
        for (String type : SecurityEventSchema.EVENT_TYPES) {
            w.put(UserFeatures.eventTypeColumn(type),
                    new Words(Kind.SHARE, "of events are " + plural(type)));
        }
        w.put("hour_entropy", new Words(Kind.NUMBER, "spread over the hours of the day (entropy, bits)"));
        w.put("top_ip_share", new Words(Kind.SHARE, "of events from the most used source IP"));
        w.put("single_use_ip_rate", new Words(Kind.SHARE, "of events from a source IP used only once"));
        w.put("mean_interval_s", new Words(Kind.SECONDS, "between events on average"));
        w.put("stddev_interval_s", new Words(Kind.SECONDS, "standard deviation of the time between events"));
        w.put("burst_rate", new Words(Kind.SHARE, "of events in bursts"));
        w.put("log_total_bytes", new Words(Kind.LOG_BYTES, "transferred in total"));
        w.put("log_max_bytes", new Words(Kind.LOG_BYTES, "in the largest transfer"));
        w.put("rare_process_rate", new Words(Kind.SHARE, "of events run a rare process"));
        w.put("rare_domain_rate", new Words(Kind.SHARE, "of events query a rare domain"));
        return Map.copyOf(w);
    }

    private static String plural(String eventType) {
        return switch (eventType) {
            case "auth_attempt" -> "login attempts";
            case "dns_query" -> "DNS queries";
            case "file_access" -> "file accesses";
            default -> eventType.replace('_', ' ') + "s";
        };
    }

    /** True when {@code feature} has words of its own (else {@link #describe} names the column). */
    static boolean knows(String feature) {
        return WORDS.containsKey(feature);
    }

    /** The value against the median, in words. */
    public static String describe(String feature, double value, double median) {
        Words words = WORDS.getOrDefault(feature, new Words(Kind.NUMBER, feature));
        String shown = show(words.kind(), value);
        String phrase = switch (words.kind()) {
            case COUNT, LOG_BYTES -> shown + " " + words.label();
            case SHARE -> shown + " " + words.label();
            case SECONDS -> shown + " " + words.label();
            case NUMBER -> words.label() + " " + shown;
        };
        return phrase + ", " + comparison(words.kind(), value, median);
    }

    private static String comparison(Kind kind, double value, double median) {
        String shownMedian = show(kind, median);
        double v = kind == Kind.LOG_BYTES ? Math.expm1(value) : value;
        double m = kind == Kind.LOG_BYTES ? Math.expm1(median) : median;
        if (v == m) {
            return "the same as the median";
        }
        if (m > 0 && v > 0 && kind != Kind.SHARE) {
            double ratio = v / m;
            if (ratio >= 1.5 || ratio <= 1 / 1.5) {
                return ratio(ratio) + " the median (" + shownMedian + ")";
            }
        }
        return (v > m ? "above" : "below") + " the median (" + shownMedian + ")";
    }

    private static String ratio(double ratio) {
        if (ratio >= 10) {
            return String.format(Locale.ROOT, "%.0fx", ratio);
        }
        if (ratio >= 1) {
            return String.format(Locale.ROOT, "%.1fx", ratio);
        }
        double inverse = 1 / ratio;
        return inverse >= 10 ? String.format(Locale.ROOT, "1/%.0f of", inverse)
                : String.format(Locale.ROOT, "1/%.1f of", inverse);
    }

    private static String show(Kind kind, double value) {
        return switch (kind) {
            case COUNT -> number(value);
            case SHARE -> String.format(Locale.ROOT, "%.0f%%", value * 100);
            case SECONDS -> String.format(Locale.ROOT, "%s s", number(value));
            case LOG_BYTES -> bytes(Math.expm1(value));
            case NUMBER -> String.format(Locale.ROOT, "%.2f", value);
        };
    }

    /** Whole numbers as such, others with one decimal. */
    private static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) value);
        }
        return String.format(Locale.ROOT, "%,.1f", value);
    }

    private static String bytes(double bytes) {
        String[] units = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
        int unit = 0;
        double v = bytes;
        while (Math.abs(v) >= 1000 && unit < units.length - 1) {
            v /= 1000;
            unit++;
        }
        return unit == 0 ? String.format(Locale.ROOT, "%.0f B", v) : String.format(Locale.ROOT, "%.1f %s", v, units[unit]);
    }
}
