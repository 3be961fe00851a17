package io.streamguard.pipeline.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamguard.pipeline.StreamGuardException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputCommitterTest {

    @TempDir
    Path dir;

    private static void write(OutputCommitter c, String name, String content) throws IOException {
        try (OutputStream out = c.fileSystem().create(c.staged(name), true)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    private List<String> visibleEntries() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    @Test
    void commitReplacesThePreviousOutputsAndLeavesNoStaging() throws IOException {
        try (OutputCommitter c = OutputCommitter.begin(dir.toString(), new Configuration(), "run1")) {
            write(c, "data/part-0", "old");
            write(c, "report.json", "old report");
            c.commit(List.of("data"), "report.json");
        }
        Files.writeString(dir.resolve("unrelated.txt"), "kept");
        try (OutputCommitter c = OutputCommitter.begin(dir.toString(), new Configuration(), "run2")) {
            write(c, "data/part-1", "new");
            write(c, "report.json", "new report");
            c.commit(List.of("data"), "report.json");
        }
        assertThat(visibleEntries()).containsExactly("data", "report.json", "unrelated.txt");
        assertThat(Files.readString(dir.resolve("report.json"))).isEqualTo("new report");
        try (Stream<Path> s = Files.list(dir.resolve("data"))) {
            // hidden files: Hadoop's checksums, the run id marker
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".") && !n.startsWith("_")))
                    .containsExactly("part-1");
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".staging")
                    || n.startsWith(".previous"));
        }
    }

    @Test
    void aRunThatFailsBeforeCommitLeavesThePreviousOutputsUntouched() throws IOException {
        try (OutputCommitter c = OutputCommitter.begin(dir.toString(), new Configuration(), "run1")) {
            write(c, "data/part-0", "old");
            write(c, "report.json", "old report");
            c.commit(List.of("data"), "report.json");
        }
        try (OutputCommitter c = OutputCommitter.begin(dir.toString(), new Configuration(), "run2")) {
            write(c, "data/part-1", "half-written");
            // the run fails here: no commit
        }
        assertThat(Files.readString(dir.resolve("report.json"))).isEqualTo("old report");
        assertThat(Files.readString(dir.resolve("data/part-0"))).isEqualTo("old");
        assertThat(Files.exists(dir.resolve("data/part-1"))).isFalse();
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".staging"));
        }
    }

    @Test
    void aSecondRunOnTheSameDirectoryIsRefusedWhileTheFirstHoldsIt() {
        try (OutputCommitter first = OutputCommitter.begin(dir.toString(), new Configuration(), "run1")) {
            assertThatThrownBy(() -> OutputCommitter.begin(dir.toString(), new Configuration(), "run2"))
                    .isInstanceOf(StreamGuardException.class)
                    .hasMessageContaining("Another StreamGuard run is writing to")
                    .hasMessageContaining("Wait for it to finish, or give this run another output directory")
                    .extracting(e -> ((StreamGuardException) e).exitCode())
                    .isEqualTo(StreamGuardException.EXIT_OUTPUT);
        }
        // released: the next run may start
        OutputCommitter.begin(dir.toString(), new Configuration(), "run3").close();
    }

    @Test
    void anOutputPathThatIsAFileIsRejected() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(() -> OutputCommitter.begin(file.toString(), new Configuration(), "run1"))
                .hasMessageContaining("is a file, not a directory");
    }
}
