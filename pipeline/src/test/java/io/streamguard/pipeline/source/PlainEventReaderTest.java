package io.streamguard.pipeline.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The fast path must give exactly what the strict reader gives, for every value it does not decline: these tests
 * compare the two parsers over hand-picked values and over many random mutations of real events.
 */
class PlainEventReaderTest {

    private static final long LATEST = 1_800_000_000_000L;
    private static final int MAX_BYTES = 4_096;
    private static final List<String> COLUMNS = List.of(EventParser.SCHEMA.fieldNames()).subList(0, 11);

    /** An event as the seeding writes them. */
    private static final String SEEDED = "{\"event_id\":\"evt-2a-31\",\"timestamp\":1766642412499,"
            + "\"event_type\":\"file_access\",\"user\":\"user-0040\",\"source_ip\":\"34.146.57.210\","
            + "\"destination_ip\":\"10.0.2.2\",\"status\":\"success\",\"threat_score\":0.1335,\"metadata\":{"
            + "\"geo_location\":\"CA\",\"hostname\":\"ws-0040\",\"user_agent\":\"StreamGuardSynth/1.0\",\"port\":445,"
            + "\"protocol\":\"tcp\",\"file_path\":\"/srv/shared/q3.xlsx\",\"process_name\":\"excel.exe\","
            + "\"domain\":\"github.com\",\"bytes_transferred\":1230},\"file_details\":{\"operation\":\"read\"}}";

    private final EventParser fast = new EventParser(MAX_BYTES, LATEST);
    private final EventParser strict = EventParser.strictOnly(MAX_BYTES, LATEST);
    private final PlainEventReader plain = new PlainEventReader(SecurityEventSchema.EVENT, COLUMNS);

    @Test
    void readsTheCommonShapeItself() {
        Object[] columns = new Object[COLUMNS.size()];
        assertThat(plain.read(bytes(SEEDED), 0, SEEDED.length(), columns)).isTrue();
        assertThat(columns).containsExactly("user-0040", 1766642412499L, "file_access", "34.146.57.210", "10.0.2.2",
                "success", 0.1335, "CA", "excel.exe", "github.com", 1230L);

        String spaced = "  {\n\t\"user\" : \"a\" ,\r\n \"timestamp\": 1 , \"threat_score\" : 1, \"metadata\" : null,"
                + " \"x\": [1, -2.5e-3, [], {}, {\"y\": [true, false, null]}]}  ";
        columns = new Object[COLUMNS.size()];
        assertThat(plain.read(bytes(spaced), 0, spaced.length(), columns)).isTrue();
        assertThat(columns).containsExactly("a", 1L, null, null, null, null, 1.0, null, null, null, null);
    }

    @Test
    void keepsOneStringPerRepeatedValue() {
        Object[] first = new Object[COLUMNS.size()];
        Object[] second = new Object[COLUMNS.size()];
        plain.read(bytes(SEEDED), 0, SEEDED.length(), first);
        byte[] padded = bytes("xx" + SEEDED + "yy");
        plain.read(padded, 2, SEEDED.length(), second);
        assertThat(second[0]).isSameAs(first[0]);
        assertThat(second[9]).isSameAs(first[9]);
    }

    @Test
    void declinesWhatOnlyTheStrictReaderMayJudge() {
        for (String value : List.of(
                "", "[]", "{\"user\":\"a\\u0041\"}", "{\"user\":\"\u00e9\"}", "{\"user\":\"a\",\"user\":\"b\"}",
                "{\"threat_score\":NaN}", "{\"threat_score\":-0.5}", "{\"timestamp\":1.5}", "{\"timestamp\":01}",
                "{\"timestamp\":1234567890123456789}", "{\"user\":1}", "{\"a\":1,}", "{}{}", "{\"a\":tru}",
                "{\"a\":1}x", "{\"a\":\"\0\"}", "\0{}", "{\"metadata\":{\"port\":\"443\"}}", "{\"a\":-}",
                "{\"a\":1.}", "{\"a\":1e}", "{\"a\":.5}", "{\"a\":" + "[".repeat(20) + "]".repeat(20) + "}",
                "{\"user\":\"a\"", "{\"a\" 1}", "{\"a\":nullx}", "{'a':1}", "\u00ef\u00bb\u00bf{}")) {
            byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
            assertThat(plain.read(bytes, 0, bytes.length, new Object[COLUMNS.size()])).as(value).isFalse();
        }
    }

