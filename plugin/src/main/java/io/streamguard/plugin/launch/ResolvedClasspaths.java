package io.streamguard.plugin.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Classpaths resolved by earlier Maven runs, each kept with every file its resolution read: the jars, and the POMs
 * (parents and imported BOMs included) and local metadata the graph was built from. One is used again only while every
 * one of those files has the size and modification time it had then; a reinstalled module, a changed POM or a deleted
 * jar makes the next run resolve anew. Resolving the job's graph of about 430 POMs took 1.1-1.6 s of every
 * {@code streamguard:run} in Maven's JVM; checking a kept classpath's files takes a few milliseconds.
 *
 * <p>What decides a resolution besides those files is the entry's name ({@link #key}): the roots and managed
 * versions, the repositories, the local repository, the resolver's settings, the JDK and OS that POM profiles may
 * test, and the user's {@code -D} properties. A resolution that depended on a remote repository's state (a version
 * range, a snapshot from a remote repository) is not kept ({@link ClasspathResolver}).
 *
 * <p>Kept per user, in {@code ~/.cache/streamguard/classpaths}: {@value #KEPT} entries of a few dozen KB, the most
 * recently used. Only time depends on it: an entry that cannot be read or written is resolved anew.
 */
final class ResolvedClasspaths {

    /** Entries kept, the most recently used: a run uses up to three (the job's, the broker's, JMH's). */
    static final int KEPT = 16;

    private static final String FORMAT = "streamguard-classpath 1";
    private static final String SUFFIX = ".classpath";
    private static final String JAR = "jar";
    private static final String READ = "read";

    private final Path directory;

    ResolvedClasspaths(Path directory) {
        this.directory = directory;
    }

    /** The per-user directory: {@code ~/.cache/streamguard/classpaths}. */
    static Path defaultDirectory() {
        return Path.of(System.getProperty("user.home"), ".cache", "streamguard", "classpaths");
    }

    Path directory() {
        return directory;
    }

    /**
     * The classpath kept under {@code key}, if every file its resolution read is unchanged; marks it used.
     */
    Optional<List<Path>> find(String key) {
        Path entry = entry(key);
        List<String> lines;
        try {
            lines = Files.readAllLines(entry, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) { // unreadable, or not UTF-8: resolve anew
            return Optional.empty();
        }
        if (lines.isEmpty() || !lines.get(0).equals(FORMAT)) {
            return Optional.empty();
        }
        List<Path> classpath = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            // kind, size, modification time in ms, path (last: a path may hold tabs)
            String[] fields = line.split("\t", 4);
            if (fields.length != 4 || !(fields[0].equals(JAR) || fields[0].equals(READ))) {
                return Optional.empty();
            }
            Path file = Path.of(fields[3]);
            if (!stamp(file).equals(Optional.of(fields[1] + "\t" + fields[2]))) {
                return Optional.empty();
            }
            if (fields[0].equals(JAR)) {
                classpath.add(file);
            }
        }
        if (classpath.isEmpty()) {
            return Optional.empty();
        }
        try {
            Files.setLastModifiedTime(entry, FileTime.from(Instant.now()));
        } catch (IOException e) {
            // Only the eviction order suffers.
        }
        return Optional.of(List.copyOf(classpath));
    }

    /**
     * Keeps {@code classpath} under {@code key}, with the files its resolution read ({@code read}, the jars among them
     * or not); written whole or not at all. Nothing is kept when a file cannot be read: it would never match.
     */
    void keep(String key, List<Path> classpath, Collection<Path> read) {
        StringBuilder text = new StringBuilder(FORMAT).append('\n');
        Set<Path> others = new LinkedHashSet<>(read);
        others.removeAll(classpath);
        try {
            for (Path jar : classpath) {
                text.append(line(JAR, jar));
            }
            for (Path file : others) {
                text.append(line(READ, file));
            }
            Files.createDirectories(directory);
            Path temporary = directory.resolve("." + key + "." + UUID.randomUUID() + ".tmp");
            try {
                Files.writeString(temporary, text, StandardCharsets.UTF_8);
                Files.move(temporary, entry(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temporary);
            }
            deleteLeastRecentlyUsed();
        } catch (IOException | RuntimeException e) {
            // The next run resolves again.
        }
    }

    private static String line(String kind, Path file) throws IOException {
        String path = file.toAbsolutePath().toString();
        if (path.indexOf('\n') >= 0 || path.indexOf('\r') >= 0) {
            throw new IOException("a path with a line break cannot be kept: " + path);
        }
        return kind + "\t" + stamp(file).orElseThrow(() -> new IOException("cannot read " + file)) + "\t" + path
                + "\n";
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

    private Path entry(String key) {
        return directory.resolve(key + SUFFIX);
    }

    private void deleteLeastRecentlyUsed() throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            found.forEach(entries::add);
        }
        entries.sort(Comparator.comparing(ResolvedClasspaths::lastModified).reversed());
        for (Path old : entries.subList(Math.min(entries.size(), KEPT), entries.size())) {
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
