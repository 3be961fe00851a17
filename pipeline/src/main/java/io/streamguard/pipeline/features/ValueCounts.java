package io.streamguard.pipeline.features;

import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;

/**
 * Events counted by a string value, {@code null} included: the distinct values of one user's events (source and
 * destination addresses, types, places, processes, domains) in {@link UserActivity}.
 *
 * <p>Why not a {@code HashMap<String, long[]>}: the fold adds every event to six of these, and in a read task's
 * profile the maps' lookups were close to half of the fold. Here a value's slot is found by a probe over two parallel
 * arrays: the keys, compared by reference first (the parser hands the same value over as the same string), and the
 * counts, kept as plain {@code long}s; no entry or count object is made per value. Most users' maps hold a handful of
 * values (one, when users are many and their events few), so the arrays start at 2 slots and double when more
 * than half full.
 *
 * <p>Not thread-safe, and iterated in slot order: nothing computed from it may depend on that order (counts, sizes
 * and maxima do not).
 */
final class ValueCounts {

    /** Slots of a new instance: a power of two. */
    private static final int INITIAL_SLOTS = 2;

    private String[] keys;
    private long[] counts;
    /** Distinct values held, {@code null} not included. */
    private int size;
    private long nullCount;
    private boolean hasNull;

    ValueCounts() {
        this(0);
    }

    /** Room for {@code expected} values before the arrays grow. */
    private ValueCounts(int expected) {
        int slots = INITIAL_SLOTS;
        while (expected * 2 > slots) {
            slots *= 2;
        }
        keys = new String[slots];
        counts = new long[slots];
    }

    /** What each counted value receives. */
    interface ValueConsumer {
        void accept(String value, long count);
    }

    /**
     * Adds {@code n} events of {@code value}.
     *
     * @return whether the value is new
     */
    boolean add(String value, long n) {
        if (value == null) {
            nullCount += n;
            boolean added = !hasNull;
            hasNull = true;
            return added;
        }
        String[] keys = this.keys;
        int mask = keys.length - 1;
        int hash = value.hashCode();
        int i = (hash ^ (hash >>> 16)) & mask;
        while (true) {
            String key = keys[i];
            if (key == value) {
                counts[i] += n;
                return false;
            }
            if (key == null) {
                break;
            }
            if (key.hashCode() == hash && key.equals(value)) {
                counts[i] += n;
                return false;
            }
            i = (i + 1) & mask;
        }
        keys[i] = value;
        counts[i] = n;
        if (++size * 2 > keys.length) {
            grow();
        }
        return true;
    }

    /** The events of {@code value}, 0 when it was never added. */
    long count(String value) {
        if (value == null) {
            return nullCount;
        }
        int mask = keys.length - 1;
        int hash = value.hashCode();
        for (int i = (hash ^ (hash >>> 16)) & mask; keys[i] != null; i = (i + 1) & mask) {
            if (keys[i] == value || keys[i].equals(value)) {
                return counts[i];
            }
        }
        return 0;
    }

    /** Distinct values, {@code null} included when it was added. */
    int size() {
        return size + (hasNull ? 1 : 0);
    }

    /** Distinct values other than {@code null}. */
    int nonNullSize() {
        return size;
    }

    /** Slots held: {@link UserActivity} counts them for its size. */
    int slots() {
        return keys.length;
    }

    /** Every value with its count, {@code null} first when it was added. */
    void forEach(ValueConsumer consumer) {
        if (hasNull) {
            consumer.accept(null, nullCount);
        }
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                consumer.accept(keys[i], counts[i]);
            }
        }
    }

    /**
     * Writes the values (as objects, so that a stream writes a string it has written before as a reference to it) and
     * their counts.
     */
    void write(ObjectOutput out) throws IOException {
        out.writeInt(size());
        if (hasNull) {
            out.writeObject(null);
            out.writeLong(nullCount);
        }
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                out.writeObject(keys[i]);
                out.writeLong(counts[i]);
            }
        }
    }

    /** What {@link #write} wrote. */
    static ValueCounts read(ObjectInput in) throws IOException, ClassNotFoundException {
        int size = in.readInt();
        ValueCounts values = new ValueCounts(size);
        for (int i = size; i > 0; i--) {
            values.add((String) in.readObject(), in.readLong());
        }
        return values;
    }

    private void grow() {
        String[] oldKeys = keys;
        long[] oldCounts = counts;
        keys = new String[oldKeys.length * 2];
        counts = new long[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            String key = oldKeys[j];
            if (key != null) {
                int hash = key.hashCode();
                int i = (hash ^ (hash >>> 16)) & mask;
                while (keys[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = key;
                counts[i] = oldCounts[j];
            }
        }
    }
}
