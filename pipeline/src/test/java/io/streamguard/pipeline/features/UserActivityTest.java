package io.streamguard.pipeline.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.SizeEstimator;
import org.junit.jupiter.api.Test;

class UserActivityTest {

    private static Row event(int i) {
        return RowFactory.create("alice", 1_767_225_600_000L + 61_000L * i, i % 3 == 0 ? "login" : "file_access",
                "10.0." + (i % 7) + "." + i, "192.168.0." + (i % 11), i % 5 == 0 ? "failed" : "success",
                (i % 100) / 100.0, i % 2 == 0 ? "US" : "Sao Paulo, Brasil", "proc-" + (i % 13) + ".exe",
                "host-" + (i % 17) + ".example.com", 1_000L * i);
    }

    private static UserActivity activity(int events) {
        UserActivity activity = UserActivity.of(event(0));
        for (int i = 1; i < events; i++) {
            activity.add(event(i));
        }
        return activity;
    }

    @Test
    void sparkAsksTheStateForItsSizeInsteadOfWalkingIt() {
        UserActivity activity = activity(50);
        assertThat(SizeEstimator.estimate(activity)).isEqualTo(activity.estimatedSize());
    }

    /**
     * Spark spills by these sizes, so they must not be short of what the state holds: compared with Spark's own walk
     * of each field, a state of one event and one of 2,000 events (distinct IPs, a few repeated values).
     */
    @Test
    void theSizeIsABoundOnWhatTheStateHoldsAndNotFarAbove() throws IllegalAccessException {
        for (int events : new int[] {1, 2_000}) {
            UserActivity activity = activity(events);
            long walked = 16; // the object's header
            for (Field field : UserActivity.class.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                walked += field.getType().isPrimitive() ? 8 : 4 + SizeEstimator.estimate(field.get(activity));
            }
            assertThat(activity.estimatedSize()).as("%d events, walked %d bytes", events, walked)
                    .isBetween(walked, 2 * walked);
        }
    }
}
