package io.streamguard.pipeline.output;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.parquet.hadoop.ParquetOutputCommitter;
import org.apache.parquet.hadoop.ParquetOutputFormat;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.execution.datasources.parquet.ParquetOptions;
import org.apache.spark.sql.execution.datasources.parquet.ParquetUtils;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.internal.StaticSQLConf;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Function1;
import scala.Option;

/**
 * Writes rows held on the driver in the layout of {@code df.write().partitionBy(column).parquet(dir)}, without a Spark
 * job: one directory {@code column=value} per value present, one file in each, {@code _SUCCESS}; the files are
 * written by Spark's own Parquet writer ({@code ParquetUtils.prepareWrite}: its {@code WriteSupport}, schema
 * conversion, codec and the Spark schema in the footer, all from the session's configuration).
 *
 * <p>Why: up to 100,000 users the scores are already on the driver, and handing them back to Spark to write cost a
 * 1,000-event run its only SQL query (about 0.35 s of planning and code generation in a cold JVM) and a job whose two
 * tasks waited on each other's class initialization of the Parquet writer.
 *
 * <p>What Spark's write would do beyond that is not imitated: when the session asks for it ({@link #unsupported}),
 * the caller has Spark write.
 *
 * <p>The partition column must be an integer column without nulls (a label); rows keep their order within a value.
 */
public final class LocalPartitionedParquet {

    /** Spark's name for the first file a task writes: {@code part-<task>-<job uuid>.c<file>}. */
    private static final String FILE_NAME = "part-00000-%s.c000";

    private static final String DEFAULT_COMMIT_PROTOCOL =
            "org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol";
    private static final String MARK_SUCCESSFUL_JOBS = "mapreduce.fileoutputcommitter.marksuccessfuljobs";

    private LocalPartitionedParquet() {
    }

    /**
     * What the session asks of a Spark write that this one would not do, or empty: files cut at
     * {@code spark.sql.files.maxRecordsPerFile}, another commit protocol or committer (the S3A committers, say),
     * Parquet's summary files, which the committer writes, or listeners that would be told of Spark's write (this one
     * posts no events).
     */
    public static Optional<String> unsupported(SparkSession spark) {
        return unsupported(spark.sessionState().conf(), spark.sessionState().newHadoopConf(),
                spark.sparkContext().getConf());
    }

    static Optional<String> unsupported(SQLConf sql, Configuration conf, SparkConf sparkConf) {
        if (sql.maxRecordsPerFile() > 0) {
            return Optional.of("spark.sql.files.maxRecordsPerFile is " + sql.maxRecordsPerFile());
        }
        if (!sql.fileCommitProtocolClass().equals(DEFAULT_COMMIT_PROTOCOL)) {
            return Optional.of("spark.sql.sources.commitProtocolClass is " + sql.fileCommitProtocolClass());
        }
        String committer = conf.get(SQLConf.PARQUET_OUTPUT_COMMITTER_CLASS().key());
        if (committer != null && !committer.equals(ParquetOutputCommitter.class.getName())) {
            return Optional.of(SQLConf.PARQUET_OUTPUT_COMMITTER_CLASS().key() + " is " + committer);
        }
        // spark.sql.sources.outputCommitterClass is not checked: Spark's Parquet write sets it to the committer above.
        for (String listeners : List.of(StaticSQLConf.QUERY_EXECUTION_LISTENERS().key(), "spark.extraListeners")) {
            String value = sparkConf.get(listeners, "").trim();
            if (!value.isEmpty()) { // lineage tools (OpenLineage, Spline) see Spark's writes, not the driver's
                return Optional.of(listeners + " is " + value);
            }
        }
        // Spark's write turns the summary files off unless one of Parquet's two keys is set.
        if ((conf.get(ParquetOutputFormat.JOB_SUMMARY_LEVEL) != null
                || conf.get(ParquetOutputFormat.ENABLE_JOB_SUMMARY) != null)
                && ParquetOutputFormat.getJobSummaryLevel(conf) != ParquetOutputFormat.JobSummaryLevel.NONE) {
            String key = conf.get(ParquetOutputFormat.JOB_SUMMARY_LEVEL) != null
                    ? ParquetOutputFormat.JOB_SUMMARY_LEVEL : ParquetOutputFormat.ENABLE_JOB_SUMMARY;
            return Optional.of("Parquet's summary files are asked for (" + key + " is " + conf.get(key) + ")");
        }
        return Optional.empty();
    }

