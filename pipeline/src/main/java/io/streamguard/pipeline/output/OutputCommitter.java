package io.streamguard.pipeline.output;

import io.streamguard.pipeline.StreamGuardException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Makes a run's outputs appear together or not at all.
 *
 * <p>Everything is written under {@code <output>/.staging-<runId>/} first. {@link #commit} then moves the old
 * report aside before anything else, swaps the other outputs, and moves the new report in last: a report on disk
 * always describes the files beside it, a failed run leaves the previous outputs untouched, and the previous
 * outputs sit in {@code .previous-<runId>} until the swap is done. All paths stay inside the output directory.
 *
 * <p>On a local file system an OS lock on {@code <output>/.streamguard.lock} keeps two runs from writing the
 * same directory at once (the lock dies with its process, so a crash leaves nothing to clean up). Remote file
 * systems (HDFS, object stores) have no such lock: point concurrent runs at different directories there.
 */
public final class OutputCommitter implements AutoCloseable {

    public static final String LOCK_FILE = ".streamguard.lock";

    private final FileSystem fs;
    private final Path output;
    private final Path staging;
    private final Path previous;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private boolean committed;

    private OutputCommitter(FileSystem fs, Path output, String runId, FileChannel lockChannel, FileLock lock) {
        this.fs = fs;
        this.output = output;
        this.staging = new Path(output, ".staging-" + runId);
        this.previous = new Path(output, ".previous-" + runId);
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Creates the output and staging directories and takes the lock; fails if another run holds it. */
    public static OutputCommitter begin(String outputLocation, Configuration hadoopConf, String runId) {
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
            FileChannel channel = null;
            FileLock lock = null;
            if ("file".equals(output.toUri().getScheme())) {
                java.nio.file.Path lockFile = Paths.get(output.toUri()).resolve(LOCK_FILE);
                channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    channel.close();
                    throw new StreamGuardException(StreamGuardException.EXIT_OUTPUT,
                            "Another StreamGuard run is writing to " + output + " (it holds " + lockFile
                                    + "). Wait for it to finish, or give this run another output directory.");
                }
            }
            OutputCommitter committer = new OutputCommitter(fs, output, runId, channel, lock);
            fs.delete(committer.staging, true);
            fs.mkdirs(committer.staging);
            return committer;
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
     * previous run left under those names.
     */
    public void commit(List<String> items, String marker) {
        try {
            fs.mkdirs(previous);
            List<String> all = new ArrayList<>();
            all.add(marker); // retire the old report first: no report may describe a half-swapped set
            all.addAll(items);
            for (String name : all) {
                Path current = new Path(output, name);
                if (fs.exists(current)) {
                    rename(current, new Path(previous, name));
                }
            }
            for (String name : items) {
                if (fs.exists(staged(name))) {
                    rename(staged(name), new Path(output, name));
                }
            }
            rename(staged(marker), new Path(output, marker));
            committed = true;
            fs.delete(previous, true);
            fs.delete(staging, true);
        } catch (IOException e) {
            throw new StreamGuardException(StreamGuardException.EXIT_OUTPUT,
                    "Could not publish the outputs in " + output + ": " + e.getMessage()
                            + ". The previous outputs are kept in " + previous + ".", e);
        }
    }

    private void rename(Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("rename " + from + " -> " + to + " failed");
        }
    }

    /** Removes the staging directory of an uncommitted run and releases the lock. */
    @Override
    public void close() {
        try {
            if (!committed) {
                fs.delete(staging, true);
                if (fs.exists(previous) && fs.listStatus(previous).length == 0) {
                    fs.delete(previous, true);
                }
            }
            if (lock != null) {
                lock.release();
                lockChannel.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up " + staging, e);
        }
    }
}
