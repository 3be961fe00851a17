package io.streamguard.plugin.launch;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The module openings a Spark driver needs on Java 17, taken from Spark's own
 * {@code org.apache.spark.launcher.JavaModuleOptions} in the resolved classpath (loaded in an isolated class
 * loader, so the plugin neither links against Spark nor keeps a copy of the list that could drift).
 */
public final class SparkJvmOptions {

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
            return Arrays.stream(value.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        } catch (ReflectiveOperationException | java.io.IOException e) {
            throw new IllegalStateException("cannot read Spark's JavaModuleOptions from " + launcher, e);
        }
    }
}
