package io.streamguard.plugin.launch;

import io.streamguard.plugin.Console;
import io.streamguard.spec.JobProtocol;
import io.streamguard.spec.ClassDataArchive;
import io.streamguard.spec.JvmPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Launches one of the pipeline's Spark mains in a forked JVM with the job's runtime policy ({@link JvmPolicy}), and
 * reads its end by the job's protocol ({@link JobProtocol}): error lines become the failure's message, the exit
 * code says whose fault it was. Spark never runs in the calling JVM.
 */
public final class JobLauncher {

    private final Console console;

    public JobLauncher(Console console) {
        this.console = console;
    }

    /**
     * Runs {@code mainClass} with Spark's module flags, the job's log configuration, JIT and GC options sized to
     * {@code events}, then the user's JVM options (last, so they win). The job's error lines
     * ({@link JobProtocol#ERROR_PREFIX}) become the failure's message; all others stream to the console at the
     * level the job logged them ({@link JobOutput}).
     *
     * @throws JobFailedException when the process exits non-zero
     */
    public void forkSparkMain(String mainClass, String name, List<Path> classpath, List<String> args,
                              List<String> userJvmArgs, long events, Path work) throws IOException {
        forkSparkMain(mainClass, name, classpath, args, userJvmArgs, events, work, "", Duration.ZERO, null);
    }

    /**
     * Like {@link #forkSparkMain(String, String, List, List, List, long, Path)}, with {@code input} on the fork's
     * standard input and a deadline.
     *
     * @param timeout zero for none; past it the fork is stopped and a {@link JobFailedException} says so
     * @param output the outputs the fork commits to, named in the timeout's message
     */
    public void forkSparkMain(String mainClass, String name, List<Path> classpath, List<String> args,
                              List<String> userJvmArgs, long events, Path work, String input,
                              Duration timeout, Path output) throws IOException {
        Files.createDirectories(work);
        List<String> jvm = new ArrayList<>(SparkJvmOptions.moduleOptions(classpath));
        jvm.add("-Dlog4j2.configurationFile=" + writeJobLogConfig(work).toUri());
        jvm.addAll(JvmPolicy.jitAndGcOptions(events, JvmPolicy.userOptions(userJvmArgs, System.getenv())));
        Optional<ClassDataArchive> classData = ClassDataArchive.forClasspath(classpath, userJvmArgs);
        if (classData.isPresent()) {
            jvm.addAll(classData.get().jvmOptions());
        }
        jvm.addAll(userJvmArgs);
        List<String> errors = new ArrayList<>();
        JobOutput jobOutput = new JobOutput(console);
        JavaProcess process = new JavaProcess(jvm, classpath, mainClass, args, Map.of(), work);
        // A main that reads its standard input (the job, for its secrets) watches for Maven's end itself
        // (--exit-with-parent); any other runs under ParentWatch, so that no fork outlives a killed Maven.
        process = input.isEmpty() ? process.exitingWithParent() : process.withInput(input);
        console.debug("Fork command: " + process.commandLine(name));
        JavaProcess.Result result = process
                .run(name, line -> {
                    String error = JobProtocol.errorMessage(line);
                    if (error != null) {
                        errors.add(error);
                    } else {
                        jobOutput.accept(line);
                    }
                }, timeout);
        if (classData.isPresent() && classData.get().forkEnded(result.timedOut() ? -1 : result.exitCode())) {
            console.warn("The fork's JVM died of a fatal error while mapping the class-data archive "
                    + classData.get().archive() + "; it was deleted, and the next run makes a new one.");
        }
        if (result.timedOut()) {
            throw new JobFailedException(JobFailedException.TIMED_OUT, mainClass + " did not finish within "
                    + timeout + " (streamguard.timeout) and was stopped. "
                    + (output == null ? "" : "The outputs in " + output + " are those of the last complete run. ")
                    + "Raise streamguard.timeout if the job needs longer, or read fewer events.\nLast output:\n"
                    + String.join("\n", result.lastLines()));
        }
        if (result.exitCode() != 0) {
            String message = errors.isEmpty()
                    ? mainClass + " exited with code " + result.exitCode() + ".\nCommand: " + result.commandLine()
                            + "\nLast output:\n" + String.join("\n", result.lastLines())
                    : String.join("\n", errors) + "\n(exit code " + result.exitCode() + "; command: "
                            + result.commandLine() + ")";
            throw new JobFailedException(result.exitCode(), message, !errors.isEmpty());
        }
    }

    /** A copy of the pipeline's log configuration in the work directory: a file URI every log4j2 reads. */
    private static Path writeJobLogConfig(Path work) throws IOException {
        Path file = work.resolve("log4j2-job.properties");
        try (InputStream in = JvmPolicy.logConfig().openStream()) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }
}
