package io.streamguard.spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Class-data sharing for a forked JVM: every start of Spark loads and verifies ~22,000 classes from the same ~175 jars,
 * which a dynamic CDS archive maps from one file instead (1,000 events, 2 cores: about 4 s of a 19 s run; the README's
 * Performance section has the numbers). The embedded Kafka broker's JVM gets one too ({@link #BROKER}): its start took
 * 3.2-3.3 s with an archive instead of 4.5-5.1 s.
 *
 * <p>The archive is keyed by the JVM and the classpath (each entry's path, size and modification time), so another
 * JDK, another Spark or a rebuilt pipeline jar gets its own archive instead of one the JVM would reject. The first
 * fork with a key dumps its loaded classes when it exits ({@code -XX:ArchiveClassesAtExit}, JDK 13+; this costs that
 * one run several seconds) into a file of its own, which becomes the archive only when the fork succeeded: a crashed,
 * killed or concurrent fork never leaves a half-written archive where the next one would map it. Later forks map it
 * ({@code -XX:SharedArchiveFile}); a JVM that cannot use an archive runs without it ({@code -Xshare:auto}, the
 * default), it does not fail.
 *
 * <p>Archives live in one directory per user ({@link #directory()}), not per project or work directory: created once
 * per classpath on a machine, reused by every project, test and {@code mvn clean} after it. An archive is about
 * 160 MB, so only the {@value #KEPT} most recently used of each kind ({@link #SPARK}, {@link #BROKER}) stay.
 */
public final class ClassDataArchive {

    /** System property that moves the archives elsewhere ({@code none}: no class-data sharing at all). */
    public static final String DIRECTORY_PROPERTY = "streamguard.classDataDirectory";

    /** Archives of one kind kept in the directory, the most recently used ones. */
    static final int KEPT = 3;

    /** The kind of the archives of Spark's JVMs: the job's, the evaluation's, the benchmarks'. */
    public static final String SPARK = "spark";
    /** The kind of the archives of the embedded Kafka broker's JVM (about 50 MB each). */
    public static final String BROKER = "kafka-broker";

    private static final String NONE = "none";
    /** A JVM's exit code after a fatal error (it aborts, after writing hs_err). */
    private static final int JVM_FATAL_ERROR = 134;
    private static final String QUIET = "-Xlog:cds=off,cds+dynamic=off";

    private final String kind;
    private final Path archive;
    private final Path dump;

    private ClassDataArchive(String kind, Path archive, Path dump) {
        this.kind = kind;
        this.archive = archive;
        this.dump = dump;
    }

    /**
     * Where archives live: {@value #DIRECTORY_PROPERTY} if set, else {@code ~/.cache/streamguard/class-data}; empty
     * when the property is {@code none}.
     */
    public static Optional<Path> directory() {
        String configured = System.getProperty(DIRECTORY_PROPERTY, "").trim();
        if (configured.equalsIgnoreCase(NONE)) {
            return Optional.empty();
        }
        // Absolute: the fork runs in another working directory than the JVM that names its options.
        return Optional.of(configured.isEmpty()
                ? Path.of(System.getProperty("user.home"), ".cache", "streamguard", "class-data")
                : Path.of(configured).toAbsolutePath());
    }

    /**
     * The archive for {@code classpath} in {@link #directory()}, if class-data sharing is on. An archive only saves
     * time: when its directory cannot be made or a jar cannot be read, the fork runs without one.
     */
    public static Optional<ClassDataArchive> forClasspath(List<Path> classpath) {
        return forClasspath(classpath, List.of());
    }

    /**
     * Like {@link #forClasspath(List)}, for a JVM of another {@code kind} than Spark's ({@link #BROKER}), which gets
     * no options of the user's but inherits this process's environment (see {@link #forClasspath(List, List)}).
     */
    public static Optional<ClassDataArchive> forClasspath(String kind, List<Path> classpath) {
        return forClasspath(kind, classpath, List.of(), System.getenv());
    }

    /**
     * Like {@link #forClasspath(List)}, for a fork that also gets {@code userJvmOptions} and inherits this process's
     * environment: none when they choose class-data sharing themselves ({@code -Xshare:off} would make a dump fail
     * the fork at its exit), and none when they, or the JVM's option variables ({@code JAVA_TOOL_OPTIONS}...,
     * {@link JvmPolicy#userOptions}), start a flight recording or an agent. Measured on JDK 17.0.15: a JVM with
     * {@code -XX:StartFlightRecording} dies of SIGSEGV ({@code KlassFactory::check_shared_class_file_load_hook}) on its
     * first class from a dynamic archive, and a JVM with a native agent ({@code -agentlib:jdwp}, a debugger) cannot
     * dump one ("CDS dumping does not support native JVMTI agent") and exits 1. Java agents install the same
     * class-file load hook as a recording. A profiled or debugged run is slower by the archive's 4 s instead.
     */
    public static Optional<ClassDataArchive> forClasspath(List<Path> classpath, List<String> userJvmOptions) {
        return forClasspath(SPARK, classpath, userJvmOptions, System.getenv());
    }

    static Optional<ClassDataArchive> forClasspath(List<Path> classpath, List<String> userJvmOptions,
                                                   Map<String, String> environment) {
        return forClasspath(SPARK, classpath, userJvmOptions, environment);
    }

    private static Optional<ClassDataArchive> forClasspath(String kind, List<Path> classpath,
                                                           List<String> userJvmOptions,
                                                           Map<String, String> environment) {
        List<String> options = JvmPolicy.userOptions(userJvmOptions, environment);
        if (options.stream().anyMatch(ClassDataArchive::excludesArchive)) {
            return Optional.empty();
        }
        Optional<Path> directory = directory();
        try {
            return directory.isEmpty() ? Optional.empty() : of(directory.get(), kind, classpath);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean excludesArchive(String option) {
        return option.startsWith("-Xshare") || option.startsWith("-XX:SharedArchiveFile")
                || option.startsWith("-XX:ArchiveClassesAtExit") || option.startsWith("-XX:StartFlightRecording")
                || option.startsWith("-javaagent:") || option.startsWith("-agentpath:")
                || option.startsWith("-agentlib:") || option.startsWith("-Xrun");
    }

    /**
     * The archive for {@code classpath} in the running JVM's JDK, in {@code directory}; none when an entry is not a
     * jar (the JVM archives classes from jars only, and refuses to dump with a non-empty directory on the
     * classpath).
     */
    public static Optional<ClassDataArchive> of(Path directory, List<Path> classpath) throws IOException {
        return of(directory, SPARK, classpath);
    }

    /** Like {@link #of(Path, List)}, for a JVM of another {@code kind}: its archives are named and evicted apart. */
    static Optional<ClassDataArchive> of(Path directory, String kind, List<Path> classpath) throws IOException {
        if (!classpath.stream().allMatch(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar"))) {
            return Optional.empty();
        }
        Files.createDirectories(directory);
        // A directory that exists but cannot be written (read-only, immutable) would make the fork's JVM exit 1 at
        // its very end, after the run's work, when it cannot write its dump: find out now, and go without.
        Files.delete(Files.createTempFile(directory, ".probe-", ".tmp"));
        deleteStaleDumps(directory, kind);
        Path archive = directory.resolve(kind + "-" + key(classpath) + ".jsa");
        return Optional.of(new ClassDataArchive(kind, archive, directory.resolve(archive.getFileName() + "."
                + UUID.randomUUID() + ".dumping")));
    }

    /**
     * The fork's JVM options: map the archive if it exists (marking it used), else dump one at exit. The dump warns
     * about every class it cannot archive (about 1,200 of Spark's generated and signed-jar classes), which is not the
     * user's concern: CDS's own log is off.
     */
    public List<String> jvmOptions() {
        if (intact()) {
            try {
                Files.setLastModifiedTime(archive, FileTime.from(Instant.now()));
            } catch (IOException e) {
                // Only the eviction order suffers.
            }
            return List.of(QUIET, "-XX:SharedArchiveFile=" + archive);
        }
        deleteArchive(); // a truncated one would crash the JVM that maps it (SIGBUS), run after run
        return List.of(QUIET, "-XX:ArchiveClassesAtExit=" + dump);
    }

    /** The archive exists and has the length it had when it was kept (the JVM does not check it before mapping). */
    private boolean intact() {
        try {
            return Files.isRegularFile(archive) && Files.isRegularFile(lengthFile())
                    && Long.parseLong(Files.readString(lengthFile()).trim()) == Files.size(archive);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    private Path lengthFile() {
        return lengthFile(archive);
    }

    private static Path lengthFile(Path archive) {
        return archive.resolveSibling(archive.getFileName() + ".length");
    }

    private void deleteArchive() {
        try {
            Files.deleteIfExists(archive);
            Files.deleteIfExists(lengthFile());
        } catch (IOException e) {
            // Then it stays unmapped: intact() is false without its length file.
        }
    }

    /** Dumps of forks that never ended (kill -9 of Maven), a day old: about 160 MB each otherwise left forever. */
    private static void deleteStaleDumps(Path directory, String kind) {
        Instant dayAgo = Instant.now().minusSeconds(86_400);
        try (DirectoryStream<Path> found = Files.newDirectoryStream(directory, kind + "-*.dumping")) {
            for (Path stale : found) {
                if (Files.getLastModifiedTime(stale).toInstant().isBefore(dayAgo)) {
                    Files.deleteIfExists(stale);
                }
            }
        } catch (IOException e) {
            // Only disk space suffers.
        }
    }

    /**
     * After the fork: keeps a successful fork's dump as the archive, deletes any other. Never fails the run: a dump
     * that cannot be kept is deleted if it can be, and the next fork dumps again.
     *
     * @param exitCode the fork's exit code; anything but 0 is a failed fork (a timed-out one included)
     * @return true when the archive the fork mapped was deleted because the JVM died of a fatal error: worth saying
     */
    public boolean forkEnded(int exitCode) {
        boolean succeeded = exitCode == 0;
        if (!Files.exists(dump)) {
            // A JVM that died of a fatal error (hs_err, abort: 134) while mapping the archive may have died of it:
            // drop it, so that the next fork dumps a new one instead of crashing the same way.
            if (exitCode == JVM_FATAL_ERROR && intact()) {
                deleteArchive();
                return true;
            }
            return false;
        }
        try {
            if (succeeded && !intact()) {
                long length = Files.size(dump);
                Files.move(dump, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                Files.writeString(lengthFile(), Long.toString(length));
                deleteLeastRecentlyUsed();
            } else {
                Files.delete(dump);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(dump);
            } catch (IOException ignored) {
                // Deleted a day later by the next fork (deleteStaleDumps); it is never mapped.
            }
        }
        return false;
    }

    /**
     * Keeps the {@value #KEPT} most recently used archives of this kind; a fork mapping a deleted one keeps its
     * mapping.
     */
    private void deleteLeastRecentlyUsed() throws IOException {
        List<Path> archives = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(archive.getParent(), kind + "-*.jsa")) {
            found.forEach(archives::add);
        }
        archives.remove(archive);
        archives.sort(Comparator.comparing((Path p) -> {
            try {
                return Files.getLastModifiedTime(p);
            } catch (IOException e) {
                return FileTime.fromMillis(0);
            }
        }).reversed());
        for (Path old : archives.subList(Math.min(archives.size(), KEPT - 1), archives.size())) {
            Files.deleteIfExists(old);
            Files.deleteIfExists(lengthFile(old));
        }
    }

    /** The archive's path (it may not exist yet). */
    public Path archive() {
        return archive;
    }

    static String key(List<Path> classpath) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        // The archive records the JDK's own classes too: a different JDK build must not share it.
        update(sha, System.getProperty("java.home"));
        update(sha, System.getProperty("java.vm.version"));
        for (Path entry : classpath) {
            BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class);
            update(sha, entry.toAbsolutePath().toString());
            update(sha, Long.toString(attributes.size()));
            update(sha, Long.toString(attributes.lastModifiedTime().toMillis()));
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 12);
    }

    private static void update(MessageDigest sha, String value) {
        sha.update(value.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
    }
}
