package io.streamguard.pipeline.output;

import io.streamguard.pipeline.StreamGuardException;
import io.streamguard.report.CommitFiles;
import io.streamguard.report.ReportJson;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.ShutdownHookManager;

/**
 * Makes a run's outputs appear together, and makes a commit that was cut short (kill -9, power loss, a failed
 * rename) finish at the next start instead of leaving a mix.
 *
 * <p>A run writes everything under {@code <output>/.staging-<runId>/}. Directory items get a {@value #RUN_ID_MARKER}
 * file holding the run id, the report carries it in {@code run.run_id}. {@link #commit} then:
 * <ol>
 *   <li>makes the staged files and directories durable (fsync on local disks);</li>
 *   <li>writes the commit journal {@value #JOURNAL} (atomically: temporary file, fsync, rename): from here on the
 *   commit is decided and only ever rolls forward;</li>
 *   <li>moves the old report and then the old items into {@code .previous-<runId>/} (the report first: no report
 *   describes a half-swapped set);</li>
 *   <li>moves the new items and then the new report in (the report last), fsyncs the output directory;</li>
 *   <li>deletes {@code .previous-<runId>}, the staging directory and finally the journal.</li>
 * </ol>
 * {@link #begin} takes the lock and, before anything else, finishes a journalled commit that a dead run left
 * (each step is idempotent), then deletes orphaned {@code .staging-*} and {@code .previous-*} directories. So the
 * directory holds a complete old output or a complete new one, or a journal that the next start completes.
 *
 * <p>Concurrent runs: on a local file system an OS lock on {@value #LOCK_FILE} (it dies with its process, so a crash
 * leaves nothing to clean up). Elsewhere (HDFS) the lock is the file {@value #FS_LOCK_FILE}, created with
 * {@code create(overwrite=false)}, which the HDFS NameNode makes atomic; it is deleted when the run ends. A run killed
 * with -9 leaves it behind, and the next run refuses to start and names it. Object stores (S3) have no atomic
 * create-if-absent in general: there, the lock narrows but does not close the window, and renames are copies.
 */
public final class OutputCommitter implements AutoCloseable {

    public static final String LOCK_FILE = ".streamguard.lock";
    /** The create-if-absent lock of file systems without OS locks (HDFS). */
    public static final String FS_LOCK_FILE = ".streamguard.running";
    /** Present only while a commit is in progress (or was cut short): names what the commit moves. */
    public static final String JOURNAL = CommitFiles.JOURNAL;
    /** Inside every committed directory item: the id of the run that wrote it. */
    public static final String RUN_ID_MARKER = CommitFiles.RUN_ID_MARKER;

    static final String STAGING_PREFIX = ".staging-";
    static final String PREVIOUS_PREFIX = ".previous-";

    /** Hadoop runs its file systems' close at priority 10: ours must run (and finish a commit) before. */
    static final int SHUTDOWN_PRIORITY = 100;
    /** How long a shutdown (SIGTERM, Ctrl-C of Maven) waits for a commit in progress. */
    static final long SHUTDOWN_WAIT_SECONDS = 60;

    /** Steps of a commit, named for tests that cut it short after each one. */
    interface CrashPoints {
        CrashPoints NONE = step -> { };

        /** Called after each step; throwing stops the commit there, as a crash would. */
        void after(String step) throws IOException;
    }

    private final FileSystem fs;
    private final Path output;
    private final String runId;
    private final Path staging;
    private final Path previous;
    private final Lock lock;
    private final CrashPoints crashPoints;
    private final Object commitMonitor = new Object();
    private final Runnable shutdownHook;
    private boolean committed;
    private boolean shuttingDown;

    private OutputCommitter(FileSystem fs, Path output, String runId, Lock lock, CrashPoints crashPoints) {
        this.fs = fs;
        this.output = output;
        this.runId = runId;
        this.staging = new Path(output, STAGING_PREFIX + runId);
        this.previous = new Path(output, PREVIOUS_PREFIX + runId);
        this.lock = lock;
        this.crashPoints = crashPoints;
        this.shutdownHook = () -> {
            // SIGTERM (Maven's Ctrl-C, a timeout) during a commit: let the renames finish, start no new commit.
            synchronized (commitMonitor) {
                shuttingDown = true;
            }
        };
    }

