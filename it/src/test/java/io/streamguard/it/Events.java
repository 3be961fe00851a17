package io.streamguard.it;

import io.streamguard.plugin.embedded.SyntheticEvents;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain producers, configured like other teams' producers would be. */
final class Events {

    private Events() {
    }

    /** Synthetic events sorted by time, so offsets within a partition follow timestamps exactly. */
    static List<SyntheticEvents.Event> sorted(long count, long seed) {
        SyntheticEvents events = new SyntheticEvents(new SyntheticEvents.Config(count, seed,
                SyntheticEvents.Config.DEFAULT_END, java.time.Duration.ofDays(7), 0.05));
        List<SyntheticEvents.Event> list = new ArrayList<>();
        events.forEach(list::add);
        list.sort(Comparator.comparingLong(SyntheticEvents.Event::timestamp));
        return list;
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap, Map<String, Object> extra) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putAll(extra);
        return new KafkaProducer<>(p);
    }

    static void produce(String bootstrap, Map<String, Object> config, Consumer<KafkaProducer<byte[], byte[]>> body) {
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, config)) {
            body.accept(producer);
            producer.flush();
        }
    }

    static ProducerRecord<byte[], byte[]> record(String topic, int partition, SyntheticEvents.Event e) {
        return new ProducerRecord<>(topic, partition, e.timestamp(), e.user().getBytes(StandardCharsets.UTF_8),
                e.json().getBytes(StandardCharsets.UTF_8));
    }

    static ProducerRecord<byte[], byte[]> raw(String topic, int partition, byte[] key, byte[] value) {
        return new ProducerRecord<>(topic, partition, key, value);
    }
}
