package io.streamguard.plugin.launch;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The module openings a Spark driver needs on Java 17, taken from Spark's own
 * {@code org.apache.spark.launcher.JavaModuleOptions} in the resolved classpath (loaded in an isolated class
 * loader, so the plugin neither links against Spark nor keeps a copy of the list that could drift), without
 * {@link #IGNORE_UNRECOGNIZED}.
 */
public final class SparkJvmOptions {

    /**
     * Spark's list starts with this, for JVMs older than its options. The fork runs on the plugin's own Java 17 or
     * later, which knows every option of the list, and with it a typo in the user's {@code jvmArgs}
     * ({@code -XX:+UseG1Gc}, {@code -XX:MaxHeapSiz=600m}) would be dropped silently and the run pass.
     */
    static final String IGNORE_UNRECOGNIZED = "-XX:+IgnoreUnrecognizedVMOptions";

    private SparkJvmOptions() {
    }

    public static List<String> moduleOptions(List<Path> sparkClasspath) {
        Path launcher = sparkClasspath.stream()
                .filter(p -> p.getFileName().toString().startsWith("spark-launcher_"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "spark-launcher is not on the resolved Spark classpath " + sparkClasspath));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {launcher.toUri().toURL()}, null)) {
            Class<?> options = Class.forName("org.apache.spark.launcher.JavaModuleOptions", true, loader);
            String value = (String) options.getMethod("defaultModuleOptions").invoke(null);
            return Arrays.stream(value.trim().split("\\s+"))
                    .filter(s -> !s.isEmpty() && !s.equals(IGNORE_UNRECOGNIZED)).toList();
        } catch (ReflectiveOperationException | java.io.IOException e) {
            throw new IllegalStateException("cannot read Spark's JavaModuleOptions from " + launcher, e);
        }
    }
}