    /**
     * @param schema the rows' schema, {@code partitionColumn} included
     * @param dir the directory to create; it must not exist
     * @param writeId a unique id for the file names (Spark puts its write job's UUID there)
     * @return the files written
     */
    public static List<Path> write(SparkSession spark, Iterable<Row> rows, StructType schema, String partitionColumn,
                                   Path dir, String writeId) throws IOException {
        int partitionIndex = schema.fieldIndex(partitionColumn);
        if (!schema.fields()[partitionIndex].dataType().equals(DataTypes.IntegerType)) {
            throw new IllegalArgumentException("Partition column '" + partitionColumn + "' must be an integer column, "
                    + "not " + schema.fields()[partitionIndex].dataType().simpleString());
        }
        List<StructField> dataFields = new ArrayList<>(List.of(schema.fields()));
        dataFields.remove(partitionIndex);
        StructType dataSchema = new StructType(dataFields.toArray(StructField[]::new));
        Configuration conf = spark.sessionState().newHadoopConf();
        Optional<String> unsupported = unsupported(spark.sessionState().conf(), conf, spark.sparkContext().getConf());
        if (unsupported.isPresent()) {
            throw new IllegalStateException("The driver does not write Parquet as Spark would here: "
                    + unsupported.get());
        }
        FileSystem fs = dir.getFileSystem(conf);
        if (fs.exists(dir)) {
            throw new IOException(dir + " already exists");
        }
        // Spark's Parquet writer reads some settings (the rebase modes) from the thread's active session.
        Option<SparkSession> active = SparkSession.getActiveSession();
        SparkSession.setActiveSession(spark);
        try {
            List<Path> files = writeFiles(spark, conf, rows, partitionColumn, partitionIndex, dataSchema, dir,
                    writeId);
            if (conf.getBoolean(MARK_SUCCESSFUL_JOBS, true)) {
                fs.create(new Path(dir, "_SUCCESS"), false).close();
            }
            return files;
        } finally {
            if (active.isDefined()) {
                SparkSession.setActiveSession(active.get());
            } else {
                SparkSession.clearActiveSession();
            }
        }
    }

    private static List<Path> writeFiles(SparkSession spark, Configuration conf, Iterable<Row> rows,
                                         String partitionColumn, int partitionIndex, StructType dataSchema,
                                         Path dir, String writeId) throws IOException {
        Job job = Job.getInstance(conf);
        SQLConf sqlConf = spark.sessionState().conf();
        OutputWriterFactory factory = ParquetUtils.prepareWrite(sqlConf, job, dataSchema,
                new ParquetOptions(scala.collection.immutable.Map$.MODULE$.empty(), sqlConf));
        TaskAttemptContext task = new TaskAttemptContextImpl(job.getConfiguration(),
                new TaskAttemptID("streamguard", 0, TaskType.MAP, 0, 0));
        String fileName = String.format(FILE_NAME, writeId) + factory.getFileExtension(task);
        Function1<Object, Object> toCatalyst = CatalystTypeConverters.createToCatalystConverter(dataSchema);

        Map<Integer, OutputWriter> writers = new TreeMap<>();
        List<Path> files = new ArrayList<>();
        try {
            Object[] values = new Object[dataSchema.length()];
            for (Row row : rows) {
                if (row.isNullAt(partitionIndex)) {
                    throw new IllegalArgumentException("Partition column '" + partitionColumn + "' is null in row "
                            + row);
                }
                int value = row.getInt(partitionIndex);
                OutputWriter writer = writers.get(value);
                if (writer == null) {
                    Path file = new Path(new Path(dir, partitionColumn + "=" + value), fileName);
                    writer = factory.newInstance(file.toString(), dataSchema, task);
                    writers.put(value, writer);
                    files.add(file);
                }
                for (int i = 0, j = 0; i < row.size(); i++) {
                    if (i != partitionIndex) {
                        values[j++] = row.get(i);
                    }
                }
                writer.write((InternalRow) toCatalyst.apply(RowFactory.create(values)));
            }
        } catch (Throwable e) { // Parquet's IOException too, which Scala's write passes on undeclared
            try {
                IOException closing = close(writers.values());
                if (closing != null) {
                    e.addSuppressed(closing);
                }
            } catch (Throwable closeFailed) {
                e.addSuppressed(closeFailed);
            }
            throw e;
        }
        IOException closing = close(writers.values());
        if (closing != null) {
            throw closing;
        }
        return files;
    }

    /** Closes every writer (a Parquet file is only complete once its footer is written), keeping the first error. */
    private static IOException close(Iterable<OutputWriter> writers) {
        IOException first = null;
        for (OutputWriter writer : writers) {
            try {
                writer.close();
            } catch (Exception e) { // Scala declares nothing: Parquet's IOException arrives undeclared
                if (first == null) {
                    first = new IOException("Could not finish the Parquet file " + writer.path() + ": "
                            + e.getMessage(), e);
                }
            }
        }
        return first;
    }
}
