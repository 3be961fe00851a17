package io.streamguard.pipeline.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Parses one JSON value into a row of a struct schema, checking the JSON type of every declared field.
 *
 * <p>Spark's {@code from_json} turns any token into a string field ({@code "user": {"id":1}} becomes the user
 * {@code {"id":1}}, {@code "user": 12345} the user {@code 12345}) and cannot tell a number from a numeric string
 * afterwards. This reader walks Jackson's tokens once and accepts for a string field only a JSON string, for a
 * {@code long} only an integer that fits, for a {@code double} any number (the non-standard {@code NaN} and
 * {@code Infinity} tokens too, so the caller can reject them by name), for a struct only an object; {@code null}
 * is accepted everywhere (a missing value). Undeclared fields are skipped whatever their type.
 *
 * <p>The value is read as UTF-8, never as another encoding Jackson could detect. The result has the schema's fields
 * followed by {@link #ERROR}: null when the value matched, otherwise {@link #NOT_JSON} (unparsable, not an object,
 * trailing content, nesting beyond Jackson's limit, a declared field twice in one object, a zero byte), {@link #WRONG_TYPE}, or {@link #INVALID_TEXT} (a declared string with a lone surrogate);
 * all other fields are null then.
 */
public final class StrictJsonReader implements java.io.Serializable {

    public static final String ERROR = "parse_error";
    public static final String NOT_JSON = "not_json";
    public static final String WRONG_TYPE = "wrong_type";
    /** The reason of a string whose escapes leave half a surrogate pair: text that is not Unicode. */
    public static final String INVALID_TEXT = "invalid_utf8";

    private static final long serialVersionUID = 1L;

    /** Created per JVM: executors deserialize the reader, the factory is built on first use there. */
    private static final class Factory {
        static final JsonFactory JSON = JsonFactory.builder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .build();
    }

    private final Fields schema;

    public StrictJsonReader(StructType schema) {
        this.schema = new Fields(schema);
    }

    /**
     * A struct's fields by name, in a Java map: {@code StructType.getFieldIndex} goes through a Scala map, which took
     * a fifth of this reader's time.
     */
    private static final class Fields implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final StructField[] fields;
        final Map<String, Integer> indexByName = new HashMap<>();
        /** The fields of each struct field, by index; null for the others. */
        final Fields[] structs;

        Fields(StructType type) {
            fields = type.fields();
            structs = new Fields[fields.length];
            for (int i = 0; i < fields.length; i++) {
                indexByName.put(fields[i].name(), i);
                if (fields[i].dataType() instanceof StructType struct) {
                    structs[i] = new Fields(struct);
                }
            }
        }
    }

    /** The value parsed: the schema's fields and {@link #ERROR}; null for a null value. */
    public Row parse(byte[] value) {
        return value == null ? null : parse(value, 0, value.length);
    }

    /** The value in {@code bytes[from, from + length)} parsed: the schema's fields and {@link #ERROR}. */
    public Row parse(byte[] bytes, int from, int length) {
        Object[] fields = new Object[schema.fields.length + 1];
        for (int i = from; i < from + length; i++) {
            if (bytes[i] == 0) {
                // JSON in UTF-8 holds no zero byte, and Jackson would take zeros among the first four bytes for
                // UTF-16 or UTF-32 and read the value in that encoding.
                return failed(fields, NOT_JSON);
            }
        }
        try (JsonParser parser = Factory.JSON.createParser(bytes, from, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return failed(fields, NOT_JSON);
            }
            Object[] values = readObject(parser, schema);
            if (parser.nextToken() != null) {
                return failed(fields, NOT_JSON);
            }
            System.arraycopy(values, 0, fields, 0, values.length);
            return new GenericRow(fields);
        } catch (Rejected e) {
            return failed(fields, e.reason);
        } catch (IOException | RuntimeException e) { // malformed JSON, or limits of Jackson's read constraints
            return failed(fields, NOT_JSON);
        }
    }

    private static Row failed(Object[] fields, String error) {
        java.util.Arrays.fill(fields, null);
        fields[fields.length - 1] = error;
        return new GenericRow(fields);
    }

    /** Reads the fields of the object whose START_OBJECT is the current token, up to its END_OBJECT. */
    private static Object[] readObject(JsonParser parser, Fields type) throws IOException {
        Object[] values = new Object[type.fields.length];
        boolean[] seen = new boolean[type.fields.length];
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken token = parser.nextToken();
            Integer index = type.indexByName.get(name);
            if (index == null) {
                parser.skipChildren();
                continue;
            }
            if (seen[index]) {
                // Parsers differ on which of two equal keys wins, so a producer could show one user to us and
                // another to other consumers of the topic: not a JSON object we take.
                throw new JsonParseException(parser, "field '" + name + "' appears twice");
            }
            seen[index] = true;
            values[index] = read(parser, token, type, index);
        }
        return values;
    }

    private static Object read(JsonParser parser, JsonToken token, Fields struct, int index) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        DataType type = struct.fields[index].dataType();
        if (type == DataTypes.StringType && token == JsonToken.VALUE_STRING) {
            String text = parser.getText();
            if (hasLoneSurrogate(text)) {
                throw new Rejected(INVALID_TEXT);
            }
            return text;
        }
        if (type == DataTypes.LongType && token == JsonToken.VALUE_NUMBER_INT
                && (parser.getNumberType() == JsonParser.NumberType.INT
                        || parser.getNumberType() == JsonParser.NumberType.LONG)) {
            return parser.getLongValue();
        }
        if (type == DataTypes.DoubleType
                && (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT)) {
            return parser.getDoubleValue();
        }
        if (struct.structs[index] != null && token == JsonToken.START_OBJECT) {
            return new GenericRow(readObject(parser, struct.structs[index]));
        }
        throw new Rejected(WRONG_TYPE);
    }

    /**
     * Whether escapes left half a surrogate pair (an escaped D800 without its low half): not Unicode text, and
     * written out as {@code ?}, so two users that differ only there would become one.
     */
    static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A declared field holds a JSON value of another type ({@link #WRONG_TYPE}) or text that is not Unicode
     * ({@link #INVALID_TEXT}); control flow only, no stack trace.
     */
    private static final class Rejected extends IOException {
        private static final long serialVersionUID = 1L;

        final String reason;

        Rejected(String reason) {
            super(null, null);
            this.reason = reason;
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
