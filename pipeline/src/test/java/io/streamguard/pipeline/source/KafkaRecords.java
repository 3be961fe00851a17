package io.streamguard.pipeline.source;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** In-memory rows shaped like Spark's Kafka source output, for tests that need no broker. */
public final class KafkaRecords {

    public static final StructType SCHEMA = new StructType()
            .add("topic", DataTypes.StringType)
            .add("partition", DataTypes.IntegerType)
            .add("offset", DataTypes.LongType)
            .add("timestamp", DataTypes.TimestampType)
            .add("value", DataTypes.BinaryType);

    private final List<Row> rows = new ArrayList<>();

    public KafkaRecords add(String value) {
        return add(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    public KafkaRecords add(byte[] value) {
        rows.add(RowFactory.create("events", 0, (long) rows.size(), new Timestamp(1_700_000_000_000L), value));
        return this;
    }

    public Dataset<Row> toDataset(SparkSession spark) {
        return spark.createDataFrame(rows, SCHEMA);
    }

    /** A valid event in the documented format. */
    public static String event(String user, long timestamp, String type, String sourceIp, String status,
                               double threat, String location, long bytes) {
        return "{\"event_id\":\"e-" + user + "-" + timestamp + "\",\"timestamp\":" + timestamp
                + ",\"event_type\":\"" + type + "\",\"user\":\"" + user + "\",\"source_ip\":\"" + sourceIp
                + "\",\"destination_ip\":\"10.0.0.1\",\"status\":\"" + status + "\",\"threat_score\":" + threat
                + ",\"metadata\":{\"geo_location\":\"" + location + "\",\"hostname\":\"h\",\"port\":443,"
                + "\"bytes_transferred\":" + bytes + ",\"process_name\":\"bash\",\"domain\":\"example.com\"},"
                + "\"auth_details\":{\"method\":\"password\"}}";
    }
}
