package io.streamguard.pipeline.source;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads the common shape of an event straight from its bytes, or declines: the fast path in front of
 * {@link StrictJsonReader}, which stays the one definition of what a value means.
 *
 * <p>The common shape is JSON in printable ASCII: strings without escapes, numbers in JSON's grammar of modest
 * length, literals, and unknown fields nested at most {@link #MAX_SKIPPED_DEPTH} deep. Within that shape the reader
 * gives exactly what the strict reader would for a value it accepts: the same fields, strings and numbers to the bit.
 * Everything else, including every value the strict reader would reject (wrong types, a declared field twice,
 * trailing content, zero bytes, {@code NaN}, escapes, any byte above 127), it declines by returning false, and the
 * caller reads the value strictly. It declines rather than rejects, so it never has to agree with the strict reader on
 * an error, only on a success; {@code PlainEventReaderTest} compares the two over mutated values.
 *
 * <p>Why: Jackson's streaming parser was about a third of a read task's CPU. This reader makes no token objects,
 * no strings for declared fields the run does not use ({@code event_id}, {@code hostname}...), and takes the strings
 * it keeps from a small cache ({@link #STRING_CACHE_SIZE}), so that the same user, type or address is one
 * {@code String} whose hash is computed once for the fold's hash maps.
 *
 * <p>Not thread-safe: it belongs to the thread that made it ({@link #owner}), and {@link EventParser} keeps one per
 * thread.
 */
final class PlainEventReader {

    /** Nesting of unknown fields it skips; deeper ones are declined (Jackson's own limit is far beyond). */
    static final int MAX_SKIPPED_DEPTH = 16;
    /** A longer number is declined: Jackson limits numbers' length, and such a number is not an event's. */
    private static final int MAX_NUMBER_CHARS = 64;
    /**
     * A value with more field names (nested ones too) is declined. Jackson keeps names in a symbol table hashed with a
     * per-JVM random seed and fails a value whose names fill one of its slots: only a value crafted for that seed,
     * and only with several hundred names, yet its verdict is the strict reader's to give, whatever it is.
     */
    static final int MAX_NAMES = 256;
    /** A longer string is declined: Jackson limits strings' and names' length too. */
    private static final int MAX_STRING_BYTES = 1 << 16;
    /**
     * Distinct strings held, by hash, one per slot: users, types, addresses, places, processes, domains. A task of a
     * 1M-event slice of the synthetic topic reads about 1,800 values ten times or more (624 users, 919 source and 220
     * destination addresses) among about 26,000 rarer ones (24,110 source addresses in all) that pass through the
     * cache; at 4,096 slots they evicted each other, 9 % of the strings read missed the cache, and each miss cost a
     * new string and then a full comparison in every hash map of the fold. At 16,384 slots 4 % miss, nearly all of
     * them values seen once, and a task's parse and fold took 6 % less (250,000 events, client compiler, 2 JVMs of 10
     * passes: median 719 vs 767 ms). A reader (one per task) then holds up to about 3 MB: each slot keeps a value's
     * bytes and its string.
     */
    static final int STRING_CACHE_SIZE = 16_384;
    /** Longer strings are not cached: they are rarely repeated values. */
    private static final int MAX_CACHED_BYTES = 64;
    /** Exact powers of ten as doubles: 10^22 is the largest whose double is exact. */
    private static final double[] POWERS_OF_TEN = new double[23];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private static final int STRING = 0;
    private static final int LONG = 1;
    private static final int DOUBLE = 2;
    private static final int STRUCT = 3;

    /** The declared fields of one object of the schema. */
    private static final class Fields {
        /** No declared field: an object skipped whole. */
        static final Fields NONE = new Fields(new StructType(), List.of(), new boolean[0]);

        final byte[][] names;
        /** Each name's {@link #hash}. */
        final int[] hashes;
        final int[] types;
        /** The event column each field fills, or -1 for a field that is only checked. */
        final int[] columns;
        final Fields[] structs;

        /** @param claimed the columns already filled by a field, so no two fields (nested or not) fill one */
        Fields(StructType type, List<String> columnNames, boolean[] claimed) {
            StructField[] fields = type.fields();
            if (fields.length > Long.SIZE) {
                throw new IllegalStateException("more fields than a seen-mask holds: " + type);
            }
            names = new byte[fields.length][];
            hashes = new int[fields.length];
            types = new int[fields.length];
            columns = new int[fields.length];
            structs = new Fields[fields.length];
            for (int i = 0; i < fields.length; i++) {
                names[i] = fields[i].name().getBytes(StandardCharsets.UTF_8);
                for (byte b : names[i]) {
                    // expectedNameEnd matches a name byte for byte, so it must read as itself inside quotes
                    if (b < ' ' || b == '"' || b == '\\' || b > '~') {
                        throw new IllegalStateException(
                                "a field name the plain reader cannot match: " + fields[i].name());
                    }
                }
                hashes[i] = hash(names[i], 0, names[i].length);
                columns[i] = columnNames.indexOf(fields[i].name());
                if (columns[i] >= 0 && claimed[columns[i]]) {
                    throw new IllegalStateException("two fields fill the column " + fields[i].name());
                }
                if (columns[i] >= 0) {
                    claimed[columns[i]] = true;
                }
                DataType t = fields[i].dataType();
                if (t instanceof StructType struct) {
                    types[i] = STRUCT;
                    structs[i] = new Fields(struct, columnNames, claimed);
                } else if (t == DataTypes.StringType) {
                    types[i] = STRING;
                } else if (t == DataTypes.LongType) {
                    types[i] = LONG;
                } else if (t == DataTypes.DoubleType) {
                    types[i] = DOUBLE;
                } else {
                    throw new IllegalStateException("no plain reading of " + t + " for field " + fields[i].name());
                }
            }
        }

        /**
         * The field named by {@code data[from, to)}, whose {@link #hash} is {@code hash}, or -1. Producers write an
         * event's fields in one order, so the field after the last one read ({@code next}) is tried first.
         */
        int indexOf(byte[] data, int from, int to, int hash, int next) {
            if (next < names.length && hashes[next] == hash && same(names[next], data, from, to)) {
                return next;
            }
            for (int i = 0; i < names.length; i++) {
                if (hashes[i] == hash && same(names[i], data, from, to)) {
                    return i;
                }
            }
            return -1;
        }

        /** Whether {@code data[from, to)} holds {@code name}; in a plain loop, which the client compiler runs faster. */
        static boolean same(byte[] name, byte[] data, int from, int to) {
            if (name.length != to - from) {
                return false;
            }
            for (int i = 0; i < name.length; i++) {
                if (name[i] != data[from + i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Declines a value: control flow only, no stack trace. */
    private static final class Declined extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Declined INSTANCE = new Declined();

        private Declined() {
            super(null, null, false, false);
        }
    }

    /** One cached string with the bytes it was made from; immutable, so a slot is always consistent. */
    private record Cached(byte[] bytes, String string) {
    }

    private final Thread owner = Thread.currentThread();
    private final Fields schema;
    private final Cached[] strings = new Cached[STRING_CACHE_SIZE];
    private byte[] data;
    private int end;
    /** Field names read so far in this value. */
    private int names;
    /** The {@link #hash} of the string {@link #stringEnd} scanned last. */
    private int scannedHash;

    /**
     * @param schema the event's struct schema (string, long, double and struct fields)
     * @param columnNames the columns its fields fill, by name; a field not among them is only checked
     */
    PlainEventReader(StructType schema, List<String> columnNames) {
        this.schema = new Fields(schema, columnNames, new boolean[columnNames.size()]);
    }

    /** {@code String.hashCode} of the ASCII string in {@code bytes[from, to)}. */
    static int hash(byte[] bytes, int from, int to) {
        int hash = 0;
        for (int i = from; i < to; i++) {
            hash = 31 * hash + bytes[i];
        }
        return hash;
    }

    /** The thread that made this reader, the only one that may use it. */
    Thread owner() {
        return owner;
    }

    /**
     * Fills {@code columns} from the value in {@code data[from, from + length)} and returns true, or returns false
     * (and leaves {@code columns} partly filled) when the value is not of the common shape.
     *
     * @param columns the event columns: {@code Long} for a long field, {@code Double} for a double, null when absent
     */
    boolean read(byte[] data, int from, int length, Object[] columns) {
        this.data = data;
        this.end = from + length;
        this.names = 0;
        try {
            int p = skipWhitespace(from);
            if (p >= end || data[p] != '{') {
                return false;
            }
            p = readObject(p, schema, columns, 0);
            return skipWhitespace(p) == end;
        } catch (Declined e) {
            return false;
        } finally {
            this.data = null;
        }
    }

    /**
     * Reads the object whose '{' is at {@code p} into {@code columns}, skipping its undeclared fields (all of them
     * for {@link Fields#NONE}) at nesting {@code depth}; returns the position after its '}'.
     */
    private int readObject(int p, Fields fields, Object[] columns, int depth) {
        long seen = 0;
        int next = 0;
        p = skipWhitespace(p + 1);
        if (at(p) == '}') {
            return p + 1;
        }
        while (true) {
            int field = next;
            int nameEnd = expectedNameEnd(p, fields, next);
            if (nameEnd < 0) {
                nameEnd = nameEnd(p);
                field = fields.indexOf(data, p + 1, nameEnd, scannedHash, next);
            }
            p = skipWhitespace(nameEnd + 1);
            if (at(p) != ':') {
                throw Declined.INSTANCE;
            }
            p = skipWhitespace(p + 1);
            if (field < 0) {
                p = skipValue(p, depth);
            } else {
                if ((seen & (1L << field)) != 0) {
                    throw Declined.INSTANCE; // a declared field twice: the strict reader says why
                }
                seen |= 1L << field;
                next = field + 1;
                p = readField(p, fields, field, columns);
            }
            p = skipWhitespace(p);
            byte b = at(p);
            if (b == '}') {
                return p + 1;
            }
            if (b != ',') {
                throw Declined.INSTANCE;
            }
            p = skipWhitespace(p + 1);
        }
    }

    private int readField(int p, Fields fields, int field, Object[] columns) {
        int column = fields.columns[field];
        if (at(p) == 'n') {
            // null, a missing value: the column keeps its null, and so do a struct's
            return literal(p, "null");
        }
        switch (fields.types[field]) {
            case STRING -> {
                if (at(p) != '"') {
                    throw Declined.INSTANCE;
                }
                if (column < 0) {
                    return unhashedStringEnd(p) + 1;
                }
                int stringEnd = stringEnd(p);
                columns[column] = string(p + 1, stringEnd);
                return stringEnd + 1;
            }
            case LONG -> {
                int numberEnd = numberEnd(p);
                if (column >= 0) {
                    columns[column] = longValue(p, numberEnd);
                } else {
                    longValue(p, numberEnd);
                }
                return numberEnd;
            }
            case DOUBLE -> {
                int numberEnd = numberEnd(p);
                double value = doubleValue(p, numberEnd);
                if (column >= 0) {
                    columns[column] = value;
                }
                return numberEnd;
            }
            default -> {
                if (at(p) != '{') {
                    throw Declined.INSTANCE;
                }
                return readObject(p, fields.structs[field], columns, 0);
            }
        }
    }

    /** Checks and skips any value at {@code p}, nested at most {@link #MAX_SKIPPED_DEPTH}; returns its end. */
    private int skipValue(int p, int depth) {
        byte b = at(p);
        switch (b) {
            case '"':
                return unhashedStringEnd(p) + 1;
            case 't':
                return literal(p, "true");
            case 'f':
                return literal(p, "false");
            case 'n':
                return literal(p, "null");
            case '{':
            case '[':
                if (depth == MAX_SKIPPED_DEPTH) {
                    throw Declined.INSTANCE;
                }
                return b == '{' ? readObject(p, Fields.NONE, null, depth + 1) : skipArray(p, depth + 1);
            default:
                return numberEnd(p);
        }
    }

    private int skipArray(int p, int depth) {
        p = skipWhitespace(p + 1);
        if (at(p) == ']') {
            return p + 1;
        }
        while (true) {
            p = skipWhitespace(skipValue(p, depth));
            byte b = at(p);
            if (b == ']') {
                return p + 1;
            }
            if (b != ',') {
                throw Declined.INSTANCE;
            }
            p = skipWhitespace(p + 1);
        }
    }

    /**
     * The closing quote of the field name at {@code p} when that name is {@code fields}' field {@code next}, the one a
     * producer writes after the field read last; else -1, and nothing is counted. One pass that compares bytes, where
     * {@link #nameEnd} and {@link Fields#indexOf} scan and hash the name, then compare it: names are about 40 % of an
     * event's bytes. Declared names hold no quote, escape or control character (checked in {@link Fields}), so bytes
     * that match are the name itself.
     */
    private int expectedNameEnd(int p, Fields fields, int next) {
        if (next >= fields.names.length) {
            return -1;
        }
        byte[] name = fields.names[next];
        int close = p + 1 + name.length;
        if (close >= end || data[p] != '"' || data[close] != '"' || !Fields.same(name, data, p + 1, close)) {
            return -1;
        }
        if (++names > MAX_NAMES) {
            throw Declined.INSTANCE;
        }
        return close;
    }

    /**
     * The closing quote of the field name at {@code p}; declines every name of the value after the
     * {@value #MAX_NAMES}th.
     */
    private int nameEnd(int p) {
        if (at(p) != '"' || ++names > MAX_NAMES) {
            throw Declined.INSTANCE;
        }
        return stringEnd(p);
    }

    /** The byte at {@code p}, which must lie inside the value. */
    private byte at(int p) {
        if (p >= end) {
            throw Declined.INSTANCE;
        }
        return data[p];
    }

    /** JSON's whitespace only; anything else below a space is declined where a token is expected. */
    private int skipWhitespace(int p) {
        byte[] data = this.data;
        int end = this.end;
        while (p < end) {
            byte b = data[p];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                break;
            }
            p++;
        }
        return p;
    }

    /**
     * The position of the closing quote of the string whose opening quote is at {@code p}. Only printable ASCII
     * without escapes: a backslash, a control character or any byte above 127 declines.
     */
    private int stringEnd(int p) {
        byte[] data = this.data; // a local: the client compiler reloads a field on every pass of a loop
        int limit = Math.min(end, p + 1 + MAX_STRING_BYTES);
        int hash = 0;
        for (int i = p + 1; i < limit; i++) {
            byte b = data[i];
            if (b == '"') {
                scannedHash = hash;
                return i;
            }
            if (b < ' ' || b == '\\') { // bytes above 127 are negative
                throw Declined.INSTANCE;
            }
            hash = 31 * hash + b;
        }
        throw Declined.INSTANCE;
    }

    /**
     * {@link #stringEnd} without the hash, for strings that are only checked: the same checks in a loop of its own,
     * as the client compiler would not take the hash out of a shared one.
     */
    private int unhashedStringEnd(int p) {
        byte[] data = this.data;
        int limit = Math.min(end, p + 1 + MAX_STRING_BYTES);
        for (int i = p + 1; i < limit; i++) {
            byte b = data[i];
            if (b == '"') {
                return i;
            }
            if (b < ' ' || b == '\\') {
                throw Declined.INSTANCE;
            }
        }
        throw Declined.INSTANCE;
    }

    /**
     * The end of the number at {@code p}, checked against JSON's grammar
     * ({@code -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?}) and followed by a delimiter.
     */
    private int numberEnd(int p) {
        int start = p;
        if (at(p) == '-') {
            p++;
        }
        byte b = at(p);
        if (b == '0') {
            p++;
        } else if (b >= '1' && b <= '9') {
            p = digitsEnd(p);
        } else {
            throw Declined.INSTANCE;
        }
        if (at(p) == '.') {
            p = digitsEnd(p + 1);
            if (data[p - 1] == '.') {
                throw Declined.INSTANCE;
            }
        }
        b = at(p);
        if (b == 'e' || b == 'E') {
            p++;
            b = at(p);
            if (b == '+' || b == '-') {
                p++;
            }
            int digits = p;
            p = digitsEnd(p);
            if (p == digits) {
                throw Declined.INSTANCE;
            }
        }
        b = at(p);
        if (p - start > MAX_NUMBER_CHARS
                || (b != ',' && b != '}' && b != ']' && b != ' ' && b != '\n' && b != '\r' && b != '\t')) {
            throw Declined.INSTANCE;
        }
        return p;
    }

    private int digitsEnd(int p) {
        byte[] data = this.data;
        int end = this.end;
        while (p < end && data[p] >= '0' && data[p] <= '9') {
            p++;
        }
        return p;
    }

    /** An integer of at most 18 digits (so it fits a long); anything else declines. */
    private Long longValue(int from, int to) {
        boolean negative = data[from] == '-';
        int digits = negative ? from + 1 : from;
        if (to - digits > 18) {
            throw Declined.INSTANCE;
        }
        long value = 0;
        for (int i = digits; i < to; i++) {
            byte b = data[i];
            if (b < '0' || b > '9') {
                throw Declined.INSTANCE; // a fraction or an exponent: not a long
            }
            value = value * 10 + (b - '0');
        }
        return negative ? -value : value;
    }

    /**
     * A non-negative number as the nearest double, as {@code Double.parseDouble} (Jackson's conversion) gives it: exact
     * when the digits fit 2^53 and the divisor is an exact power of ten (one correctly rounded division), and
     * {@code Double.parseDouble} itself otherwise. A negative number declines: scores are in [0, 1], and so the sign of
     * a negative zero never has to be reasoned about here.
     */
    private double doubleValue(int from, int to) {
        if (data[from] == '-') {
            throw Declined.INSTANCE;
        }
        long mantissa = 0;
        int digits = 0;
        int fractionDigits = 0;
        boolean fraction = false;
        for (int i = from; i < to; i++) {
            byte b = data[i];
            if (b == '.') {
                fraction = true;
            } else if (b >= '0' && b <= '9') {
                if (digits == 15) {
                    return Double.parseDouble(new String(data, from, to - from, StandardCharsets.ISO_8859_1));
                }
                mantissa = mantissa * 10 + (b - '0');
                digits += mantissa == 0 ? 0 : 1;
                fractionDigits += fraction ? 1 : 0;
            } else { // an exponent
                return Double.parseDouble(new String(data, from, to - from, StandardCharsets.ISO_8859_1));
            }
        }
        if (fractionDigits >= POWERS_OF_TEN.length) {
            return Double.parseDouble(new String(data, from, to - from, StandardCharsets.ISO_8859_1));
        }
        return mantissa / POWERS_OF_TEN[fractionDigits];
    }

    private int literal(int p, String word) {
        for (int i = 0; i < word.length(); i++) {
            if (at(p + i) != word.charAt(i)) {
                throw Declined.INSTANCE;
            }
        }
        p += word.length();
        byte b = at(p);
        if (b != ',' && b != '}' && b != ']' && b != ' ' && b != '\n' && b != '\r' && b != '\t') {
            throw Declined.INSTANCE;
        }
        return p;
    }

    /** The ASCII string in {@code data[from, to)}: the cached instance when the same bytes were read before. */
    private String string(int from, int to) {
        int length = to - from;
        if (length > MAX_CACHED_BYTES) {
            return new String(data, from, length, StandardCharsets.ISO_8859_1);
        }
        int hash = scannedHash;
        int slot = (hash ^ (hash >>> 16)) & (STRING_CACHE_SIZE - 1);
        Cached cached = strings[slot];
        if (cached != null && Fields.same(cached.bytes, data, from, to)) {
            return cached.string;
        }
        byte[] bytes = Arrays.copyOfRange(data, from, to);
        String string = new String(bytes, StandardCharsets.ISO_8859_1);
        strings[slot] = new Cached(bytes, string);
        return string;
    }
}
