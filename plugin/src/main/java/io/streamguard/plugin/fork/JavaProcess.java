package io.streamguard.plugin.fork;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A forked JVM: {@code ${java.home}/bin/java}, JVM options, a classpath passed through an argument file (no
 * command-line length limit), a main class and its arguments. Its output is streamed line by line to the caller,
 * and the last lines are kept for the error message when it fails. The child dies with the Maven JVM (Ctrl-C).
 */
public final class JavaProcess {

    static final int TAIL_LINES = 40;

    private final List<String> jvmOptions;
    private final List<Path> classpath;
    private final String mainClass;
    private final List<String> arguments;
    private final Map<String, String> environment;
    private final Path workDirectory;

    public JavaProcess(List<String> jvmOptions, List<Path> classpath, String mainClass, List<String> arguments,
                       Map<String, String> environment, Path workDirectory) {
        this.jvmOptions = List.copyOf(jvmOptions);
        this.classpath = List.copyOf(classpath);
        this.mainClass = mainClass;
        this.arguments = List.copyOf(arguments);
        this.environment = Map.copyOf(environment);
        this.workDirectory = workDirectory;
    }

    /** The java executable of the JVM running this code (Maven's own). */
    public static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The command as printed: argument file, not its content. Never holds secrets (they travel in files). */
    public List<String> command(Path argFile) {
        List<String> command = new ArrayList<>();
        command.add(currentJava().toString());
        command.addAll(jvmOptions);
        command.add("@" + argFile);
        command.add(mainClass);
        command.addAll(arguments);
        return command;
    }

    /** Starts the process with its output merged into one stream; the caller reads it or redirects it. */
    public Started start(String name, Path outputFile) {
        try {
            Files.createDirectories(workDirectory);
            Path argFile = workDirectory.resolve(name + ".classpath.args");
            Files.writeString(argFile, "-cp\n" + quote(classpath.stream().map(Path::toString)
                    .collect(Collectors.joining(java.io.File.pathSeparator))) + "\n", StandardCharsets.UTF_8);
            List<String> command = command(argFile);
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDirectory.toFile())
                    .redirectErrorStream(true);
            builder.environment().putAll(environment);
            if (outputFile != null) {
                builder.redirectOutput(outputFile.toFile());
            }
            Process process = builder.start();
            Thread hook = new Thread(() -> {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
            }, "streamguard-stop-" + name);
            Runtime.getRuntime().addShutdownHook(hook);
            return new Started(process, command, hook);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + mainClass + " in " + workDirectory, e);
        }
    }

    /**
     * Runs to completion, streaming each output line to {@code lines}.
     *
     * @return the exit code and the last lines of output
     */
    public Result run(String name, Consumer<String> lines) {
        Started started = start(name, null);
        Deque<String> tail = new ArrayDeque<>();
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(started.process().getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.accept(line);
                if (tail.size() == TAIL_LINES) {
                    tail.removeFirst();
                }
                tail.addLast(line);
            }
            int exit = started.process().waitFor();
            return new Result(exit, String.join(" ", started.command().stream()
                    .map(io.streamguard.pipeline.Redaction::redactAssignment).toList()), List.copyOf(tail));
        } catch (IOException e) {
            throw new UncheckedIOException("lost the output of " + mainClass, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            started.stop(5);
            throw new IllegalStateException("interrupted while " + mainClass + " was running", e);
        } finally {
            started.removeShutdownHook();
        }
    }

    private static String quote(String s) {
        // Argument files treat backslashes and quotes specially; quote the whole classpath.
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A running child process. */
    public record Started(Process process, List<String> command, Thread shutdownHook) {

        /** Asks the process to stop, then kills it after {@code graceSeconds}. */
        public void stop(int graceSeconds) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(graceSeconds, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            removeShutdownHook();
        }

        void removeShutdownHook() {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or ran: nothing to remove
            }
        }
    }

    /** How a finished process ended. */
    public record Result(int exitCode, String commandLine, List<String> lastLines) {
    }
}
