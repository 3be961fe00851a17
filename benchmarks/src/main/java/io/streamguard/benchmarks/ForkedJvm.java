package io.streamguard.benchmarks;

import io.streamguard.spec.ClassDataArchive;
import io.streamguard.spec.JvmPolicy;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A Spark main in a fresh JVM with the options the plugin gives the job's fork ({@link JvmPolicy}: log
 * configuration, JIT and GC for the run's size, memory for this machine; Spark's module openings; the
 * {@link ClassDataArchive}), on this JVM's classpath. A cold start is what a user of {@code streamguard:run} pays, so
 * the whole-job benchmarks measure forks, not a warm session.
 */
final class ForkedJvm {

    private ForkedJvm() {
    }

    /**
     * Runs {@code mainClass} to its end; a non-zero exit throws, with the fork's output, so JMH reports a failure.
     *
     * @param events the run's size, which picks the JIT and GC options
     */
    static void run(Class<?> mainClass, List<String> args, long events, Path work) throws IOException,
            InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptions().trim().split("\\s+")));
        command.add("-Dlog4j2.configurationFile=" + JvmPolicy.logConfig());
        command.addAll(JvmPolicy.jitAndGcOptions(events, JvmPolicy.userOptions(List.of(), System.getenv())));
        List<Path> classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of).toList();
        Optional<ClassDataArchive> classData = ClassDataArchive.forClasspath(classpath);
        if (classData.isPresent()) {
            command.addAll(classData.get().jvmOptions());
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(args);
        Files.createDirectories(work);
        Path log = work.resolve(mainClass.getSimpleName() + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
        int exit = process.waitFor();
        if (classData.isPresent()) {
            classData.get().forkEnded(exit);
        }
        if (exit != 0) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            throw new IllegalStateException(mainClass.getSimpleName() + " exited with " + exit + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
        }
    }
}
