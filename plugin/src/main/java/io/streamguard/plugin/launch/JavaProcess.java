package io.streamguard.plugin.launch;

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
 * and the last lines are kept for the error message when it fails. The child dies with the Maven JVM: a shutdown
 * hook stops it on Ctrl-C, and its standard input is a pipe only this JVM holds, which the kernel closes when this
 * JVM dies in any way (kill -9 included); forks that watch it ({@link io.streamguard.spec.ParentWatch}) exit then.
 * Secrets travel on that pipe ({@link #withInput}), never on the command line or in a file.
 */
public final class JavaProcess {

    static final int TAIL_LINES = 40;
    /** After its deadline a fork gets SIGTERM and this long to stop (a commit in progress finishes) before SIGKILL. */
    static final int STOP_GRACE_SECONDS = 30;

    private final List<String> jvmOptions;
    private final List<Path> classpath;
    private final String mainClass;
    private final List<String> arguments;
    private final Map<String, String> environment;
    private final Path workDirectory;
    private final String input;

    public JavaProcess(List<String> jvmOptions, List<Path> classpath, String mainClass, List<String> arguments,
                       Map<String, String> environment, Path workDirectory) {
        this(jvmOptions, classpath, mainClass, arguments, environment, workDirectory, "");
    }

    private JavaProcess(List<String> jvmOptions, List<Path> classpath, String mainClass, List<String> arguments,
                        Map<String, String> environment, Path workDirectory, String input) {
        this.jvmOptions = List.copyOf(jvmOptions);
        this.classpath = List.copyOf(classpath);
        this.mainClass = mainClass;
        this.arguments = List.copyOf(arguments);
        this.environment = Map.copyOf(environment);
        this.workDirectory = workDirectory;
        this.input = input;
    }

    /**
     * The same process with {@code text} written to its standard input at start. The pipe stays open afterwards (it
     * tells the child that this JVM lives), so the child must not wait for its end before it works.
     */
    public JavaProcess withInput(String text) {
        return new JavaProcess(jvmOptions, classpath, mainClass, arguments, environment, workDirectory, text);
    }

    /** The same process with {@code options} after its JVM options. */
    public JavaProcess withJvmOptions(List<String> options) {
        List<String> all = new ArrayList<>(jvmOptions);
        all.addAll(options);
        return new JavaProcess(all, classpath, mainClass, arguments, environment, workDirectory, input);
    }

    /** The JVM's classpath, in order. */
    public List<Path> classpath() {
        return classpath;
    }

    /**
     * The same process started through {@link io.streamguard.spec.ParentWatch}: it exits when this JVM is gone.
     * For mains that do not read their standard input (the broker).
     */
    public JavaProcess exitingWithParent() {
        List<Path> cp = new ArrayList<>(classpath);
        cp.add(codeSource(io.streamguard.spec.ParentWatch.class));
        List<String> args = new ArrayList<>();
        args.add(mainClass);
        args.addAll(arguments);
        return new JavaProcess(jvmOptions, cp, io.streamguard.spec.ParentWatch.class.getName(), args, environment,
                workDirectory, input);
    }

    /** The jar (or classes directory) {@code type} was loaded from. */
    public static Path codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot locate the jar of " + type.getName(), e);
        }
    }

    /** The java executable of the JVM running this code (Maven's own). */
    public static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The command as printed: argument file, not its content. Never holds secrets (they travel on stdin). */
    public List<String> command(Path argFile) {
        List<String> command = new ArrayList<>();
        command.add(currentJava().toString());
        command.addAll(jvmOptions);
        command.add("@" + argFile);
        command.add(mainClass);
        command.addAll(arguments);
        return command;
    }

    /**
     * The command {@link #start} runs for {@code name}, as one line, with secret-looking assignments masked: for
     * {@code mvn -X} and for failure messages.
     */
    public String commandLine(String name) {
        return printable(command(argFile(name)));
    }

    private static String printable(List<String> command) {
        return String.join(" ", command.stream().map(io.streamguard.spec.Redaction::redactAssignment).toList());
    }

    private Path argFile(String name) {
        return workDirectory.resolve(name + ".classpath.args");
    }

    private static boolean exitsSoon(Process process) {
        try {
            return process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts the process with its output merged into one stream; the caller reads it or redirects it. */
    public Started start(String name, Path outputFile) {
        try {
            Files.createDirectories(workDirectory);
            Path argFile = argFile(name);
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
            if (!input.isEmpty()) {
                // Not closed: the open pipe is how the child knows this JVM is alive.
                try {
                    process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
                    process.getOutputStream().flush();
                } catch (IOException e) {
                    // A JVM that refused to start (an option it rejects, too small a heap) closed the pipe: its exit
                    // code and output, which the caller reads, say why; "Broken pipe" would not.
                    if (!exitsSoon(process)) {
                        throw e;
                    }
                }
            }
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
        return run(name, lines, null);
    }

    /**
     * Like {@link #run(String, Consumer)}, with a deadline: past it the process is stopped (SIGTERM, then SIGKILL
     * after {@value #STOP_GRACE_SECONDS} s) and the result says it timed out.
     *
     * @param deadline null or zero for none
     */
    public Result run(String name, Consumer<String> lines, java.time.Duration deadline) {
        Started started = start(name, null);
        java.util.concurrent.atomic.AtomicBoolean timedOut = new java.util.concurrent.atomic.AtomicBoolean();
        Thread timer = null;
        if (deadline != null && !deadline.isZero()) {
            timer = new Thread(() -> {
                try {
                    Thread.sleep(deadline.toMillis());
                } catch (InterruptedException finishedInTime) {
                    return;
                }
                timedOut.set(true);
                started.stop(STOP_GRACE_SECONDS);
            }, "streamguard-deadline-" + name);
            timer.setDaemon(true);
            timer.start();
        }
        Deque<String> tail = new ArrayDeque<>();
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(started.process().getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            try {
                while ((line = reader.readLine()) != null) {
                    if (timedOut.get()) {
                        // Stopped at its deadline: what it prints while it stops (Spark cancelling its jobs, stack
                        // traces) is not what it was doing, so the last lines stay those before the deadline. Still
                        // read, so that a full pipe cannot hold its exit up.
                        continue;
                    }
                    lines.accept(line);
                    if (tail.size() == TAIL_LINES) {
                        tail.removeFirst();
                    }
                    tail.addLast(line);
                }
            } catch (IOException e) {
                if (!timedOut.get()) {
                    throw e;
                }
                // killing the process after its grace closed the stream
            }
            if (timer != null) {
                if (!timedOut.get()) {
                    timer.interrupt();
                }
                timer.join(); // a stop in progress finishes first
            }
            int exit = started.process().waitFor();
            return new Result(exit, printable(started.command()), List.copyOf(tail), timedOut.get());
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

        /**
         * Asks the process to stop (SIGTERM), then kills it after {@code graceSeconds}. Through its handle:
         * {@link Process#destroy} also closes the pipes, and a fork that watches its standard input
         * ({@link io.streamguard.spec.ParentWatch}) would take that for its parent's end and exit
         * {@value io.streamguard.spec.ParentWatch#EXIT_PARENT_GONE} instead of stopping as asked (measured: the
         * broker said so in its log at every stop). The pipes close when the process has exited.
         */
        public void stop(int graceSeconds) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.toHandle().destroy();
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

    /** How a finished process ended; {@code timedOut} when it was stopped at its deadline. */
    public record Result(int exitCode, String commandLine, List<String> lastLines, boolean timedOut) {
    }
}
