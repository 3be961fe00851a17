package io.streamguard.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/** Reads and writes {@link AnomalyReport} as JSON; one configuration for the job and the plugin. */
public final class ReportJson {

    /** Classpath location of the current version's JSON Schema (draft 2020-12). */
    public static final String SCHEMA_RESOURCE = schemaResource(AnomalyReport.SCHEMA_VERSION);

    /** The report's file name inside the output directory. */
    public static final String REPORT_FILE = "anomaly_report.json";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ReportJson() {
    }

    /**
     * The reader of reports, in a class of its own so that a JVM that only writes reports (the job) does not build it.
     * Jackson builds a reader's deserializers when it makes the reader
     * ({@code DeserializationFeature.EAGER_DESERIALIZER_FETCH}, on by default); with loading Jackson's classes, that is
     * about 0.45 s in a JVM that has read no JSON yet, and reading a report afterwards about 20 ms.
     */
    private static final class Reading {
        static final ObjectReader REPORT = MAPPER.readerFor(AnomalyReport.class);
    }

    /**
     * Loads Jackson and builds the report's deserializers (initializing {@link Reading} does), so that a later
     * {@link #read} only parses: the plugin calls it on a thread of its own while the job runs, on a core the job
     * leaves idle, instead of after the job.
     */
    public static void prepareReading() {
        Objects.requireNonNull(Reading.REPORT);
    }

    public static byte[] toBytes(AnomalyReport report) {
        return write(report);
    }

    /** Any of this package's files ({@link Evaluation}, {@link GroundTruth}) as indented JSON. */
    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    static <T> T read(InputStream in, Class<T> type) throws IOException {
        return MAPPER.readValue(in, type);
    }

    public static AnomalyReport read(InputStream in) throws IOException {
        return Reading.REPORT.readValue(in);
    }

    public static AnomalyReport read(byte[] json) throws IOException {
        return Reading.REPORT.readValue(json);
    }

    /** Classpath location of the JSON Schema of reports of {@code schemaVersion}: one resource per version. */
    public static String schemaResource(int schemaVersion) {
        return "/io/streamguard/report/anomaly_report.v" + schemaVersion + ".schema.json";
    }

    /** The shipped JSON Schema of the current version as a stream; the caller closes it. */
    public static InputStream schema() {
        return schema(AnomalyReport.SCHEMA_VERSION);
    }

    /**
     * The shipped JSON Schema of a version in {@link AnomalyReport#SUPPORTED_VERSIONS} as a stream; the caller
     * closes it.
     */
    public static InputStream schema(int schemaVersion) {
        if (!AnomalyReport.SUPPORTED_VERSIONS.contains(schemaVersion)) {
            throw new IllegalArgumentException("no JSON Schema for report version " + schemaVersion + "; versions: "
                    + AnomalyReport.SUPPORTED_VERSIONS);
        }
        String resource = schemaResource(schemaVersion);
        InputStream in = ReportJson.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("JSON Schema " + resource + " is missing from the classpath");
        }
        return in;
    }
}
