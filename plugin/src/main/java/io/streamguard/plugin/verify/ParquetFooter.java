package io.streamguard.plugin.verify;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;

/**
 * Row count and column names of a Parquet file, read from its footer with Parquet's own Thrift structures (no
 * Hadoop, no Spark: this runs in Maven's JVM).
 */
public record ParquetFooter(long rows, List<String> columns) {

    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    public static ParquetFooter read(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            if (length < 12) {
                throw new IOException(file + " is too short to be a Parquet file (" + length + " bytes)");
            }
            byte[] tail = new byte[8];
            raf.seek(length - 8);
            raf.readFully(tail);
            for (int i = 0; i < 4; i++) {
                if (tail[4 + i] != MAGIC[i]) {
                    throw new IOException(file + " does not end with Parquet's magic bytes: truncated or not Parquet");
                }
            }
            int footerLength = ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (footerLength <= 0 || footerLength > length - 12) {
                throw new IOException(file + " has an impossible footer length " + footerLength);
            }
            byte[] footer = new byte[footerLength];
            raf.seek(length - 8 - footerLength);
            raf.readFully(footer);
            FileMetaData meta = Util.readFileMetaData(new ByteArrayInputStream(footer));
            List<SchemaElement> schema = meta.getSchema();
            // Element 0 is the root message; the rest are (flat) columns.
            List<String> columns = schema.subList(1, schema.size()).stream().map(SchemaElement::getName).toList();
            return new ParquetFooter(meta.getNum_rows(), columns);
        }
    }
}
