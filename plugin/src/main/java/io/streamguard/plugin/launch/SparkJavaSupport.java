package io.streamguard.plugin.launch;

import java.util.Optional;

/**
 * Which JDKs the forked Spark 3.5 JVMs (the job, the evaluation, the benchmarks) can run on. They run on the JDK that
 * runs Maven ({@code java.home}), so a Maven started on a JDK that Spark cannot run on must fail before the embedded
 * broker starts and the events are seeded, saying which JDK it is and what to do, rather than end in a stack trace
 * from the fork.
 */
public final class SparkJavaSupport {

    /**
     * The plugin and the job are compiled for Java 17 (an older JDK cannot load this class, so it never sees one);
     * Spark 3.5 supports 8, 11 and 17.
     */
    public static final int SUPPORTED = 17;

    /**
     * From Java 23 on, {@code Subject.getSubject} throws "getSubject is not supported" (the Security Manager is gone,
     * JEP 486), and Hadoop 3.3's {@code UserGroupInformation.getCurrentUser}, which every Spark 3.5 session calls on
     * its start, calls it.
     */
    public static final int FIRST_UNSUPPORTED = 23;

    private SparkJavaSupport() {
    }

    /**
     * Why Spark cannot run on {@code version}, and what to do; empty when it can.
     *
     * @param javaHome where that JDK is, named in the message
     */
    public static Optional<String> problem(Runtime.Version version, String javaHome) {
        int feature = version.feature();
        if (feature >= FIRST_UNSUPPORTED) {
            return Optional.of("Maven runs on Java " + version + " (" + javaHome + "), and StreamGuard forks its Spark"
                    + " 3.5 job on the JDK that runs Maven. Spark 3.5 cannot start on Java " + FIRST_UNSUPPORTED
                    + " or later: Hadoop's UserGroupInformation calls Subject.getSubject, which fails there with"
                    + " \"getSubject is not supported\". Run Maven on Java " + SUPPORTED + ", e.g. JAVA_HOME=<a JDK "
                    + SUPPORTED + "> ./mvnw ... (on Debian: apt-get install openjdk-" + SUPPORTED
                    + "-jdk-headless, then JAVA_HOME=/usr/lib/jvm/java-" + SUPPORTED + "-openjdk-amd64).");
        }
        return Optional.empty();
    }

    /** A warning for a JDK newer than {@value #SUPPORTED} that Spark 3.5 may run on but does not support. */
    public static Optional<String> warning(Runtime.Version version, String javaHome) {
        int feature = version.feature();
        if (feature > SUPPORTED && feature < FIRST_UNSUPPORTED) {
            return Optional.of("Maven runs on Java " + version + " (" + javaHome + "), and the Spark 3.5 job is forked"
                    + " on it: Spark 3.5 supports Java " + SUPPORTED + " (and 8, 11), and StreamGuard is tested on "
                    + SUPPORTED + " only. If the job fails, run Maven on Java " + SUPPORTED + ".");
        }
        return Optional.empty();
    }
}
