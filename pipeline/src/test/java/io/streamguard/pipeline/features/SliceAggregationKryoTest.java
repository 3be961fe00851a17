package io.streamguard.pipeline.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamguard.pipeline.SparkTestSession;
import io.streamguard.pipeline.source.EventParser;
import io.streamguard.pipeline.source.KafkaRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * What the fold's shuffle carries goes through {@code spark.serializer}, and Kryo is a common choice there: every key
 * and state must survive it (Kryo cannot construct a Java record, so none of them may be one).
 */
class SliceAggregationKryoTest {

    private static final ClassTag<Object> ANY = ClassTag$.MODULE$.AnyRef();

    @Test
    void everyKeyAndStateOfTheShuffleSurvivesKryo() {
        KafkaRecords records = new KafkaRecords()
                .add(KafkaRecords.event("alice", 1_767_225_600_000L, "auth_attempt", "1.1.1.1", "failed", 0.7, "US",
                        100))
                .add("{\"user\":\"bob\",\"timestamp\":1767225600000}") // no process, no domain
                .add("not json");
        List<Row> parsed = EventParser.parse(records.toDataset(SparkTestSession.get()), 1 << 20).collectAsList();
        SerializerInstance kryo = new KryoSerializer(new SparkConf()).newInstance();
        List<String> kinds = new ArrayList<>();
        for (Row record : parsed) {
            new PartialFold(List.of(record).iterator(), PartialFold.FLUSH_BYTES).forEachRemaining(pair -> {
                Object key = roundTrip(kryo, pair._1());
                assertThat(key).isEqualTo(pair._1()).hasSameHashCodeAs(pair._1());
                Object state = pair._2();
                Object back = roundTrip(kryo, state);
                if (state instanceof UserActivity activity) {
                    assertThat(((UserActivity) back).features(Set.of(), Set.of()))
                            .containsExactly(activity.features(Set.of(), Set.of()));
                } else if (state instanceof SliceAggregation.Rejected rejected) {
                    assertThat(((SliceAggregation.Rejected) back).row()).isEqualTo(rejected.row());
                } else {
                    assertThat(back).isEqualTo(state);
                }
                kinds.add(key.getClass().getSimpleName() + "/" + back.getClass().getSimpleName());
            });
        }
        assertThat(kinds).containsExactly(
                "ReasonKey/Long", "ValueKey/Long", "ValueKey/Long", "String/UserActivity", // alice
                "ReasonKey/Long", "String/UserActivity", // bob
                "RejectKey/Rejected", "ReasonKey/Long"); // not json
    }

    private static Object roundTrip(SerializerInstance serializer, Object value) {
        return serializer.deserialize(serializer.serialize(value, ANY), ANY);
    }
}
