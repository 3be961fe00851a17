package io.streamguard.spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The secrets a job reads on its standard input with {@code --secrets stdin}, so that they are on no command line
 * ({@code /proc/PID/cmdline}) and in no file a kill -9 could leave behind. One properties block: Kafka client
 * properties under {@code kafka.}, Spark settings under their own {@code spark.} keys, JVM system properties under
 * {@code system.}, then the line {@link JobProtocol#END_OF_SECRETS}. The launcher writes it and the job reads it with
 * this one class, so the two sides cannot drift.
 *
 * @param kafka Kafka client properties
 * @param spark Spark settings ({@code spark.*})
 * @param system JVM system properties, which the job sets before anything reads them
 */
public record SecretsBlock(Map<String, String> kafka, Map<String, String> spark, Map<String, String> system) {

    private static final String KAFKA = "kafka.";
    private static final String SPARK = "spark.";
    private static final String SYSTEM = "system.";

    public SecretsBlock {
        kafka = Map.copyOf(kafka);
        spark = Map.copyOf(spark);
        system = Map.copyOf(system);
    }

    /** The block as written to the job's standard input, end line included. */
    public String text() {
        Properties props = new Properties();
        kafka.forEach((k, v) -> props.setProperty(KAFKA + k, v));
        spark.forEach(props::setProperty);
        system.forEach((k, v) -> props.setProperty(SYSTEM + k, v));
        StringWriter text = new StringWriter();
        try {
            props.store(text, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text + JobProtocol.END_OF_SECRETS + "\n";
    }

    /**
     * Reads a block up to its end line (or the end of the stream), leaving the rest of the stream unread by intent:
     * the parent watch keeps reading it. Values are never echoed in messages.
     *
     * @throws InvalidSettingException naming a key of no known kind, or an unreadable stream
     */
    public static SecretsBlock read(InputStream in) {
        StringBuilder block = new StringBuilder();
        try {
            // Byte by byte up to the end line: a buffered reader would swallow what follows the block.
            String line;
            while ((line = readLine(in)) != null && !line.equals(JobProtocol.END_OF_SECRETS)) {
                block.append(line).append('\n');
            }
            Properties props = new Properties();
            props.load(new StringReader(block.toString()));
            Map<String, String> kafka = new TreeMap<>();
            Map<String, String> spark = new TreeMap<>();
            Map<String, String> system = new TreeMap<>();
            for (String key : new TreeSet<>(props.stringPropertyNames())) {
                String value = props.getProperty(key);
                if (key.startsWith(KAFKA) && key.length() > KAFKA.length()) {
                    kafka.put(key.substring(KAFKA.length()), value);
                } else if (key.startsWith(SPARK)) {
                    spark.put(key, value);
                } else if (key.startsWith(SYSTEM) && key.length() > SYSTEM.length()) {
                    system.put(key.substring(SYSTEM.length()), value);
                } else {
                    throw new InvalidSettingException("--secrets stdin: '" + key + "' starts with neither " + KAFKA
                            + ", " + SPARK + " nor " + SYSTEM);
                }
            }
            return new SecretsBlock(kafka, spark, system);
        } catch (IOException e) {
            throw new InvalidSettingException("--secrets stdin: cannot read standard input: " + e.getMessage());
        }
    }

    private static String readLine(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.write(b);
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }
}
