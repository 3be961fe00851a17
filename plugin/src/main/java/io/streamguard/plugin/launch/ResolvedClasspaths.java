package io.streamguard.plugin.launch;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Classpaths resolved by earlier Maven runs, each kept with every file its resolution read: the jars, and the POMs
 * (parents and imported BOMs included) and local metadata the graph was built from. One is used again only while every
 * one of those files has the size and modification time it had then; a reinstalled module, a changed POM or a deleted
 * jar makes the next run resolve anew. Resolving the job's graph of about 430 POMs took 1.1-1.6 s of every
 * {@code streamguard:run} in Maven's JVM; checking a kept classpath's files takes a few milliseconds.
 *
 * <p>What decides a resolution besides those files is the entry's name ({@link #key}): the roots and managed
 * versions, the repositories, the local repository, the resolver's settings, the system properties and environment
 * that POM profiles may test, and the user's {@code -D} properties. A resolution that depended on a remote
 * repository's state (a version range, a snapshot from a remote repository) or on the build's reactor is not kept,
 * and a kept one is not used when the reactor holds one of its artifacts ({@link ClasspathResolver}). An entry ends
 * with a line that counts its lines: one cut short is not used.
 *
 * <p>Kept per user, in {@code ~/.cache/streamguard/classpaths}: {@value #KEPT} entries of about 75 KB, the most
 * recently used. Only time depends on it: an entry that cannot be read or written is resolved anew.
 */
final class ResolvedClasspaths {

    /** Entries kept, the most recently used: a run uses up to three (the job's, the broker's, JMH's). */
    static final int KEPT = 16;

    private static final String FORMAT = "streamguard-classpath 2";
    private static final String SUFFIX = ".classpath";
    private static final String TEMPORARY = ".tmp";
    private static final String JAR = "jar";
    private static final String READ = "read";
    private static final String END = "end";
    private static final String NO_ARTIFACT = "-";

    private final Path directory;

    ResolvedClasspaths(Path directory) {
        this.directory = directory;
    }

    /** The per-user directory: {@code ~/.cache/streamguard/classpaths}. */
    static Path defaultDirectory() {
        return Path.of(System.getProperty("user.home"), ".cache", "streamguard", "classpaths");
    }


    /** A kept classpath, and the coordinates of every artifact its resolution read (jars and POMs). */
    record Kept(List<Path> classpath, List<String> artifacts) {
    }

    /**
     * The classpath kept under {@code key}, if its entry is whole and every file its resolution read is unchanged;
     * marks it used.
     */
    Optional<Kept> find(String key) {
        Path entry = entry(key);
        List<String> lines;
        try {
            lines = Files.readAllLines(entry, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) { // missing, unreadable, or not UTF-8: resolve anew
            return Optional.empty();
        }
        // The last line counts the lines before it: an entry cut short, by hand or by a full disk, is not used.
        if (lines.size() < 3 || !lines.get(0).equals(FORMAT)
                || !lines.get(lines.size() - 1).equals(END + "\t" + (lines.size() - 1))) {
            return Optional.empty();
        }
        List<Path> classpath = new ArrayList<>();
        List<String> artifacts = new ArrayList<>();
        try {
            for (String line : lines.subList(1, lines.size() - 1)) {
                // kind, size, modification time in ms, artifact (or -), path (last: a path may hold tabs)
                String[] fields = line.split("\t", 5);
                if (fields.length != 5 || !(fields[0].equals(JAR) || fields[0].equals(READ))) {
                    return Optional.empty();
                }
                Path file = Path.of(fields[4]);
                if (!stamp(file).equals(Optional.of(fields[1] + "\t" + fields[2]))) {
                    return Optional.empty();
                }
                if (fields[0].equals(JAR)) {
                    classpath.add(file);
                }
                if (!fields[3].equals(NO_ARTIFACT)) {
                    artifacts.add(fields[3]);
                }
            }
        } catch (RuntimeException e) { // a path the file system refuses (a NUL in it): a damaged entry
            return Optional.empty();
        }
        if (classpath.isEmpty()) {
            return Optional.empty();
        }
        try {
            Files.setLastModifiedTime(entry, FileTime.from(Instant.now()));
        } catch (IOException e) {
            // Only the eviction order suffers.
        }
        return Optional.of(new Kept(List.copyOf(classpath), List.copyOf(artifacts)));
    }

    /**
     * Keeps {@code classpath} under {@code key}, with the files its resolution read ({@code read}: each file and the
     * artifact it is, or null for metadata; the jars among them); written whole or not at all. Nothing is kept when a
     * file cannot be read: it would never match.
     *
     * @return the entry's file, or empty if it could not be written
     */
    Optional<Path> keep(String key, List<Path> classpath, Map<Path, String> read) {
        Map<Path, String> others = new LinkedHashMap<>(read);
        classpath.forEach(others::remove);
        try {
            StringBuilder text = new StringBuilder(FORMAT).append('\n');
            int lines = 1;
            for (Path jar : classpath) {
                text.append(line(JAR, jar, read.get(jar)));
                lines++;
            }
            for (Map.Entry<Path, String> file : others.entrySet()) {
                text.append(line(READ, file.getKey(), file.getValue()));
                lines++;
            }
            text.append(END).append('\t').append(lines).append('\n');
            Files.createDirectories(directory);
            Path temporary = directory.resolve("." + key + "." + UUID.randomUUID() + TEMPORARY);
            try {
                Files.writeString(temporary, text, StandardCharsets.UTF_8);
                Files.move(temporary, entry(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temporary);
            }
            deleteLeastRecentlyUsed(entry(key));
            return Optional.of(entry(key));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // the next run resolves again
        }
    }

    private static String line(String kind, Path file, String artifact) throws IOException {
        String path = file.toAbsolutePath().toString();
        if (path.indexOf('\n') >= 0 || path.indexOf('\r') >= 0) {
            throw new IOException("a path with a line break cannot be kept: " + path);
        }
        String name = artifact == null || artifact.isEmpty() || artifact.contains("\t") || artifact.contains("\n")
                ? NO_ARTIFACT : artifact;
        return kind + "\t" + stamp(file).orElseThrow(() -> new IOException("cannot read " + file)) + "\t" + name
                + "\t" + path + "\n";
    }

    /** A file's size and modification time, or empty if it is gone or not a regular file. */
    private static Optional<String> stamp(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.isRegularFile()
                    ? Optional.of(attributes.size() + "\t" + attributes.lastModifiedTime().toMillis())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The file of the entry named {@code key}, which may not exist. */
    Path entry(String key) {
        return directory.resolve(key + SUFFIX);
    }

    /**
     * Keeps {@code written} and the {@value #KEPT} - 1 most recently used other entries (entries dated in the future,
     * by a clock that was ahead, must not evict the one just written); deletes what a killed run left half-written, a
     * day on.
     */
    private void deleteLeastRecentlyUsed(Path written) throws IOException {
        Instant dayAgo = Instant.now().minusSeconds(86_400);
        try (DirectoryStream<Path> found = Files.newDirectoryStream(directory, ".*" + TEMPORARY)) {
            for (Path stale : found) {
                if (lastModified(stale).toInstant().isBefore(dayAgo)) {
                    Files.deleteIfExists(stale);
                }
            }
        }
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            found.forEach(entries::add);
        }
        entries.remove(written);
        entries.sort(Comparator.comparing(ResolvedClasspaths::lastModified).reversed());
        for (Path old : entries.subList(Math.min(entries.size(), KEPT - 1), entries.size())) {
            Files.deleteIfExists(old);
        }
    }

    private static FileTime lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** A name for the inputs of a resolution: the same inputs, the same name. */
    static String key(List<String> inputs) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        sha.update(FORMAT.getBytes(StandardCharsets.UTF_8));
        for (String input : inputs) {
            sha.update((byte) 0);
            sha.update(input.getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
    }
}
