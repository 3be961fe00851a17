package io.streamguard.spec;

import java.util.Locale;

/** Keeps secrets (JAAS configs, passwords, keys) out of logs, reports and printed command lines. */
public final class Redaction {

    public static final String MASK = "****";

    private Redaction() {
    }

    /**
     * True for Kafka/Spark/JVM property names whose values may be secrets: they contain password, secret, key,
     * token, jaas, credential or private ({@code key.serializer} and {@code key.deserializer} name classes).
     */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.contains("token")
                || k.contains("credential") || (k.contains("key") && !k.endsWith("serializer"))
                || k.contains("private");
    }

    /** {@code key=value} with the value masked when the key is a secret. */
    public static String redactAssignment(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq < 0) {
            // an option's name (--secrets) is not a value
            return isSecret(assignment) && !assignment.startsWith("--") ? MASK : assignment;
        }
        String key = assignment.substring(0, eq);
        return isSecret(key) ? key + "=" + MASK : assignment;
    }
}
