package io.streamguard.plugin.launch;

import io.streamguard.spec.Redaction;
import io.streamguard.spec.SecretsBlock;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Secrets as the plugin takes them and hands them on. Maven prints every mojo parameter with {@code -X} and
 * interpolates {@code ${env.X}} into the effective POM, so a secret must never be a parameter's value: a value
 * {@code env:NAME} names an environment variable that the plugin reads itself, and {@code kafkaPropertiesFile} is
 * a file the plugin reads itself. The forked job gets them on its standard input (see {@link #stdinBlock}), so they
 * are on no command line and in no file.
 */
public final class Secrets {

    /** A value that names an environment variable: {@code env:KAFKA_JAAS}. */
    public static final String ENV_PREFIX = "env:";

    private Secrets() {
    }

    /**
     * {@code value}, or the environment variable it names.
     *
     * @param where what the value configures, for the message when the variable is not set (never the value)
     */
    public static String resolve(String where, String value, UnaryOperator<String> environment) {
        if (value == null || !value.startsWith(ENV_PREFIX)) {
            return value;
        }
        String name = value.substring(ENV_PREFIX.length()).trim();
        String resolved = name.isEmpty() ? null : environment.apply(name);
        if (resolved == null) {
            throw new IllegalArgumentException(where + " names the environment variable '" + name
                    + "', which is not set in Maven's environment. Export it before running Maven.");
        }
        return resolved;
    }

    /** Kafka client properties: the file's (if any), then the POM's over them, {@code env:} values resolved. */
    public static Map<String, String> kafkaProperties(Path file, Map<String, String> inline,
                                                      UnaryOperator<String> environment) {
        Map<String, String> merged = new TreeMap<>();
        if (file != null) {
            Properties props = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(in);
            } catch (IOException e) {
                throw new IllegalArgumentException("streamguard.kafkaPropertiesFile " + file + " cannot be read: "
                        + e.getMessage() + ".");
            }
            props.stringPropertyNames().forEach(k -> merged.put(k, props.getProperty(k)));
        }
        merged.putAll(inline);
        return resolveAll("kafkaProperties", merged, environment);
    }

    /** Every {@code env:} value of {@code settings} resolved. */
    public static Map<String, String> resolveAll(String what, Map<String, String> settings,
                                                 UnaryOperator<String> environment) {
        Map<String, String> resolved = new LinkedHashMap<>();
        settings.forEach((k, v) -> resolved.put(k, resolve(what + " " + k, v, environment)));
        return resolved;
    }

    /** JVM options with the {@code env:} values of {@code -Dkey=env:NAME} resolved. */
    public static List<String> resolveJvmArgs(List<String> jvmArgs, UnaryOperator<String> environment) {
        List<String> resolved = new ArrayList<>();
        for (String arg : jvmArgs) {
            int eq = arg.indexOf('=');
            if (arg.startsWith("-D") && eq > 2) {
                String key = arg.substring(2, eq);
                resolved.add("-D" + key + "=" + resolve("jvmArgs -D" + key, arg.substring(eq + 1), environment));
            } else {
                resolved.add(arg);
            }
        }
        return resolved;
    }

    /**
     * A setting that must not reach a command line: its key looks like a secret's, or its value names an environment
     * variable (whoever wrote {@code env:NAME} kept the value out of the POM for a reason, whatever the key).
     */
    static boolean isSecret(String key, String value) {
        return Redaction.isSecret(key) || (value != null && value.startsWith(ENV_PREFIX));
    }

    /** A JVM option {@code -Dkey=value} that {@link #isSecret} holds for: it goes on stdin, not the command line. */
    public static boolean isSecretSystemProperty(String jvmArg) {
        int eq = jvmArg.indexOf('=');
        return jvmArg.startsWith("-D") && eq > 2 && isSecret(jvmArg.substring(2, eq), jvmArg.substring(eq + 1));
    }

    /**
     * What the job reads with {@code --secrets stdin}: every Kafka property ({@code kafka.}), the Spark settings and
     * system properties that look like secrets ({@code spark.}, {@code system.}), then the end line.
     */
    static String stdinBlock(Map<String, String> kafkaProperties, Map<String, String> secretSparkConf,
                             List<String> secretJvmArgs) {
        Map<String, String> system = new TreeMap<>();
        for (String arg : secretJvmArgs) {
            int eq = arg.indexOf('=');
            system.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return new SecretsBlock(kafkaProperties, secretSparkConf, system).text();
    }
}
