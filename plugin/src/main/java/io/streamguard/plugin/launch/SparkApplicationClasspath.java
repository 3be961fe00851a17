package io.streamguard.plugin.launch;

import io.streamguard.plugin.PluginVersions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The classpath of a forked Spark application of ours (the job, the benchmarks): the module, Spark (which both
 * declare {@code provided}), Spark's own versions of Jackson and SLF4J, and the job's kafka-clients.
 */
public final class SparkApplicationClasspath {

    private SparkApplicationClasspath() {
    }

    /**
     * The jars of {@code applicationClasspath} a cluster's Spark does not have: ours and our non-Spark
     * dependencies (kafka-clients, isolation-forest, ...), for {@code spark.jars}.
     */
    public static List<Path> applicationJars(ClasspathResolver resolver, PluginVersions versions,
                                             List<Path> applicationClasspath) {
        String scala = versions.scalaBinaryVersion();
        java.util.Set<String> spark = new java.util.HashSet<>();
        for (Path p : resolver.resolve(List.of("org.apache.spark:spark-sql_" + scala + ":" + versions.sparkVersion(),
                "org.apache.spark:spark-mllib_" + scala + ":" + versions.sparkVersion()), Map.of())) {
            spark.add(p.getFileName().toString());
        }
        return applicationClasspath.stream().filter(p -> !spark.contains(p.getFileName().toString())).toList();
    }

    public static List<Path> resolve(ClasspathResolver resolver, PluginVersions versions, String artifactId) {
        String scala = versions.scalaBinaryVersion();
        Map<String, String> managed = new LinkedHashMap<>();
        for (String jackson : List.of("com.fasterxml.jackson.core:jackson-databind",
                "com.fasterxml.jackson.core:jackson-core", "com.fasterxml.jackson.core:jackson-annotations",
                "com.fasterxml.jackson.module:jackson-module-scala_" + scala)) {
            managed.put(jackson, versions.sparkJacksonVersion());
        }
        managed.put("org.apache.kafka:kafka-clients", versions.jobKafkaClientsVersion());
        // kafka-clients and isolation-forest ask for SLF4J 1.7; Spark's log4j2 binding needs 2.x or the job is mute.
        managed.put("org.slf4j:slf4j-api", versions.sparkSlf4jVersion());
        return resolver.resolve(List.of(
                versions.streamguardGroupId() + ":" + artifactId + ":" + versions.streamguardVersion(),
                "org.apache.spark:spark-sql_" + scala + ":" + versions.sparkVersion(),
                "org.apache.spark:spark-mllib_" + scala + ":" + versions.sparkVersion()), managed);
    }
}