    @Test
    void numbersAreTheStrictReadersToTheBit() {
        Random random = new Random(7);
        List<String> numbers = new ArrayList<>(List.of("0", "-0", "1", "0.0", "0.5", "1.0", "0.1335", "0.3",
                "1e0", "1E-1", "5e-1", "0.1e1", "100e-2", "1.0000000000000002", "0.30000000000000004",
                "0.123456789012345", "0.1234567890123456", "0.12345678901234567", "4.9e-324", "1e400",
                "0.0000000000000000000001", "0.00000000000000000000001", "123456789012345", "1234567890123456",
                "999999999999999999", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
                "1766642412499", "-1766642412499", "0.99999999999999999999", "1.00000000000000000001",
                // where a 16- or 17-digit mantissa divided by its power of ten rounds twice, off by one unit
                "0.64655870752979346", "0.90712286008684260", "0.39370547312312891", "0.24394867226112926",
                "0.9856624980352251", "0.9120158891947125", "0.9174859492808939", "0.9075864202363997"));
        for (int i = 0; i < 2_000; i++) {
            numbers.add(Double.toString(random.nextDouble()));
            numbers.add(String.format(java.util.Locale.ROOT, "%." + random.nextInt(25) + "f", random.nextDouble()));
            numbers.add(Long.toString(random.nextLong() >> random.nextInt(64)));
            numbers.add("0." + Long.toUnsignedString(random.nextLong() | Long.MIN_VALUE).substring(0, 1 + random.nextInt(19)));
        }
        int read = 0;
        for (String number : numbers) {
            for (String field : List.of("\"threat_score\":%s", "\"timestamp\":%s",
                    "\"metadata\":{\"bytes_transferred\":%s}", "\"metadata\":{\"port\":%s}")) {
                String timestamp = field.startsWith("\"timestamp") ? "" : "\"timestamp\":1700000000000,";
                String value = "{\"user\":\"u\"," + timestamp + field.formatted(number) + "}";
                read += compare(bytes(value)) ? 1 : 0;
            }
        }
        assertThat(read).as("values the fast path read itself").isGreaterThan(numbers.size());
    }

