package io.streamguard.spec;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Ends a forked JVM when the process that started it is gone. The Maven plugin starts its forks (the job, the
 * embedded broker) with standard input a pipe that only the Maven JVM holds open; when Maven dies, even by
 * {@code kill -9}, the kernel closes it and the fork reads end-of-file. Polling {@code ProcessHandle.parent()} would
 * need an interval and can be fooled by a reused pid; a closed pipe is immediate and exact.
 *
 * <p>Plain JDK only: the broker's JVM uses it too, as a wrapper main ({@code ParentWatch kafka.Kafka args...}).
 */
public final class ParentWatch {

    /** Exit status of a fork whose parent went away. */
    public static final int EXIT_PARENT_GONE = io.streamguard.spec.JobProtocol.EXIT_PARENT_GONE;
    /** How long the shutdown hooks (finishing a commit, the broker's own shutdown) may take before a halt. */
    static final long HALT_AFTER_MS = 90_000;

    private ParentWatch() {
    }

    /**
     * Starts a daemon thread that reads {@code in} to its end and then exits the JVM with {@value #EXIT_PARENT_GONE}
     * (shutdown hooks run; if they take longer than {@value #HALT_AFTER_MS} ms, the JVM halts).
     */
    public static Thread exitWhenClosed(InputStream in, String what) {
        Thread watch = new Thread(() -> {
            try {
                byte[] buffer = new byte[256];
                while (in.read(buffer) >= 0) {
                    // anything the parent sends after start-up is ignored; only the end matters
                }
            } catch (IOException e) {
                // a broken pipe is the same news as the end of the stream
            }
            System.err.println("STREAMGUARD: the process that started " + what + " is gone; stopping.");
            Thread halt = new Thread(() -> {
                try {
                    Thread.sleep(HALT_AFTER_MS);
                } catch (InterruptedException e) {
                    return;
                }
                Runtime.getRuntime().halt(EXIT_PARENT_GONE);
            }, "streamguard-halt");
            halt.setDaemon(true);
            halt.start();
            System.exit(EXIT_PARENT_GONE);
        }, "streamguard-parent-watch");
        watch.setDaemon(true);
        watch.start();
        return watch;
    }

    /** {@code ParentWatch MAIN_CLASS ARGS...}: watches standard input, then runs {@code MAIN_CLASS}. */
    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            System.err.println("Usage: ParentWatch MAIN_CLASS [ARGS...]");
            System.exit(JobProtocol.EXIT_BAD_CONFIG);
        }
        exitWhenClosed(System.in, args[0]);
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
