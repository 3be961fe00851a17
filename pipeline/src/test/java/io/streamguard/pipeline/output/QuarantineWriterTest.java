package io.streamguard.pipeline.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamguard.pipeline.SparkTestSession;
import io.streamguard.pipeline.source.EventParser;
import io.streamguard.pipeline.source.KafkaRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuarantineWriterTest {

    private static Dataset<Row> rejected;
    private static long rejectedCount;
    private static FileSystem fs;

    @TempDir
    Path tmp;

    @BeforeAll
    static void records() throws IOException {
        KafkaRecords records = new KafkaRecords();
        for (int i = 0; i < 40; i++) {
            records.add("not json " + i + " " + "x".repeat(100));             // the most frequent reason first
        }
        for (int i = 0; i < 5; i++) {
            records.add("{\"user\":{\"id\":" + i + "},\"timestamp\":1}");     // wrong_type
            records.add("{\"user\":\"u" + i + "\",\"timestamp\":0}");         // timestamp_out_of_range
        }
        records.add(KafkaRecords.event("ok", 1_700_000_000_000L, "dns_query", "1.1.1.1", "success", 0.1, "US", 1));
        rejected = EventParser.rejected(EventParser.parse(records.toDataset(SparkTestSession.get()), 1 << 20));
        rejectedCount = rejected.count();
        fs = FileSystem.getLocal(SparkTestSession.get().sparkContext().hadoopConfiguration());
    }

    @Test
    void withoutACapEveryRejectedRecordIsWrittenAndTheBytesAreTheFilesSizes() throws IOException {
        Path dir = tmp.resolve("quarantine");
        QuarantineWriter.Written written = QuarantineWriter.write(() -> rejected, rejectedCount, fs,
                new org.apache.hadoop.fs.Path(dir.toUri()), QuarantineWriter.UNLIMITED, 1);

        assertThat(rejectedCount).isEqualTo(50);
        assertThat(written).isEqualTo(new QuarantineWriter.Written(50, partBytes(dir), false));
        assertThat(lines(dir)).hasSize(50);
    }

    @Test
    void aCapCutsWholeLinesAndKeepsExamplesOfEveryReason() throws IOException {
        Path dir = tmp.resolve("quarantine");
        long cap = 2_000;
        QuarantineWriter.Written written = QuarantineWriter.write(() -> rejected, rejectedCount, fs,
                new org.apache.hadoop.fs.Path(dir.toUri()), cap, 1);

        assertThat(written.truncated()).isTrue();
        assertThat(written.records()).isLessThan(rejectedCount).isPositive();
        assertThat(written.bytes()).isLessThanOrEqualTo(cap).isEqualTo(partBytes(dir));
        List<JsonNode> lines = lines(dir);
        assertThat(lines).hasSize((int) written.records());
        Map<String, Integer> byReason = new TreeMap<>();
        lines.forEach(l -> byReason.merge(l.get("reason").asText(), 1, Integer::sum));
        assertThat(byReason).containsOnlyKeys("not_json", "wrong_type", "timestamp_out_of_range");
        // Round-robin: the frequent reason (40 records, the first offsets) does not crowd out the others.
        assertThat(byReason.get("not_json")).isLessThanOrEqualTo(byReason.get("wrong_type") + 1);
    }

    @Test
    void aCapOfZeroWritesNoPayloadButTheDirectory() throws IOException {
        Path dir = tmp.resolve("quarantine");
        QuarantineWriter.Written written = QuarantineWriter.write(() -> rejected, rejectedCount, fs,
                new org.apache.hadoop.fs.Path(dir.toUri()), 0, 1);

        assertThat(written).isEqualTo(new QuarantineWriter.Written(0, 0, true));
        assertThat(dir).isDirectory();
        assertThat(lines(dir)).isEmpty();
    }

    @Test
    void withNothingRejectedNoDataFrameIsMadeAndTheDirectoryIsOwnerOnly() throws IOException {
        Path dir = tmp.resolve("quarantine");
        QuarantineWriter.Written written = QuarantineWriter.write(() -> {
            throw new AssertionError("a DataFrame of no records was made");
        }, 0, fs, new org.apache.hadoop.fs.Path(dir.toUri()), QuarantineWriter.UNLIMITED, 1);

        assertThat(written).isEqualTo(new QuarantineWriter.Written(0, 0, false));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(lines(dir)).isEmpty();
    }

    @Test
    void payloadsAreReadableByTheOwnerOnly() throws IOException {
        Path dir = tmp.resolve("quarantine");
        QuarantineWriter.write(() -> rejected, rejectedCount, fs, new org.apache.hadoop.fs.Path(dir.toUri()),
                QuarantineWriter.UNLIMITED, 2);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.toList();
            assertThat(all).anyMatch(f -> f.getFileName().toString().startsWith("part-"));
            for (Path f : all) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as("%s", f)
                        .isEqualTo("rw-------");
            }
        }
    }

    private static long partBytes(Path dir) throws IOException {
        long bytes = 0;
        for (Path p : parts(dir)) {
            bytes += Files.size(p);
        }
        return bytes;
    }

    private static List<JsonNode> lines(Path dir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (Path p : parts(dir)) {
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                lines.add(json.readTree(line));
            }
        }
        return lines;
    }

    private static List<Path> parts(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList();
        }
    }
}
