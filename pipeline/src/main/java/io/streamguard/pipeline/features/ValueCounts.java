package io.streamguard.pipeline.features;

import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.util.HashMap;
import java.util.Map;

/**
 * Events counted by a string value, {@code null} included: the distinct values of one user's events (source and
 * destination addresses, types, places, processes, domains) in {@link UserActivity}.
 *
 * <p>Why not a {@code HashMap<String, long[]>}: the fold adds every event to six of these, and in a profile of a read
 * task's parse and fold (client compiler) the maps' lookups and inserts were close to half of the fold. Here a value's
 * slot is found by a linear probe over two parallel arrays: the keys, compared by reference first (the parser hands
 * the same value over as the same string), and the counts, kept as plain {@code long}s; no entry or count object is
 * made per value. Most users' maps hold a handful of values (one, when users are many and their events few), so the
 * arrays start at 2 slots and double when more than half full. The slot comes from the string's hash multiplied by
 * 2<sup>32</sup>/φ (Fibonacci hashing): addresses such as {@code 10.0.3.1}, {@code 10.0.3.2}... have consecutive
 * hashes, which a mask alone would put in one long run of slots.
 *
 * <p>The values come from the topic, so anyone who can produce to it can send one user values that all have the same
 * hash (strings built of {@code "Aa"} and {@code "BB"}): in one array every insert would probe past all the others.
 * An insert that probes more than {@link #MAX_PROBES} slots moves the values to a {@code HashMap}, which keeps the
 * strings of one hash in a tree: the old cost, O(log n), rather than O(n) a value.
 *
 * <p>Not thread-safe, and iterated in no particular order: nothing computed from it may depend on that order (counts,
 * sizes and maxima do not).
 */
final class ValueCounts {

    /** Slots of a new instance: a power of two. */
    private static final int INITIAL_SLOTS = 2;
    /**
     * The longest probe before the values move to a {@code HashMap}. At most half the slots are in use and the hash is
     * spread, so real values rarely probe more than a few slots: the red team's 24,110 addresses of the 1M topic took
     * 1.3 on average with a spread hash.
     */
    static final int MAX_PROBES = 32;
    /** 2<sup>32</sup> divided by the golden ratio: multiplying by it spreads consecutive hashes over the slots. */
    private static final int FIBONACCI = 0x9E3779B9;
    /**
     * Bounds for {@link #bytes} (compressed references, 16-byte headers): this object; an array's header; a value
     * moved to the {@code HashMap}: its tree node, its {@code long[1]} count and its share of the table. Strings are
     * not counted here: {@link UserActivity} counts each new value's.
     */
    private static final long OBJECT_BYTES = 48;
    private static final long ARRAY_HEADER_BYTES = 16;
    private static final long MAP_BYTES = 48 + ARRAY_HEADER_BYTES + 16 * 4;
    private static final long MAP_ENTRY_BYTES = 56 + 24 + 16;

    private String[] keys;
    private long[] counts;
    /** How far right a hash multiplied by {@link #FIBONACCI} is shifted to give a slot: 32 - log2(slots). */
    private int shift;
    /** Once set, every value is here and the arrays are gone. */
    private Map<String, long[]> overflow;
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
        allocate(slots);
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
        if (overflow != null) {
            boolean added = UserActivity.countIn(overflow, value, n);
            size += added ? 1 : 0;
            return added;
        }
        String[] keys = this.keys;
        int mask = keys.length - 1;
        int hash = value.hashCode();
        int i = slot(hash);
        for (int probes = 0; ; probes++) {
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
            if (probes == MAX_PROBES) {
                moveToMap();
                return add(value, n);
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
        if (overflow != null) {
            long[] counted = overflow.get(value);
            return counted == null ? 0 : counted[0];
        }
        int mask = keys.length - 1;
        for (int i = slot(value.hashCode()); keys[i] != null; i = (i + 1) & mask) {
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

    /** Slots of the arrays; 0 once the values moved to a {@code HashMap}. */
    int slots() {
        return overflow == null ? keys.length : 0;
    }

    /** A bound on the bytes this holds on the heap, its strings not included. */
    long bytes() {
        if (overflow != null) {
            return OBJECT_BYTES + MAP_BYTES + MAP_ENTRY_BYTES * size;
        }
        long slots = keys.length;
        return OBJECT_BYTES + ARRAY_HEADER_BYTES + (4 * slots + 7) / 8 * 8 + ARRAY_HEADER_BYTES + 8 * slots;
    }

    /** Every value with its count, {@code null} first when it was added. */
    void forEach(ValueConsumer consumer) {
        if (hasNull) {
            consumer.accept(null, nullCount);
        }
        if (overflow != null) {
            overflow.forEach((value, counted) -> consumer.accept(value, counted[0]));
            return;
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
        out.writeBoolean(hasNull);
        out.writeLong(nullCount);
        out.writeInt(size);
        if (overflow != null) {
            for (Map.Entry<String, long[]> e : overflow.entrySet()) {
                out.writeObject(e.getKey());
                out.writeLong(e.getValue()[0]);
            }
            return;
        }
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                out.writeObject(keys[i]);
                out.writeLong(counts[i]);
            }
        }
    }

    /** What {@link #write} wrote, in arrays of the same size. */
    static ValueCounts read(ObjectInput in) throws IOException, ClassNotFoundException {
        boolean hasNull = in.readBoolean();
        long nullCount = in.readLong();
        int size = in.readInt();
        ValueCounts values = new ValueCounts(size);
        values.hasNull = hasNull;
        values.nullCount = nullCount;
        for (int i = 0; i < size; i++) {
            values.add((String) in.readObject(), in.readLong());
        }
        return values;
    }

    /** Where a value of this hash is looked for first. */
    private int slot(int hash) {
        return (hash * FIBONACCI) >>> shift;
    }

    private void allocate(int slots) {
        keys = new String[slots];
        counts = new long[slots];
        shift = Integer.numberOfLeadingZeros(slots) + 1;
    }

    private void grow() {
        String[] oldKeys = keys;
        long[] oldCounts = counts;
        allocate(oldKeys.length * 2);
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            String key = oldKeys[j];
            if (key != null) {
                int i = slot(key.hashCode());
                while (keys[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = key;
                counts[i] = oldCounts[j];
            }
        }
    }

    private void moveToMap() {
        Map<String, long[]> map = new HashMap<>();
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                map.put(keys[i], new long[] {counts[i]});
            }
        }
        overflow = map;
        keys = null;
        counts = null;
    }
}
