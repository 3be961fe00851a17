package io.streamguard.pipeline.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamguard.pipeline.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalPartitionedParquetTest {

    private static final StructType SCHEMA = new StructType()
            .add("user", DataTypes.StringType, false)
            .add("events", DataTypes.DoubleType, false)
            .add("anomaly_score", DataTypes.DoubleType, false)
            .add("is_anomaly", DataTypes.IntegerType, false);

    private static final List<Row> ROWS = List.of(
            RowFactory.create("alice", 12.0, 0.41, 0),
            RowFactory.create("bob", 3.5, 0.72, 1),
            RowFactory.create("carol, \"the\" admin", 0.0, 0.39, 0), // CSV and JSON specials stay data
            RowFactory.create("dave", Double.MAX_VALUE, 0.44, 0),
            RowFactory.create("\u00e9ve", -1.0e-300, 0.81, 1));

    @TempDir
    Path tmp;

    @Test
    void writesWhatSparksPartitionedWriteWritesInTheSameLayout() throws IOException {
        SparkSession spark = SparkTestSession.get();
        Path local = tmp.resolve("local");
        Path viaSpark = tmp.resolve("spark");
        List<org.apache.hadoop.fs.Path> files = LocalPartitionedParquet.write(spark, ROWS, SCHEMA, "is_anomaly",
                new org.apache.hadoop.fs.Path(local.toUri()), "0f0e0d0c-0000-4000-8000-000000000001");
        spark.createDataFrame(ROWS, SCHEMA).coalesce(1).write().partitionBy("is_anomaly")
                .parquet(viaSpark.toString());

        assertThat(layout(local)).containsExactly("_SUCCESS",
                "is_anomaly=0/part-00000-0f0e0d0c-0000-4000-8000-000000000001.c000.snappy.parquet",
                "is_anomaly=1/part-00000-0f0e0d0c-0000-4000-8000-000000000001.c000.snappy.parquet");
        assertThat(files).extracting(f -> local.relativize(Path.of(f.toUri())).toString())
                .containsExactly(layout(local).subList(1, 3).toArray(String[]::new));
        assertThat(layout(viaSpark)).extracting(f -> f.replaceAll("part-00000-[0-9a-f-]+", "part-00000-ID"))
                .containsExactly("_SUCCESS", "is_anomaly=0/part-00000-ID.c000.snappy.parquet",
                        "is_anomaly=1/part-00000-ID.c000.snappy.parquet");

        // The same footer: Parquet schema, codec, and Spark's own metadata (its schema, its version).
        for (String label : List.of("is_anomaly=0", "is_anomaly=1")) {
            ParquetMetadata ours = footer(parquetIn(local.resolve(label)));
            ParquetMetadata sparks = footer(parquetIn(viaSpark.resolve(label)));
            assertThat(ours.getFileMetaData().getSchema()).isEqualTo(sparks.getFileMetaData().getSchema());
            assertThat(ours.getFileMetaData().getKeyValueMetaData())
                    .isEqualTo(sparks.getFileMetaData().getKeyValueMetaData())
                    .containsKey("org.apache.spark.sql.parquet.row.metadata");
            assertThat(ours.getBlocks().get(0).getColumns()).extracting(c -> c.getCodec().name())
                    .containsOnly("SNAPPY");
        }
        // Read back by Spark: the same schema (the label discovered from the directories) and the same rows.
        assertThat(spark.read().parquet(local.toString()).schema())
                .isEqualTo(spark.read().parquet(viaSpark.toString()).schema());
        assertThat(spark.read().parquet(local.toString()).orderBy("user").collectAsList())
                .isEqualTo(spark.read().parquet(viaSpark.toString()).orderBy("user").collectAsList())
                .hasSize(ROWS.size())
                .contains(RowFactory.create("carol, \"the\" admin", 0.0, 0.39, 0));
    }

    @Test
    void writesADirectoryOnlyForTheValuesPresentKeepingTheRowsOrder() throws IOException {
        SparkSession spark = SparkTestSession.get();
        Path local = tmp.resolve("local");
        List<Row> normal = ROWS.stream().filter(r -> r.getInt(3) == 0).toList();
        LocalPartitionedParquet.write(spark, normal, SCHEMA, "is_anomaly",
                new org.apache.hadoop.fs.Path(local.toUri()), "id");

        assertThat(layout(local)).containsExactly("_SUCCESS", "is_anomaly=0/part-00000-id.c000.snappy.parquet");
        assertThat(spark.read().parquet(local.toString()).collectAsList()).containsExactlyElementsOf(normal);
    }

    @Test
    void takesTheCodecFromTheSessionAsSparksWriteDoes() throws IOException {
        Path local = writeWith("spark.sql.parquet.compression.codec", "gzip");

        assertThat(layout(local)).containsExactly("_SUCCESS", "is_anomaly=0/part-00000-id.c000.gz.parquet",
                "is_anomaly=1/part-00000-id.c000.gz.parquet");
        ParquetMetadata footer = footer(local.resolve("is_anomaly=1/part-00000-id.c000.gz.parquet"));
        assertThat(footer.getBlocks().get(0).getColumns()).extracting(c -> c.getCodec().name()).containsOnly("GZIP");
    }

    @Test
    void leavesToSparkWhatOnlySparksWriteDoes() {
        SparkSession spark = SparkTestSession.get();
        assertThat(LocalPartitionedParquet.unsupported(spark)).isEmpty();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("spark.sql.files.maxRecordsPerFile", "2");
        settings.put("spark.sql.sources.commitProtocolClass", "com.example.CommitProtocol");
        settings.put("spark.sql.parquet.output.committer.class", "com.example.ParquetCommitter");
        settings.put("parquet.summary.metadata.level", "ALL");
        settings.put("parquet.enable.summary-metadata", "true");
        for (Map.Entry<String, String> setting : settings.entrySet()) {
            spark.conf().set(setting.getKey(), setting.getValue());
            try {
                assertThat(LocalPartitionedParquet.unsupported(spark)).as(setting.getKey())
                        .hasValueSatisfying(why -> assertThat(why).contains(setting.getKey()));
                assertThatThrownBy(() -> LocalPartitionedParquet.write(spark, ROWS, SCHEMA, "is_anomaly",
                        new org.apache.hadoop.fs.Path(tmp.resolve("refused").toUri()), "id"))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining(setting.getKey());
            } finally {
                spark.conf().unset(setting.getKey());
            }
        }
        for (String listeners : List.of("spark.extraListeners", "spark.sql.queryExecutionListeners")) {
            // Static settings: a session has them from its start, so they are given here as its SparkConf would.
            assertThat(LocalPartitionedParquet.unsupported(spark.sessionState().conf(),
                    spark.sessionState().newHadoopConf(),
                    spark.sparkContext().getConf().set(listeners, "com.example.LineageListener")))
                    .hasValue(listeners + " is com.example.LineageListener");
        }
        // Spark's Parquet write sets the committer to the Parquet one whatever this says.
        spark.conf().set("spark.sql.sources.outputCommitterClass", "com.example.Committer");
        try {
            assertThat(LocalPartitionedParquet.unsupported(spark)).isEmpty();
        } finally {
            spark.conf().unset("spark.sql.sources.outputCommitterClass");
        }
        spark.conf().set("parquet.summary.metadata.level", "NONE");
        try {
            assertThat(LocalPartitionedParquet.unsupported(spark)).isEmpty();
        } finally {
            spark.conf().unset("parquet.summary.metadata.level");
        }
        assertThat(tmp.resolve("refused")).doesNotExist();
    }

    @Test
    void writesNoSuccessMarkerWhenTheSessionTurnsItOff() throws IOException {
        Path local = writeWith("mapreduce.fileoutputcommitter.marksuccessfuljobs", "false");

        assertThat(layout(local)).containsExactly("is_anomaly=0/part-00000-id.c000.snappy.parquet",
                "is_anomaly=1/part-00000-id.c000.snappy.parquet");
    }

    /** Spark's writer reads its rebase modes from the thread's active session: it must be the given one. */
    @Test
    void takesTheSessionsSettingsOnAThreadWithoutAnActiveSession() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path local = tmp.resolve("local");
        spark.conf().set("spark.sql.parquet.datetimeRebaseModeInWrite", "LEGACY");
        AtomicReference<Throwable> failed = new AtomicReference<>();
        try {
            Thread writer = new Thread(() -> {
                SparkSession.clearActiveSession();
                try {
                    LocalPartitionedParquet.write(spark, ROWS, SCHEMA, "is_anomaly",
                            new org.apache.hadoop.fs.Path(local.toUri()), "id");
                    if (SparkSession.getActiveSession().isDefined()) {
                        failed.set(new AssertionError("the write left an active session on its thread"));
                    }
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            writer.start();
            writer.join();
        } finally {
            spark.conf().unset("spark.sql.parquet.datetimeRebaseModeInWrite");
        }
        assertThat(failed.get()).isNull();
        assertThat(footer(local.resolve("is_anomaly=0/part-00000-id.c000.snappy.parquet")).getFileMetaData()
                .getKeyValueMetaData()).containsKey("org.apache.spark.legacyDateTime");
    }

    @Test
    void refusesAnExistingDirectoryAndANonIntegerPartitionColumn() throws IOException {
        SparkSession spark = SparkTestSession.get();
        Path existing = Files.createDirectories(tmp.resolve("existing"));
        assertThatThrownBy(() -> LocalPartitionedParquet.write(spark, ROWS, SCHEMA, "is_anomaly",
                new org.apache.hadoop.fs.Path(existing.toUri()), "id"))
                .isInstanceOf(IOException.class).hasMessageContaining("already exists");
        assertThatThrownBy(() -> LocalPartitionedParquet.write(spark, ROWS, SCHEMA, "events",
                new org.apache.hadoop.fs.Path(tmp.resolve("other").toUri()), "id"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Partition column 'events' must be an integer column, not double");
        assertThat(tmp.resolve("other")).doesNotExist();
    }

    /** Writes {@link #ROWS} to {@code local} (id {@code id}) with one setting of the session changed for the write. */
    private Path writeWith(String key, String value) throws IOException {
        SparkSession spark = SparkTestSession.get();
        Path local = tmp.resolve("local");
        spark.conf().set(key, value);
        try {
            LocalPartitionedParquet.write(spark, ROWS, SCHEMA, "is_anomaly",
                    new org.apache.hadoop.fs.Path(local.toUri()), "id");
        } finally {
            spark.conf().unset(key);
        }
        return local;
    }

    /** Files under {@code dir}, relative, sorted; Hadoop's checksum files left out. */
    private static List<String> layout(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
                    .filter(p -> !p.endsWith(".crc")).sorted().toList();
        }
    }

    private static Path parquetIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
    }

    private static ParquetMetadata footer(Path file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
            return reader.getFooter();
        }
    }
}