    /**
     * Takes the output directory's lock, completes a commit a dead run left unfinished, removes orphaned staging
     * directories, and creates this run's staging directory. Fails if another run holds the lock.
     */
    public static OutputCommitter begin(String outputLocation, Configuration hadoopConf, String runId) {
        return begin(outputLocation, hadoopConf, runId, true, CrashPoints.NONE);
    }

    /** @param osLock false forces the create-if-absent lock even on a local file system (tests) */
    static OutputCommitter begin(String outputLocation, Configuration hadoopConf, String runId, boolean osLock,
                                 CrashPoints crashPoints) {
        try {
            Path path = new Path(outputLocation);
            FileSystem fs = path.getFileSystem(hadoopConf);
            Path output = fs.makeQualified(path);
            if (fs.exists(output) && !fs.getFileStatus(output).isDirectory()) {
                throw new StreamGuardException(StreamGuardException.EXIT_OUTPUT,
                        "Output location " + output + " is a file, not a directory. Choose a directory "
                                + "(streamguard.outputDirectory / --output).");
            }
            fs.mkdirs(output);
            Lock lock = osLock && "file".equals(output.toUri().getScheme())
                    ? OsLock.take(output) : CreateIfAbsentLock.take(fs, output, runId);
            try {
                recover(fs, output, crashPoints);
                OutputCommitter committer = new OutputCommitter(fs, output, runId, lock, crashPoints);
                fs.mkdirs(committer.staging);
                ShutdownHookManager.get().addShutdownHook(committer.shutdownHook, SHUTDOWN_PRIORITY,
                        SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
                return committer;
            } catch (IOException | RuntimeException e) {
                lock.release();
                throw e;
            }
        } catch (IOException e) {
            throw new StreamGuardException(StreamGuardException.EXIT_OUTPUT,
                    "Cannot prepare output directory " + outputLocation + ": " + e.getMessage()
                            + ". Check that it is writable.", e);
        }
    }

    public Path output() {
        return output;
    }

    /** Where a run writes {@code name} before the commit. */
    public Path staged(String name) {
        return new Path(staging, name);
    }

    public FileSystem fileSystem() {
        return fs;
    }

    /**
     * Publishes the staged {@code items} and then the staged {@code marker} (the report), replacing what the
     * previous run left under those names; an item this run did not stage is removed, so nothing stale stays beside
     * the new report.
     */
    public void commit(List<String> items, String marker) {
        synchronized (commitMonitor) {
            if (shuttingDown) {
                throw new StreamGuardException(StreamGuardException.EXIT_OUTPUT,
                        "The job is shutting down (SIGTERM): the outputs in " + output + " were not replaced.");
            }
            try {
                List<String> fresh = new ArrayList<>();
                for (String name : items) {
                    Path staged = staged(name);
                    if (fs.exists(staged)) {
                        if (fs.getFileStatus(staged).isDirectory()) {
                            writeSmallFile(fs, new Path(staged, RUN_ID_MARKER), runId);
                        }
                        fresh.add(name);
                    }
                }
                if (!fs.exists(staged(marker))) {
                    throw new IOException("the report " + staged(marker) + " was not written");
                }
                fresh.add(marker); // the report appears last
                syncTree(fs, staging);
                crashPoints.after("staged");

                Journal journal = new Journal(runId, retireOrder(items, marker), fresh);
                journal.write(fs, output);
                crashPoints.after("journal");
                rollForward(fs, output, journal, crashPoints);
                committed = true;
            } catch (IOException e) {
                throw new StreamGuardException(StreamGuardException.EXIT_OUTPUT,
                        "Could not publish the outputs in " + output + ": " + e.getMessage() + ". The commit "
                                + "journal " + new Path(output, JOURNAL) + " lets the next run complete it.", e);
            }
        }
    }

    /** Old items leave report first: the old report never sits beside new items. */
    private static List<String> retireOrder(List<String> items, String marker) {
        List<String> all = new ArrayList<>();
        all.add(marker);
        all.addAll(items);
        return all;
    }

    /**
     * Completes a journalled commit; every step checks what is already done, so it may run again after a crash at
     * any point, including in itself.
     */
    private static void rollForward(FileSystem fs, Path output, Journal journal, CrashPoints crashPoints)
            throws IOException {
        Path staging = new Path(output, STAGING_PREFIX + journal.runId());
        Path previous = new Path(output, PREVIOUS_PREFIX + journal.runId());
        fs.mkdirs(previous);
        for (String name : journal.retire()) {
            Path current = new Path(output, name);
            // Still the old one when this run has none to replace it with, or its new one is still staged.
            boolean old = !journal.fresh().contains(name) || fs.exists(new Path(staging, name));
            if (old && fs.exists(current)) {
                fs.delete(new Path(previous, name), true);
                rename(fs, current, new Path(previous, name));
                crashPoints.after("retire " + name);
            }
        }
        for (String name : journal.fresh()) {
            Path staged = new Path(staging, name);
            if (fs.exists(staged)) {
                rename(fs, staged, new Path(output, name));
                crashPoints.after("publish " + name);
            }
        }
        syncDirectory(fs, output);
        fs.delete(previous, true);
        fs.delete(staging, true);
        crashPoints.after("cleaned");
        fs.delete(new Path(output, JOURNAL), false);
        syncDirectory(fs, output);
        crashPoints.after("done");
    }

    /**
     * What a start does first, under the lock: finish a journalled commit, then remove what dead runs left:
     * staging directories (never published), and {@code .previous-*} directories. Outputs that a version without
     * the journal stranded in {@code .previous-*} when it died between its renames are moved back if the output
     * has no report of its own (they are the last complete output).
     */
    private static void recover(FileSystem fs, Path output, CrashPoints crashPoints) throws IOException {
        Path journalFile = new Path(output, JOURNAL);
        if (fs.exists(journalFile)) {
            rollForward(fs, output, Journal.read(fs, journalFile), crashPoints);
        }
        fs.delete(new Path(output, JOURNAL + ".tmp"), false);
        for (FileStatus entry : fs.listStatus(output)) {
            String name = entry.getPath().getName();
            if (name.startsWith(PREVIOUS_PREFIX) && entry.isDirectory()) {
                restoreStranded(fs, output, entry.getPath());
                fs.delete(entry.getPath(), true);
            } else if (name.startsWith(STAGING_PREFIX)) {
                fs.delete(entry.getPath(), true);
            }
        }
    }

    private static void restoreStranded(FileSystem fs, Path output, Path stranded) throws IOException {
        if (!fs.exists(new Path(stranded, ReportJson.REPORT_FILE))
                || fs.exists(new Path(output, ReportJson.REPORT_FILE))) {
            return;
        }
        for (FileStatus e : fs.listStatus(stranded)) {
            Path target = new Path(output, e.getPath().getName());
            fs.delete(target, true);
            rename(fs, e.getPath(), target);
        }
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("rename " + from + " -> " + to + " failed");
        }
    }

