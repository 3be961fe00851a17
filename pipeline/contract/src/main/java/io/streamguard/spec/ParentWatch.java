package io.streamguard.spec;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
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
    /** How long {@link Watch#stopBeforeExit} waits for the woken thread: a close wakes it at once. */
    private static final long STOP_WAIT_MS = 1_000;

    private ParentWatch() {
    }

    /**
     * Starts a daemon thread that reads the JVM's standard input to its end and then exits the JVM with
     * {@value #EXIT_PARENT_GONE} (shutdown hooks run; if they take longer than {@value #HALT_AFTER_MS} ms, the JVM
     * halts). It reads through a channel, not {@code System.in}, so that {@link Watch#stopBeforeExit} can wake it.
     */
    public static Watch exitWhenStandardInputCloses(String what) {
        return exitWhenClosed(new FileInputStream(FileDescriptor.in).getChannel(), what);
    }

    /** {@link #exitWhenStandardInputCloses}, reading {@code in}: an interruptible channel, which a close wakes. */
    static Watch exitWhenClosed(ReadableByteChannel in, String what) {
        Thread watch = new Thread(() -> {
            try {
                ByteBuffer buffer = ByteBuffer.allocate(256);
                while (in.read(buffer) >= 0) {
                    buffer.clear(); // anything the parent sends after start-up is ignored; only the end matters
                }
            } catch (ClosedChannelException stopped) {
                return; // Watch.stopBeforeExit closed it (an AsynchronousCloseException, if it was reading)
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
        return new Watch(in, watch);
    }

    /** A watch started by {@link #exitWhenStandardInputCloses}. */
    public static final class Watch {
        private final ReadableByteChannel in;
        private final Thread thread;

        private Watch(ReadableByteChannel in, Thread thread) {
            this.in = in;
            this.thread = thread;
        }

        /**
         * Stops watching when the JVM is about to exit: when no live thread but the caller and daemons keeps it
         * running. The watching thread, blocked in a read of the pipe, would otherwise hold the exit up by 300 ms
         * (at its last safepoint a JVM waits up to that long for threads in native code): every run of the job paid
         * it. Closing the channel wakes the thread. While other threads keep the JVM running, it keeps watching:
         * the parent's end must still end them.
         *
         * @return whether it stopped (if not, the JVM exits a little later, as it did before)
         */
        public boolean stopBeforeExit() throws InterruptedException {
            Thread caller = Thread.currentThread();
            boolean othersRunning = Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t != caller && !t.isDaemon() && t.isAlive());
            if (othersRunning) {
                return false;
            }
            try {
                in.close();
            } catch (IOException e) {
                return false;
            }
            thread.join(STOP_WAIT_MS);
            return !thread.isAlive();
        }

        /** The watching thread. */
        Thread thread() {
            return thread;
        }
    }

    /** {@code ParentWatch MAIN_CLASS ARGS...}: watches standard input, then runs {@code MAIN_CLASS}. */
    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            System.err.println("Usage: ParentWatch MAIN_CLASS [ARGS...]");
            System.exit(JobProtocol.EXIT_BAD_CONFIG);
        }
        Watch watch = exitWhenStandardInputCloses(args[0]);
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        watch.stopBeforeExit();
    }
}