    /**
     * Jackson's symbol table hashes names with a per-JVM seed and fails a value whose names collide there: the strict
     * reader calls such a value {@code not_json}, and the fast path, which has no symbol table, took it for an event
     * (found by the red team). The fast path declines a value with many names, so the verdict is the strict reader's.
     */
    @Test
    void aValueWhoseNamesCollideInJacksonsSymbolTableIsTheStrictReadersToJudge() throws Exception {
        java.lang.reflect.Field json = Class.forName(StrictJsonReader.class.getName() + "$Factory").getDeclaredField("JSON");
        json.setAccessible(true);
        java.lang.reflect.Field symbols = com.fasterxml.jackson.core.JsonFactory.class
                .getDeclaredField("_byteSymbolCanonicalizer");
        symbols.setAccessible(true);
        com.fasterxml.jackson.core.sym.ByteQuadsCanonicalizer table =
                (com.fasterxml.jackson.core.sym.ByteQuadsCanonicalizer) symbols.get(json.get(null));
        StringBuilder value = new StringBuilder("{\"user\":\"u\",\"timestamp\":1700000000000");
        String letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        int candidates = 52 * 52 * 52 * 52;
        // The fullest slot of the table under this JVM's seed: it holds at least the average, 1,785 of the names (a
        // fixed slot held fewer than 1,000 under some seeds, and the test failed by the clock it started at).
        int[] bySlot = new int[0x1000];
        for (int i = 0; i < candidates; i++) {
            bySlot[table.calcHash(quad(letters, i)) & 0xFFF]++;
        }
        int fullest = 0;
        for (int slot = 1; slot < bySlot.length; slot++) {
            fullest = bySlot[slot] > bySlot[fullest] ? slot : fullest;
        }
        int names = 0;
        for (int i = 0; names < 1_000 && i < candidates; i++) {
            int quad = quad(letters, i);
            if ((table.calcHash(quad) & 0xFFF) == fullest) {
                value.append(",\"").append(new String(new byte[] {(byte) (quad >>> 24), (byte) (quad >>> 16),
                    (byte) (quad >>> 8), (byte) quad}, StandardCharsets.US_ASCII)).append("\":1");
                names++;
            }
        }
        assertThat(names).isEqualTo(1_000);
        byte[] bytes = bytes(value.append('}').toString());
        int reason = EventParser.SCHEMA.fieldIndex(EventParser.REJECT_REASON);

        Row strictRow = EventParser.strictOnly(bytes.length, LATEST).parse("t", 0, 0, new Timestamp(0), bytes);
        Row fastRow = new EventParser(bytes.length, LATEST).parse("t", 0, 0, new Timestamp(0), bytes);

        // Jackson's verdict also depends on the names this JVM read before (its table grows), so it is not asserted.
        assertThat(fastRow.get(reason)).isEqualTo(strictRow.get(reason));
        assertThat(plain.read(bytes, 0, bytes.length, new Object[COLUMNS.size()])).isFalse();
    }

    /** The {@code i}th name of four of {@code letters}, as Jackson's symbol table reads it: one quad of bytes. */
    private static int quad(String letters, int i) {
        int n = letters.length();
        return (letters.charAt(i % n) << 24) | (letters.charAt(i / n % n) << 16) | (letters.charAt(i / (n * n) % n) << 8)
                | letters.charAt(i / (n * n * n));
    }

    /**
     * Names are matched against the one expected next, byte for byte: a name that only starts as it, is cut short,
     * escaped, or comes out of order is read by name or declined, never taken for the expected one.
     */
    @Test
    void namesNearTheExpectedOneAreReadAsTheStrictReaderReadsThem() {
        String start = "{\"event_id\":\"e\",\"timestamp\":1700000000000,\"event_type\":\"login\",";
        for (String value : List.of(
                start + "\"user_agent\":\"x\",\"user\":\"u\"}",
                start + "\"use\":\"x\",\"user\":\"u\"}",
                start + "\"usr\":\"x\",\"user\":\"u\"}",
                start + "\"source_ip\":\"1.1.1.1\",\"user\":\"u\"}",
                "{\"user\":\"u\",\"timestamp\":1700000000000,\"event_id\":\"e\"}",
                "{\"timestamp\":1700000000000,\"metadata\":{\"geo_location\":\"US\",\"geo_locationx\":1,"
                        + "\"hostname\":\"h\"},\"user\":\"u\"}")) {
            assertThat(compare(bytes(value))).as("read by the fast path: %s", value).isTrue();
        }
        for (String value : List.of(
                start + "\"us\\u0065r\":\"u\"}",
                start + "\"user",
                start + "\"user\"",
                start + "\"user\u0001\":\"u\"}")) {
            assertThat(compare(bytes(value))).as("declined by the fast path: %s", value).isFalse();
        }
        Row user = fast.parse("t", 0, 0, new Timestamp(0), bytes(start + "\"user_agent\":\"x\",\"user\":\"u\"}"));
        assertThat(user.getString(0)).isEqualTo("u");
    }

