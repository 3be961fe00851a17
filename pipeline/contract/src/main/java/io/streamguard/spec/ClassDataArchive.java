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
import java.util.Optional;
import java.util.UUID;

/**
 * Class-data sharing for a forked Spark JVM: every start of Spark loads and verifies ~22,000 classes from the same
 * ~175 jars, which a dynamic CDS archive maps from one file instead (1,000 events, 2 cores: about 4 s of a 19 s run;
 * the README's Performance section has the numbers).
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
 * 160 MB, so only the {@value #KEPT} most recently used stay.
 */
public final class ClassDataArchive {

    /** System property that moves the archives elsewhere ({@code none}: no class-data sharing at all). */
    public static final String DIRECTORY_PROPERTY = "streamguard.classDataDirectory";

    /** Archives kept in the directory, the most recently used ones. */
    static final int KEPT = 3;

    private static final String NONE = "none";
    private static final String QUIET = "-Xlog:cds=off,cds+dynamic=off";

    private final Path archive;
    private final Path dump;

    private ClassDataArchive(Path archive, Path dump) {
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
        return Optional.of(configured.isEmpty()
                ? Path.of(System.getProperty("user.home"), ".cache", "streamguard", "class-data")
                : Path.of(configured));
    }

    /**
     * The archive for {@code classpath} in {@link #directory()}, if class-data sharing is on. An archive only saves
     * time: when its directory cannot be made or a jar cannot be read, the fork runs without one.
     */
    public static Optional<ClassDataArchive> forClasspath(List<Path> classpath) {
        Optional<Path> directory = directory();
        try {
            return directory.isEmpty() ? Optional.empty() : of(directory.get(), classpath);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The archive for {@code classpath} in the running JVM's JDK, in {@code directory}; none when an entry is not a
     * jar (the JVM archives classes from jars only, and refuses to dump with a non-empty directory on the
     * classpath).
     */
    public static Optional<ClassDataArchive> of(Path directory, List<Path> classpath) throws IOException {
        if (!classpath.stream().allMatch(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar"))) {
            return Optional.empty();
        }
        Files.createDirectories(directory);
        Path archive = directory.resolve("spark-" + key(classpath) + ".jsa");
        return Optional.of(new ClassDataArchive(archive, directory.resolve(archive.getFileName() + "."
                + UUID.randomUUID() + ".dumping")));
    }

    /**
     * The fork's JVM options: map the archive if it exists (marking it used), else dump one at exit. The dump warns
     * about every class it cannot archive (about 1,200 of Spark's generated and signed-jar classes), which is not the
     * user's concern: CDS's own log is off.
     */
    public List<String> jvmOptions() {
        if (Files.isRegularFile(archive)) {
            try {
                Files.setLastModifiedTime(archive, FileTime.from(Instant.now()));
            } catch (IOException e) {
                // Only the eviction order suffers.
            }
            return List.of(QUIET, "-XX:SharedArchiveFile=" + archive);
        }
        return List.of(QUIET, "-XX:ArchiveClassesAtExit=" + dump);
    }

    /**
     * After the fork: keeps a successful fork's dump as the archive, deletes any other. Never fails the run: a dump
     * that cannot be kept is deleted if it can be, and the next fork dumps again.
     */
    public void forkEnded(boolean succeeded) {
        if (!Files.exists(dump)) {
            return;
        }
        try {
            if (succeeded && !Files.exists(archive)) {
                Files.move(dump, archive, StandardCopyOption.ATOMIC_MOVE);
                deleteLeastRecentlyUsed();
            } else {
                Files.delete(dump);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(dump);
            } catch (IOException ignored) {
                // Left for the user to delete; it is never mapped (only *.jsa files are).
            }
        }
    }

    /** Keeps the {@value #KEPT} most recently used archives; a fork mapping a deleted one keeps its mapping. */
    private void deleteLeastRecentlyUsed() throws IOException {
        List<Path> archives = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(archive.getParent(), "spark-*.jsa")) {
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
