package io.streamguard.pipeline.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.util.SizeEstimator;
import scala.reflect.ClassTag$;
import org.junit.jupiter.api.Test;

class UserActivityTest {

    private static Row event(int i) {
        return RowFactory.create("alice", 1_767_225_600_000L + 61_000L * i, i % 3 == 0 ? "login" : "file_access",
                "10.0." + (i % 7) + "." + i, "192.168.0." + (i % 11), i % 5 == 0 ? "failed" : "success",
                (i % 100) / 100.0, i % 2 == 0 ? "US" : "Sao Paulo, Brasil", "proc-" + (i % 13) + ".exe",
                "host-" + (i % 17) + ".example.com", 1_000L * i);
    }

    private static String copy(String value) {
        return String.valueOf(value.toCharArray());
    }

    private static UserActivity activity(int from, int to) {
        UserActivity activity = UserActivity.of(event(from));
        for (int i = from + 1; i < to; i++) {
            activity.add(event(i));
        }
        return activity;
    }

    @Test
    void sparkAsksTheStateForItsSizeInsteadOfWalkingIt() {
        UserActivity activity = activity(0, 50);
        assertThat(SizeEstimator.estimate(activity)).isEqualTo(activity.estimatedSize());
    }

    /**
     * Spark spills by these sizes, so they must not be short of what the state holds: compared with Spark's own walk
     * of its fields (in one walk, so a string two fields share counts once), for a state of one event, one of 2,000
     * events (distinct IPs, a few repeated values), that one made of two merged halves, one of short values (one to
     * three characters, where a string's padding is most of it), and one whose source addresses all have one hash
     * code (its counts moved to a {@code HashMap}).
     */
    @Test
    void theSizeIsABoundOnWhatTheStateHoldsAndNotFarAbove() throws IllegalAccessException {
        UserActivity shortValues = null;
        for (int i = 0; i < 300; i++) {
            String value = Integer.toString(i % 100, 36);
            // Strings of their own, arrays and all: new String(value) would share value's array.
            Row event = RowFactory.create("u", 1_767_225_600_000L + i, value, copy(value), copy(value), null, null,
                    copy(value), copy(value), copy(value), null);
            shortValues = shortValues == null ? UserActivity.of(event) : shortValues.add(event);
        }
        UserActivity colliding = null;
        for (int i = 0; i < 512; i++) {
            StringBuilder ip = new StringBuilder("10.");
            for (int bit = 0; bit < 9; bit++) {
                ip.append((i >> bit & 1) == 0 ? "Aa" : "BB"); // "Aa" and "BB" have one hash code
            }
            Row event = RowFactory.create("u", 1_767_225_600_000L + i, "login", ip.toString(), null, null, null, null,
                    null, null, null);
            colliding = colliding == null ? UserActivity.of(event) : colliding.add(event);
        }
        List<UserActivity> states = List.of(activity(0, 1), activity(0, 2_000),
                activity(0, 1_000).merge(activity(1_000, 2_000)), shortValues, colliding);
        long emptyArray = SizeEstimator.estimate(new Object[0]);
        for (UserActivity activity : states) {
            List<Object> references = new java.util.ArrayList<>();
            long walked = 16; // the object's header
            for (Field field : UserActivity.class.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                if (field.getType().isPrimitive()) {
                    walked += 8;
                } else {
                    walked += 4;
                    references.add(field.get(activity));
                }
            }
            Object[] fields = references.toArray();
            walked += SizeEstimator.estimate(fields) - emptyArray - 4L * fields.length;
            assertThat(activity.estimatedSize()).as("walked %d bytes", walked)
                    .isBetween(walked, 2 * walked);
        }
    }

    /**
     * Spark's default serializer carries every state through the shuffle and the serialized cache, in the state's own
     * form ({@code writeExternal}): the copy gives the same features to the bit, the same size, and goes on folding as
     * the original does. Includes an event without a source IP or a score, and a score small enough to be summed
     * apart from the others.
     */
    @Test
    void javaSerializationKeepsEveryPartOfTheState() {
        SerializerInstance java = new JavaSerializer(new SparkConf()).newInstance();
        Row sparse = RowFactory.create("alice", 1_767_225_600_000L, null, null, null, null, null, null, null, null, null);
        Row tiny = RowFactory.create("alice", 1_767_225_700_000L, "login", "10.9.9.9", null, "blocked", 1e-300, null,
                null, null, 0L);
        // The failed-authentication counts: an auth attempt that failed, and one that did not.
        Row failedAuth = RowFactory.create("alice", 1_767_225_800_000L, "auth_attempt", "10.9.9.9", null, "failed",
                0.5, "US", null, null, 1L);
        Row auth = RowFactory.create("alice", 1_767_225_900_000L, "auth_attempt", null, null, "success", null, null,
                null, null, null);
        List<UserActivity> states = List.of(activity(0, 1), activity(0, 2_000),
                activity(0, 1_000).merge(activity(1_000, 2_000)), activity(0, 30).add(sparse).add(tiny).add(failedAuth).add(auth));
        Set<String> processes = Set.of("proc-1.exe", "proc-2.exe");
        Set<String> domains = Set.of("host-3.example.com");
        for (UserActivity state : states) {
            UserActivity copy = java.deserialize(java.serialize(state, ClassTag$.MODULE$.apply(UserActivity.class)),
                    ClassTag$.MODULE$.apply(UserActivity.class));

            assertThat(copy.features(processes, domains)).containsExactly(state.features(processes, domains));
            assertThat(copy.estimatedSize()).isEqualTo(state.estimatedSize());
            for (int i = 5_000; i < 5_040; i++) { // past the timestamps' capacity
                state.add(event(i));
                copy.add(event(i));
            }
            state.merge(activity(6_000, 6_010));
            copy.merge(activity(6_000, 6_010));
            assertThat(copy.features(processes, domains)).containsExactly(state.features(processes, domains));
            assertThat(copy.estimatedSize()).isEqualTo(state.estimatedSize());
        }
    }
}
