package io.streamguard.plugin.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkHistoryTest {

    @TempDir
    Path temp;

    static JmhResult r(double score, double error, String unit) {
        return new JmhResult("b.Read.bounded", "ss", Map.of("topicSize", "10"), score, error, unit);
    }

    @Test
    void eachRunIsOneLineWithTimeCommitJvmCoresAndEveryResult() throws Exception {
        Path file = temp.resolve("ci/history.jsonl");
        BenchmarkHistory.Entry first = new BenchmarkHistory.Entry(Instant.parse("2026-11-27T10:00:00Z"),
                "0123456789abcdef0123456789abcdef01234567", "OpenJDK 17.0.15", 2,
                List.of(r(450, 20, "ms/op"), r(1.5, Double.NaN, "ms/op")));
        BenchmarkHistory.append(file, first);
        BenchmarkHistory.append(file, BenchmarkHistory.Entry.now(null, List.of(r(460, 20, "ms/op"))));
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("{\"time\":\"2026-11-27T10:00:00Z\",\"commit\":\"0123456789abcdef"
                + "0123456789abcdef01234567\",\"jvm\":\"OpenJDK 17.0.15\",\"cores\":2,\"passed\":true,\"results\":[{\"benchmark\":"
                + "\"b.Read.bounded\",\"mode\":\"ss\",\"params\":{\"topicSize\":\"10\"},\"primaryMetric\":{\"score\":"
                + "450.0,\"scoreError\":20.0,\"scoreUnit\":\"ms/op\"}}");
        List<BenchmarkHistory.Entry> read = BenchmarkHistory.read(file, s -> { });
        assertThat(read.get(0).time()).isEqualTo(first.time());
        assertThat(read.get(0).results().get(1).error()).isNaN();
        assertThat(read.get(1).commit()).isNull();
        assertThat(read.get(1).cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(read).allMatch(BenchmarkHistory.Entry::passed);
    }

    @Test
    void aTornLastLineIsSkippedAndTheNextEntryStartsOnItsOwnLine() throws Exception {
        Path file = temp.resolve("history.jsonl");
        BenchmarkHistory.append(file, BenchmarkHistory.Entry.now(null, List.of(r(450, 20, "ms/op"))));
        Files.writeString(file, "{\"time\":\"2026-11-27T1", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        BenchmarkHistory.append(file, BenchmarkHistory.Entry.now(null, List.of(r(470, 20, "ms/op"))));
        List<String> skipped = new ArrayList<>();
        List<BenchmarkHistory.Entry> entries = BenchmarkHistory.read(file, skipped::add);
        assertThat(entries).extracting(e -> e.results().get(0).score()).containsExactly(450.0, 470.0);
        assertThat(skipped).singleElement().asString().contains("line 2 is not a history entry");
    }

    @Test
    void theReferenceIsTheMedianEntryOfTheRecentWindowInAnyUnit() {
        List<BenchmarkHistory.Entry> entries = new ArrayList<>();
        for (JmhResult x : List.of(r(9_000, 10, "ms/op"), r(400, 10, "ms/op"), r(500_000, 30_000, "us/op"),
                r(0.45, 0.02, "s/op"), r(420, 15, "ms/op"))) {
            entries.add(BenchmarkHistory.Entry.now(null, List.of(x)));
        }
        assertThat(BenchmarkHistory.reference(entries, 3)).as("the old outlier is outside the window")
                .containsExactly(r(0.45, 0.02, "s/op"));
        assertThat(BenchmarkHistory.reference(entries, 5)).containsExactly(r(0.45, 0.02, "s/op"));
        assertThat(BenchmarkHistory.reference(entries.subList(0, 2), 5)).containsExactly(r(400, 10, "ms/op"));
    }

    @Test
    void theCommitComesFromGitOrIsAbsent() {
        assertThat(BenchmarkHistory.gitCommit(temp)).isNull();
        // The build runs in a clone (CI) or a work tree of the repository.
        assertThat(BenchmarkHistory.gitCommit(Path.of("").toAbsolutePath())).matches("[0-9a-f]{40}");
    }
}
