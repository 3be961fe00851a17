package io.streamguard.plugin.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JSON-lines file of benchmark runs that the user keeps (in the repository or a CI cache): one line per run with
 * its time, git commit, JVM, cores and every result (JMH's own field names, so one reader serves both). Lines are
 * appended whole and synced, so a crash can at worst leave one torn last line, which reading skips.
 */
public final class BenchmarkHistory {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One run. {@code commit} is null outside a git work tree. {@code passed} is false for a run that regressed or
     * missed a gate: it stays in the history (its trend point is real), but it is never part of a reference, or a
     * regression would become the reference after a few retries.
     */
    public record Entry(Instant time, String commit, String jvm, int cores, List<JmhResult> results, boolean passed) {

        public Entry {
            results = List.copyOf(results);
        }

        /** A run that passed. */
        public Entry(Instant time, String commit, String jvm, int cores, List<JmhResult> results) {
            this(time, commit, jvm, cores, results, true);
        }

        /** A run that passed, on this machine and JVM, now. */
        public static Entry now(String commit, List<JmhResult> results) {
            return now(commit, results, true);
        }

        /** This machine and JVM, now. */
        public static Entry now(String commit, List<JmhResult> results, boolean passed) {
            return new Entry(Instant.now(), commit, System.getProperty("java.vm.name") + " "
                    + System.getProperty("java.runtime.version"), Runtime.getRuntime().availableProcessors(), results,
                    passed);
        }

        String toJsonLine() {
            ObjectNode o = JSON.createObjectNode();
            o.put("time", time.toString());
            o.put("commit", commit);
            o.put("jvm", jvm);
            o.put("cores", cores);
            o.put("passed", passed);
            o.set("results", JmhResult.toJson(results));
            try {
                return JSON.writeValueAsString(o);
            } catch (IOException e) {
                throw new IllegalStateException("cannot write a history entry", e);
            }
        }

        static Entry fromJson(JsonNode n) {
            return new Entry(Instant.parse(n.get("time").asText()),
                    n.hasNonNull("commit") ? n.get("commit").asText() : null, n.path("jvm").asText(),
                    n.path("cores").asInt(), JmhResult.fromJson(n.path("results")), n.path("passed").asBoolean(true));
        }
    }

    private BenchmarkHistory() {
    }

    /**
     * The entries in file order; an unreadable line (a torn last line after a crash, a hand edit) is skipped and
     * reported to {@code skipped}.
     */
    public static List<Entry> read(Path file, java.util.function.Consumer<String> skipped) throws IOException {
        List<Entry> entries = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return entries;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                entries.add(Entry.fromJson(JSON.readTree(lines.get(i))));
            } catch (IOException | RuntimeException e) {
                skipped.accept(file + " line " + (i + 1) + " is not a history entry (" + e.getMessage()
                        + "); skipping it");
            }
        }
        return entries;
    }

    /** Appends one entry as one write of a whole line, then syncs; a torn previous line gets its newline first. */
    public static void append(Path file, Entry entry) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        byte[] line = (entry.toJsonLine() + "\n").getBytes(StandardCharsets.UTF_8);
        if (Files.isRegularFile(file) && Files.size(file) > 0) {
            try (FileChannel reader = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer last = ByteBuffer.allocate(1);
                reader.read(last, reader.size() - 1);
                if (last.get(0) != '\n') {
                    byte[] fixed = new byte[line.length + 1];
                    fixed[0] = '\n';
                    System.arraycopy(line, 0, fixed, 1, line.length);
                    line = fixed;
                }
            }
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /**
     * The reference of each benchmark from the last {@code window} entries that hold it: the entry with the median
     * score (a real measurement, so its own error bar comes with it), in that entry's unit. One outlier run in the
     * window neither raises nor hides a regression.
     */
    public static List<JmhResult> reference(List<Entry> entries, int window) {
        Map<String, List<JmhResult>> recent = new LinkedHashMap<>();
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (!entries.get(i).passed()) {
                continue;
            }
            for (JmhResult r : entries.get(i).results()) {
                List<JmhResult> list = recent.computeIfAbsent(r.key(), k -> new ArrayList<>());
                if (list.size() < window) {
                    list.add(r);
                }
            }
        }
        List<JmhResult> reference = new ArrayList<>();
        recent.values().forEach(list -> {
            String unit = list.get(0).unit();
            List<JmhResult> sorted = list.stream().filter(r -> JmhResult.convertible(r.unit(), unit))
                    .sorted(Comparator.comparingDouble(r -> r.in(unit).score())).toList();
            reference.add(sorted.get((sorted.size() - 1) / 2));
        });
        return reference;
    }

    /** The commit checked out in {@code directory}, or null when it is not a git work tree or git is missing. */
    public static String gitCommit(Path directory) {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "HEAD").directory(directory.toFile())
                    .redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!git.waitFor(10, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return null;
            }
            return git.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
