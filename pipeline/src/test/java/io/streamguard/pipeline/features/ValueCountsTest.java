package io.streamguard.pipeline.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fold's counts by value must count as a {@code HashMap} of the same values would. */
class ValueCountsTest {

    @Test
    void countsEqualStringsAsOneValueAndNullApart() {
        ValueCounts counts = new ValueCounts();
        assertThat(counts.add("10.0.0.1", 1)).isTrue();
        assertThat(counts.add(new String("10.0.0.1"), 2)).as("an equal string, not the same one").isFalse();
        assertThat(counts.add(null, 1)).isTrue();
        assertThat(counts.add(null, 4)).isFalse();
        // "Aa" and "BB" have the same hash code: two values all the same.
        assertThat(counts.add("Aa", 1)).isTrue();
        assertThat(counts.add("BB", 7)).isTrue();
        assertThat(counts.count("10.0.0.1")).isEqualTo(3);
        assertThat(counts.count(null)).isEqualTo(5);
        assertThat(counts.count("Aa")).isEqualTo(1);
        assertThat(counts.count("BB")).isEqualTo(7);
        assertThat(counts.count("CC")).isZero();
        assertThat(counts.size()).isEqualTo(4);
        assertThat(counts.nonNullSize()).isEqualTo(3);
        assertThat(asMap(counts)).containsExactlyInAnyOrderEntriesOf(
                mapOf("10.0.0.1", 3L, null, 5L, "Aa", 1L, "BB", 7L));
    }

    /** Many values, repeated in a random order, as the arrays grow from their first two slots. */
    @Test
    void countsAsAHashMapDoesWhileItGrows() throws Exception {
        Random random = new Random(11);
        ValueCounts counts = new ValueCounts();
        Map<String, Long> expected = new HashMap<>();
        for (int i = 0; i < 50_000; i++) {
            String value = random.nextInt(20) == 0 ? null : "v" + random.nextInt(5_000);
            long n = 1 + random.nextInt(3);
            assertThat(counts.add(value, n)).as("new: %s", value).isEqualTo(!expected.containsKey(value));
            expected.merge(value, n, Long::sum);
        }
        assertThat(counts.size()).isEqualTo(expected.size());
        assertThat(counts.slots()).as("slots for %d values", expected.size()).isBetween(2 * expected.size(),
                4 * expected.size());
        assertThat(asMap(counts)).isEqualTo(expected);
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            assertThat(counts.count(e.getKey())).isEqualTo(e.getValue());
        }

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            counts.write(out);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            ValueCounts copy = ValueCounts.read(in);
            assertThat(asMap(copy)).isEqualTo(expected);
            assertThat(copy.slots()).isEqualTo(counts.slots());
        }
    }

    /**
     * Addresses counted up one by one have consecutive hash codes: spread over the slots, they stay in the arrays.
     * Values that all share one hash code (built of "Aa" and "BB") move to a map, and are still counted right.
     */
    @Test
    void consecutiveHashesStayInTheArraysAndCollidingOnesMoveToAMap() throws Exception {
        ValueCounts addresses = new ValueCounts();
        for (int a = 0; a < 100; a++) {
            for (int b = 0; b < 250; b++) {
                addresses.add("10.0." + a + "." + b, 1);
            }
        }
        assertThat(addresses.nonNullSize()).isEqualTo(25_000);
        assertThat(addresses.slots()).as("still in the arrays").isEqualTo(65_536);

        ValueCounts colliding = new ValueCounts();
        Map<String, Long> expected = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 4_096; i++) {
                StringBuilder value = new StringBuilder("evil-");
                for (int bit = 0; bit < 12; bit++) {
                    value.append((i >> bit & 1) == 0 ? "Aa" : "BB");
                }
                assertThat(value.toString().hashCode()).isEqualTo("evil-AaAaAaAaAaAaAaAaAaAaAaAa".hashCode());
                colliding.add(value.toString(), i + 1);
                expected.merge(value.toString(), (long) i + 1, Long::sum);
            }
        }
        colliding.add(null, 2);
        expected.put(null, 2L);
        assertThat(colliding.slots()).as("moved to a map").isZero();
        assertThat(asMap(colliding)).isEqualTo(expected);
        assertThat(colliding.count("evil-BBAaAaAaAaAaAaAaAaAaAaAa")).isEqualTo(3 * 2);
        assertThat(colliding.bytes()).isGreaterThan(4_096L * 80);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            colliding.write(out);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(asMap(ValueCounts.read(in))).isEqualTo(expected);
        }
    }

    private static Map<String, Long> asMap(ValueCounts counts) {
        Map<String, Long> map = new HashMap<>();
        counts.forEach((value, n) -> assertThat(map.put(value, n)).as("%s twice", value).isNull());
        return map;
    }

    private static Map<String, Long> mapOf(Object... keysAndValues) {
        Map<String, Long> map = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], (Long) keysAndValues[i + 1]);
        }
        return map;
    }
}
