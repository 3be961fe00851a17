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
import java.util.OptionalLong;

/**
 * Ends a forked JVM when the process that started it is gone. The Maven plugin starts its forks (the job, the
 * embedded broker) with standard input a pipe that only the Maven JVM holds open; when Maven dies, even by
 * {@code kill -9}, the kernel closes it and the fork reads end-of-file: immediate and exact.
 *
 * <p>Reading that pipe has a cost at the end: a thread blocked in a native read holds the JVM's exit up by 300 ms (at
 * its last safepoint a JVM waits up to that long for threads in native code). So a fork whose work is done stops
 * reading it ({@link Watch#stopBeforeExit}) and from then on compares its parent's pid with the one it started under,
 * every {@value #PARENT_POLL_MS} ms, until the JVM has exited: when the parent dies the kernel gives the fork another
 * parent, so a changed pid means the same as the end of the pipe (a reused pid cannot fool it, unlike asking whether a
 * pid is alive). A sleeping thread does not hold the exit up. Shutdown hooks that hang, or threads that keep the JVM
 * running after its main, still end with the parent, at most {@value #PARENT_POLL_MS} ms later than through the pipe.
 *
 * <p>Plain JDK only: the broker's JVM uses it too, as a wrapper main ({@code ParentWatch kafka.Kafka args...}).
 */
public final class ParentWatch {

    /** Exit status of a fork whose parent went away. */
    public static final int EXIT_PARENT_GONE = io.streamguard.spec.JobProtocol.EXIT_PARENT_GONE;
    /** How long the shutdown hooks (finishing a commit, the broker's own shutdown) may take before a halt. */
    static final long HALT_AFTER_MS = 90_000;
    /** How often a watch that no longer reads the pipe looks at its parent's pid. */
    static final long PARENT_POLL_MS = 100;

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
        OptionalLong parent = parentPid();
        Thread watch = new Thread(() -> {
            try {
                ByteBuffer buffer = ByteBuffer.allocate(256);
                while (in.read(buffer) >= 0) {
                    buffer.clear(); // anything the parent sends after start-up is ignored; only the end matters
                }
            } catch (ClosedChannelException closed) {
                // Closed by stopBeforeExit (or the thread was interrupted): the pipe can no longer tell, the pid can.
                if (parent.isEmpty()) {
                    return;
                }
                awaitNewParent(parent.getAsLong());
            } catch (IOException e) {
                // a broken pipe is the same news as the end of the stream
            }
            exitParentGone(what);
        }, "streamguard-parent-watch");
        watch.setDaemon(true);
        watch.start();
        return new Watch(in, watch, parent);
    }

    /**
     * Sleeps until the JVM has a parent, and it is not {@code parent}. A parent it cannot read (out of file
     * descriptors, say) is no news: only a parent seen with another pid is.
     */
    private static void awaitNewParent(long parent) {
        OptionalLong now = parentPid();
        while (now.isEmpty() || now.getAsLong() == parent) {
            try {
                Thread.sleep(PARENT_POLL_MS);
            } catch (InterruptedException e) {
                // only the parent's end ends this watch (a stop closes the pipe, it does not interrupt)
            }
            now = parentPid();
        }
    }

    private static OptionalLong parentPid() {
        return ProcessHandle.current().parent().map(p -> OptionalLong.of(p.pid())).orElse(OptionalLong.empty());
    }

    private static void exitParentGone(String what) {
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
        System.exit(EXIT_PARENT_GONE); // during shutdown already, this blocks; the halt bounds the hooks then
    }

    /** A watch started by {@link #exitWhenStandardInputCloses}. */
    public static final class Watch {
        private final ReadableByteChannel in;
        private final Thread thread;
        private final OptionalLong parent;

        private Watch(ReadableByteChannel in, Thread thread, OptionalLong parent) {
            this.in = in;
            this.thread = thread;
            this.parent = parent;
        }

        /**
         * Stops reading standard input, for a JVM whose work is done and that is about to exit. Closing the channel
         * wakes the read (the JDK signals the thread blocked in it) and returns once the thread has left it; the watch
         * then looks at the parent's pid instead ({@link ParentWatch}), so a JVM that does not exit after all (a hook
         * that hangs, a thread still running) still ends with its parent. Only if the parent is still the one the
         * watch started under: a JVM whose parent could not be read, or has changed while the pipe stayed open (a
         * launcher that started it in the background and left), keeps reading the pipe, and exits 300 ms later.
         */
        public void stopBeforeExit() {
            if (parent.isEmpty() || !parentPid().equals(parent)) {
                return;
            }
            try {
                in.close();
            } catch (IOException e) {
                // then the watch keeps reading, and the JVM exits 300 ms later, as it did before
            }
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