    @Test
    void aSchemaWithANameItCannotMatchIsRefused() {
        org.apache.spark.sql.types.StructType quoted = new org.apache.spark.sql.types.StructType()
                .add("us\"er", org.apache.spark.sql.types.DataTypes.StringType);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PlainEventReader(quoted, List.of("us\"er")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("us\"er");
    }

    /** Up to {@link PlainEventReader#MAX_NAMES} names, nested ones included, the fast path reads a value itself. */
    @Test
    void manyNamesAreReadUpToTheLimit() {
        StringBuilder value = new StringBuilder("{\"user\":\"u\",\"timestamp\":1,\"x\":{");
        for (int i = 3; i < PlainEventReader.MAX_NAMES; i++) {
            value.append(i == 3 ? "" : ",").append("\"n").append(i).append("\":").append(i);
        }
        String atLimit = value + "}}";
        String overLimit = value + ",\"one_more\":0}}";
        assertThat(plain.read(bytes(atLimit), 0, atLimit.length(), new Object[COLUMNS.size()])).isTrue();
        assertThat(plain.read(bytes(overLimit), 0, overLimit.length(), new Object[COLUMNS.size()])).isFalse();
    }

    /** One parser used by two threads at once: each thread gets its own fast path, so no row takes another's value. */
    @Test
    void aParserSharedByThreadsKeepsEachValueItsOwn() throws Exception {
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<Integer>> wrong = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                String prefix = "thread" + t;
                wrong.add(threads.submit(() -> {
                    int mismatches = 0;
                    for (int i = 0; i < 50_000; i++) {
                        String user = prefix + "-" + (i % 500);
                        String domain = prefix + ".example";
                        byte[] value = bytes(KafkaRecords.event(user, 1_700_000_000_000L, "auth_attempt", "1.1.1.1",
                                "success", 0.2, "US", 10).replace("example.com", domain));
                        Row row = fast.parse("t", 0, i, new Timestamp(0), value);
                        mismatches += user.equals(row.getString(0)) && domain.equals(row.getString(9)) ? 0 : 1;
                    }
                    return mismatches;
                }));
            }
            for (java.util.concurrent.Future<Integer> f : wrong) {
                assertThat(f.get()).as("rows with another thread's values").isZero();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * Random edits of real events (bytes replaced, inserted, deleted, fragments repeated): whatever the fast path
     * reads itself, it reads as the strict reader does.
     */
    @Test
    void mutatedEventsParseAsTheStrictReaderParsesThem() {
        List<String> bases = List.of(SEEDED,
                KafkaRecords.event("alice", 1_700_000_000_000L, "auth_attempt", "1.1.1.1", "success", 0.2, "US", 10),
                "{ \"user\" : \"bob\" , \"timestamp\" : 1700000000000 , \"threat_score\" : 1 ,"
                        + " \"metadata\" : { \"bytes_transferred\" : 0 , \"domain\" : null } , \"tags\" : [ ] }",
                "{\"user\":\"carol\",\"timestamp\":1700000000000,\"details\":{\"a\":[1,{\"b\":\"c\"}],\"d\":true}}");
        String[] fragments = {"{", "}", "[", "]", "\"", ":", ",", ".", "-", "+", "e", "E", "0", "1", "9", "\\", " ",
            "\t", "\n", "\r", "\0", "\u007f", "\u0080", "\u00c3", "\u00ff", "\u0001", "n", "t", "f", "null", "true",
            "false", "NaN", "Infinity", "-0", "1e5", "0.5", "\"user\":\"x\",", "\"timestamp\":1,", "\"metadata\":{},",
            "\"metadata\":null,", "\"threat_score\":2,", "\"bytes_transferred\":-1,", "\"port\":1.5,", "\\u00e9",
            "\\ud800"};
        Random random = new Random(42);
        int read = 0;
        int rejectedAfterRead = 0;
        int mutants = 60_000;
        for (int i = 0; i < mutants; i++) {
            StringBuilder value = new StringBuilder(bases.get(random.nextInt(bases.size())));
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(value.length() + 1);
                switch (random.nextInt(4)) {
                    case 0 -> value.insert(at, fragments[random.nextInt(fragments.length)]);
                    case 1 -> {
                        if (at < value.length()) {
                            value.setCharAt(at, fragments[random.nextInt(fragments.length)].charAt(0));
                        }
                    }
                    case 2 -> value.delete(at, Math.min(value.length(), at + 1 + random.nextInt(4)));
                    default -> {
                        int to = Math.min(value.length(), at + 1 + random.nextInt(30));
                        value.insert(at, value.substring(at, to));
                    }
                }
            }
            byte[] bytes = value.toString().getBytes(StandardCharsets.ISO_8859_1);
            if (compare(bytes)) {
                read++;
                Row row = fast.parse("t", 0, i, new Timestamp(0), bytes);
                rejectedAfterRead += row.isNullAt(EventParser.SCHEMA.fieldIndex(EventParser.REJECT_REASON)) ? 0 : 1;
            }
        }
        // The comparison must cover both paths, and the fast path's values that the checks after it reject.
        assertThat(read).as("mutants the fast path read itself").isBetween(mutants / 10, mutants - mutants / 10);
        assertThat(rejectedAfterRead).as("of those, rejected after the read").isGreaterThan(100);
    }

    /**
     * Parses {@code value} with both parsers and asserts equal rows; when the fast path reads the value itself, also
     * asserts that its columns are the strict reader's, before the checks that follow the parse (a rejected row's
     * columns are all null). Whether the fast path read it itself.
     */
    private boolean compare(byte[] value) {
        Row expected = strict.parse("t", 1, 2, new Timestamp(3), value);
        Row actual = fast.parse("t", 1, 2, new Timestamp(3), value);
        // Read in place, as from Kafka's buffer: the value in the middle of a larger array. Jackson 2.15 misread names
        // after an escaped string there when it did not canonicalize names.
        byte[] padded = new byte[value.length + 50];
        Arrays.fill(padded, (byte) '}');
        System.arraycopy(value, 0, padded, 37, value.length);
        Row inPlace = fast.parse("t", 1, 2, new Timestamp(3), java.nio.ByteBuffer.wrap(padded, 37, value.length));
        String text = new String(value, StandardCharsets.ISO_8859_1);
        for (int i = 0; i < expected.length(); i++) {
            assertSame(EventParser.SCHEMA.fields()[i].name(), text, expected.get(i), actual.get(i));
            assertSame(EventParser.SCHEMA.fields()[i].name() + " (in place)", text, expected.get(i), inPlace.get(i));
        }
        Object[] columns = new Object[COLUMNS.size()];
        if (!plain.read(value, 0, value.length, columns)) {
            return false;
        }
        Row event = new StrictJsonReader(SecurityEventSchema.EVENT).parse(value);
        assertThat(event.get(SecurityEventSchema.EVENT.size())).as("strict reader's error for %s", text).isNull();
        Row metadata = (Row) event.get(SecurityEventSchema.EVENT.fieldIndex("metadata"));
        for (int i = 0; i < columns.length; i++) {
            String name = COLUMNS.get(i);
            Object strictValue = SecurityEventSchema.EVENT.getFieldIndex(name).isDefined()
                    ? event.get(SecurityEventSchema.EVENT.fieldIndex(name))
                    : metadata == null ? null : metadata.get(SecurityEventSchema.METADATA.fieldIndex(name));
            assertSame(name, text, strictValue, columns[i]);
        }
        return true;
    }

    /** Equal values, doubles to the bit (the sign of zero too), arrays by content. */
    private static void assertSame(String column, String value, Object strict, Object fast) {
        boolean same = strict instanceof byte[] s && fast instanceof byte[] f ? Arrays.equals(s, f)
                : Objects.equals(strict, fast);
        assertThat(same).as("column %s of %s: strict %s, fast %s", column, value, strict, fast).isTrue();
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.ISO_8859_1);
    }
}
