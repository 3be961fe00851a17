package io.streamguard.pipeline.source;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The event format of DESIGN.md as an explicit Spark schema, so every value is parsed once by
 * {@link StrictJsonReader} (no schema inference, no per-field {@code get_json_object}), which also checks that each
 * declared field has this JSON type. Unknown fields are ignored by the parser, and per-type details objects are
 * not needed.
 */
public final class SecurityEventSchema {

    /** The event types of the format; one distribution feature column each (a fixed set, not a pivot). */
    public static final List<String> EVENT_TYPES =
            List.of("auth_attempt", "network_connection", "file_access", "process_execution", "dns_query");

    public static final StructType METADATA = new StructType(new StructField[] {
        DataTypes.createStructField("geo_location", DataTypes.StringType, true),
        DataTypes.createStructField("hostname", DataTypes.StringType, true),
        DataTypes.createStructField("user_agent", DataTypes.StringType, true),
        DataTypes.createStructField("port", DataTypes.LongType, true),
        DataTypes.createStructField("protocol", DataTypes.StringType, true),
        DataTypes.createStructField("file_path", DataTypes.StringType, true),
        DataTypes.createStructField("process_name", DataTypes.StringType, true),
        DataTypes.createStructField("domain", DataTypes.StringType, true),
        DataTypes.createStructField("bytes_transferred", DataTypes.LongType, true),
    });

    public static final StructType EVENT = new StructType(new StructField[] {
        DataTypes.createStructField("event_id", DataTypes.StringType, true),
        DataTypes.createStructField("timestamp", DataTypes.LongType, true),
        DataTypes.createStructField("event_type", DataTypes.StringType, true),
        DataTypes.createStructField("user", DataTypes.StringType, true),
        DataTypes.createStructField("source_ip", DataTypes.StringType, true),
        DataTypes.createStructField("destination_ip", DataTypes.StringType, true),
        DataTypes.createStructField("status", DataTypes.StringType, true),
        DataTypes.createStructField("threat_score", DataTypes.DoubleType, true),
        DataTypes.createStructField("metadata", METADATA, true),
    });

    private SecurityEventSchema() {
    }
}
