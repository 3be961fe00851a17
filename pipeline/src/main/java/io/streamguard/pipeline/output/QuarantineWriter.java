package io.streamguard.pipeline.output;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.encode;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;

import java.io.IOException;
import java.util.Arrays;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.expressions.Window;

/**
 * Writes rejected records (raw payloads: possibly personal data, possibly an attacker's) as JSON lines, bounded
 * in size and readable by the owner only.
 *
 * <p><b>Bounded.</b> At most {@code maxBytes} bytes of JSON lines are written; the counts in the report stay exact
 * whatever is cut. When the cap cuts, records are kept round-robin over the reasons (the first record of every
 * reason, then the second of every reason, ..., each reason in offset order), so every reason keeps examples
 * instead of the first reason filling the cap. A line is written whole or not at all.
 *
 * <p><b>Owner-only.</b> The directory is created {@code 0700} before Spark writes into it, and every file in it is
 * set to {@code 0600} afterwards, where the file system has POSIX permissions (local disks, HDFS).
 */
public final class QuarantineWriter {

    /** No cap. */
    public static final long UNLIMITED = -1;

    static final FsPermission OWNER_ONLY_DIR = new FsPermission((short) 0700);
    static final FsPermission OWNER_ONLY_FILE = new FsPermission((short) 0600);

    private static final String LINE_BYTES = "_line_bytes";
    private static final String BYTES_BEFORE = "_bytes_up_to";

    /**
     * What was written.
     *
     * @param records records written (at most the rejected ones)
     * @param bytes bytes of the JSON lines written, newlines included
     * @param truncated true when the cap left records out
     */
    public record Written(long records, long bytes, boolean truncated) {
    }

    private QuarantineWriter() {
    }

    /**
     * @param rejected rejected records as {@code EventParser.rejected} returns them (with {@code partition},
     *     {@code offset} and {@code reason}); only made when some are to be written (making a DataFrame costs its
     *     analysis, about 0.1 s in a cold JVM)
     * @param rejectedCount how many rows {@code rejected} holds (already counted by the caller)
     * @param maxBytes cap on the bytes written, or {@link #UNLIMITED}; 0 writes no payload at all
     * @param files files to write at most
     */
    public static Written write(Supplier<Dataset<Row>> rejected, long rejectedCount, FileSystem fs, Path dir,
                                long maxBytes, int files) throws IOException {
        if (!fs.mkdirs(dir, OWNER_ONLY_DIR)) {
            throw new IOException("Could not create " + dir);
        }
        restrict(fs, dir, OWNER_ONLY_DIR); // mkdirs applies the umask on some file systems
        if (rejectedCount == 0 || maxBytes == 0) {
            return new Written(0, 0, rejectedCount > 0);
        }
        Dataset<Row> payloads = rejected.get();
        Column[] columns = Arrays.stream(payloads.columns()).map(org.apache.spark.sql.functions::col)
                .toArray(Column[]::new);
        // The JSON writer and to_json share Spark's generator and options: this is the line as written.
        Dataset<Row> sized = payloads.withColumn(LINE_BYTES,
                length(encode(to_json(struct(columns)), "UTF-8")).cast("long").plus(1));
        Dataset<Row> kept = sized;
        if (maxBytes != UNLIMITED) {
            Column round = row_number().over(Window.partitionBy("reason").orderBy("partition", "offset"));
            kept = sized.withColumn("_round", round)
                    .withColumn(BYTES_BEFORE, sum(LINE_BYTES).over(Window.orderBy(
                            col("_round"), col("reason"), col("partition"), col("offset"))
                            .rowsBetween(Window.unboundedPreceding(), Window.currentRow())))
                    .where(col(BYTES_BEFORE).leq(maxBytes))
                    .drop("_round", BYTES_BEFORE);
        }
        kept = kept.persist();
        try {
            Row totals = kept.agg(count(lit(1)), sum(LINE_BYTES)).first();
            long records = totals.getLong(0);
            long bytes = totals.isNullAt(1) ? 0 : totals.getLong(1);
            if (records > 0) {
                kept.drop(LINE_BYTES).coalesce(files).write().mode(SaveMode.Append).json(dir.toString());
            }
            restrictTree(fs, dir);
            return new Written(records, bytes, records < rejectedCount);
        } finally {
            kept.unpersist();
        }
    }

    private static void restrictTree(FileSystem fs, Path dir) throws IOException {
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(dir, true);
        while (files.hasNext()) {
            restrict(fs, files.next().getPath(), OWNER_ONLY_FILE);
        }
    }

    private static void restrict(FileSystem fs, Path path, FsPermission permission) throws IOException {
        try {
            fs.setPermission(path, permission);
        } catch (UnsupportedOperationException noPermissions) {
            // Object stores have no POSIX permissions: the bucket's access policy is what protects the payloads.
        }
    }
}