    private static void writeSmallFile(FileSystem fs, Path file, String content) throws IOException {
        try (FSDataOutputStream out = fs.create(file, true)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
            out.hsync();
        }
    }

    /**
     * fsync of every file and directory under {@code root} on a local disk. Elsewhere (HDFS) a closed file is
     * complete at the NameNode, which persists its edits before answering.
     */
    private static void syncTree(FileSystem fs, Path root) throws IOException {
        if (!isLocal(fs)) {
            return;
        }
        java.nio.file.Path top = Paths.get(fs.makeQualified(root).toUri());
        try (Stream<java.nio.file.Path> walk = Files.walk(top)) {
            for (java.nio.file.Path p : walk.toList()) {
                force(p);
            }
        }
    }

    private static void syncDirectory(FileSystem fs, Path dir) throws IOException {
        if (isLocal(fs)) {
            force(Paths.get(fs.makeQualified(dir).toUri()));
        }
    }

    private static boolean isLocal(FileSystem fs) {
        return "file".equals(fs.getUri().getScheme());
    }

    private static void force(java.nio.file.Path p) throws IOException {
        // Linux fsyncs a directory through a read-only descriptor; that makes its renames and new entries durable.
        try (FileChannel channel = FileChannel.open(p, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /**
     * What a kill -9 leaves, for tests: everything on disk stays; an OS lock goes with the process, a
     * create-if-absent lock file stays.
     */
    void dieHere() {
        removeShutdownHook();
        if (lock instanceof OsLock) {
            lock.release();
        }
    }

    private void removeShutdownHook() {
        try {
            ShutdownHookManager.get().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDownAlready) {
            // the hook ran or is running
        }
    }

    /** Removes the staging directory of an uncommitted run and releases the lock. */
    @Override
    public void close() {
        try {
            if (!committed && !fs.exists(new Path(output, JOURNAL))) {
                fs.delete(staging, true);
                fs.delete(previous, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up " + staging, e);
        } finally {
            removeShutdownHook();
            lock.release();
        }
    }

    /** The commit journal: which run, which names to retire, which staged ones to publish (in order). */
    record Journal(String runId, List<String> retire, List<String> fresh) {

        void write(FileSystem fs, Path output) throws IOException {
            Properties p = new Properties();
            p.setProperty("run_id", runId);
            p.setProperty("retire", String.join("/", retire));
            p.setProperty("publish", String.join("/", fresh));
            StringWriter text = new StringWriter();
            p.store(text, "StreamGuard commit in progress; the next run completes it");
            Path tmp = new Path(output, JOURNAL + ".tmp");
            writeSmallFile(fs, tmp, text.toString());
            syncDirectory(fs, output);
            rename(fs, tmp, new Path(output, JOURNAL));
            syncDirectory(fs, output);
        }

        static Journal read(FileSystem fs, Path file) throws IOException {
            Properties p = new Properties();
            try (var in = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
                p.load(in);
            }
            String id = p.getProperty("run_id");
            if (id == null || p.getProperty("retire") == null || p.getProperty("publish") == null) {
                throw new IOException("the commit journal " + file + " is incomplete; move it away and check the "
                        + "output directory by hand");
            }
            return new Journal(id, names(p.getProperty("retire")), names(p.getProperty("publish")));
        }

        private static List<String> names(String joined) {
            return joined.isEmpty() ? List.of() : List.of(joined.split("/"));
        }
    }

    /** Keeps other runs off the output directory until released. */
    private interface Lock {
        void release();
    }

    /** An OS file lock: exclusive between processes, released by the kernel when its holder dies. */
    private record OsLock(FileChannel channel, FileLock lock) implements Lock {

        static OsLock take(Path output) throws IOException {
            java.nio.file.Path lockFile = Paths.get(output.toUri()).resolve(LOCK_FILE);
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw busy(output, lockFile.toString(), "");
            }
            return new OsLock(channel, lock);
        }

        @Override
        public void release() {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot release " + LOCK_FILE, e);
            }
        }
    }

    /**
     * A file created only if absent: atomic on HDFS (the NameNode refuses the second create). It names its holder
     * so that a lock left by a killed run can be recognised and removed by hand.
     */
    private record CreateIfAbsentLock(FileSystem fs, Path file) implements Lock {

        static CreateIfAbsentLock take(FileSystem fs, Path output, String runId) throws IOException {
            Path file = new Path(output, FS_LOCK_FILE);
            String holder = "run_id=" + runId + "\nhost=" + hostName() + "\npid=" + ProcessHandle.current().pid()
                    + "\nstarted=" + Instant.now() + "\n";
            try (OutputStream out = fs.create(file, false)) {
                out.write(holder.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) { // FileAlreadyExistsException on HDFS and the local FS; others say so in words
                if (!fs.exists(file)) {
                    throw e;
                }
                throw busy(output, file.toString(), " (" + describe(fs, file) + "). If no run is active any more "
                        + "(it was killed), delete " + file);
            }
            return new CreateIfAbsentLock(fs, file);
        }

        @Override
        public void release() {
            try {
                fs.delete(file, false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the lock " + file + "; delete it by hand", e);
            }
        }

        private static String describe(FileSystem fs, Path file) {
            try (var in = fs.open(file)) {
                Properties p = new Properties();
                p.load(new ByteArrayInputStream(in.readAllBytes()));
                return "held by run " + p.getProperty("run_id") + " on " + p.getProperty("host") + ", pid "
                        + p.getProperty("pid") + ", since " + p.getProperty("started");
            } catch (IOException e) {
                return "holder unknown";
            }
        }

        private static String hostName() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                return "unknown-host";
            }
        }
    }

    private static StreamGuardException busy(Path output, String lockFile, String detail) {
        return new StreamGuardException(StreamGuardException.EXIT_OUTPUT,
                "Another StreamGuard run is writing to " + output + " (it holds " + lockFile + ")" + detail
                        + ". Wait for it to finish, or give this run another output directory.");
    }
}
