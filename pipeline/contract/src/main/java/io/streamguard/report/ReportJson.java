package io.streamguard.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads and writes {@link AnomalyReport} as JSON; one configuration for the job and the plugin. */
public final class ReportJson {

    /** Classpath location of the report's JSON Schema (draft 2020-12). */
    public static final String SCHEMA_RESOURCE = "/io/streamguard/report/anomaly_report.schema.json";

    /** The report's file name inside the output directory. */
    public static final String REPORT_FILE = "anomaly_report.json";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ReportJson() {
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
        return MAPPER.readValue(in, AnomalyReport.class);
    }

    public static AnomalyReport read(byte[] json) throws IOException {
        return MAPPER.readValue(json, AnomalyReport.class);
    }

    /** The shipped JSON Schema as a stream; the caller closes it. */
    public static InputStream schema() {
        InputStream in = ReportJson.class.getResourceAsStream(SCHEMA_RESOURCE);
        if (in == null) {
            throw new IllegalStateException("JSON Schema " + SCHEMA_RESOURCE + " is missing from the classpath");
        }
        return in;
    }
}
